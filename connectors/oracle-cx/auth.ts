/**
 * The `Authorization` header of every call (reference §1): Basic, or an OAuth 2.0 bearer token from
 * the pod's identity domain (IDCS / OCI IAM), renewed before it expires and on a 401.
 */
import { requestOAuthToken, SharedCredential, type BearerToken, type OutboundClient } from '../../src/connectors/index.ts';
import { failureOf, OracleError } from './classify.ts';
import type { OracleCxConfig } from './config.ts';

/** The JWT bearer grant (RFC 7523), used when the config gives an assertion. */
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * Asks the identity domain for a token (the SDK's `requestOAuthToken`): grant `client_credentials`
 * with the configured scope, or the JWT bearer grant with the configured assertion (grant details
 * are identity-domain configuration [unconfirmed], reference §1).
 * @throws ParleyError PARLEY_DESTINATION_CONFIG when the endpoint refuses (4xx) or answers no token;
 *   OracleError for a 5xx or 429 (retried: the destination is unreachable for now)
 */
export function requestToken(config: OracleCxConfig, http: OutboundClient, destination: string, now: () => number = Date.now): Promise<BearerToken> {
  const grant = config.assertion
    ? { grant_type: JWT_BEARER, assertion: config.assertion, ...(config.scope ? { scope: config.scope } : {}) }
    : { grant_type: 'client_credentials', scope: config.scope! };
  return requestOAuthToken(http, { destination, tokenUrl: config.tokenUrl!, clientId: config.clientId!, clientSecret: config.clientSecret!, grant },
    (answer) => new OracleError(failureOf(answer)), now);
}

/**
 * The session's authorization: a fixed Basic header, or a bearer token shared by every call,
 * fetched on first use and again when it is about to expire (or when a call meets a 401: session.ts).
 */
export function authorizationFor(config: OracleCxConfig, http: OutboundClient, destination: string, now: () => number = Date.now): string | SharedCredential<BearerToken> {
  if (config.auth === 'basic') return `Basic ${Buffer.from(`${config.username!}:${config.password!}`).toString('base64')}`;
  return new SharedCredential(() => requestToken(config, http, destination, now), { fresh: (token) => now() < token.expiresAt });
}
