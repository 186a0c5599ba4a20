/**
 * The `Authorization` header of every call (reference §1): Basic, or an OAuth 2.0 bearer token from
 * the pod's identity domain (IDCS / OCI IAM), renewed before it expires and on a 401.
 */
import { answerExcerpt, destinationConfigError, formValues, parseObject, SharedCredential, type OutboundClient } from '../../src/connectors/index.ts';
import { failureOf, OracleError } from './classify.ts';
import type { OracleCxConfig } from './config.ts';

/** A bearer token held: the header value and when it stops being used, epoch ms. */
export interface BearerToken {
  header: string;
  expiresAt: number;
}

/** Renewed this long before the announced expiry, so a call never leaves with a token about to lapse. */
const EXPIRY_MARGIN_MS = 60_000;

/** The JWT bearer grant (RFC 7523), used when the config gives an assertion. */
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * Asks the identity domain for a token: a form POST with the client authenticated by Basic, grant
 * `client_credentials` with the configured scope, or the JWT bearer grant with the configured
 * assertion (grant details are identity-domain configuration [unconfirmed], reference §1).
 * @throws ParleyError PARLEY_DESTINATION_CONFIG when the endpoint refuses (4xx) or answers no token;
 *   OracleError for a 5xx or 429 (retried: the destination is unreachable for now)
 */
export async function requestToken(config: OracleCxConfig, http: OutboundClient, destination: string, now: () => number = Date.now): Promise<BearerToken> {
  const form = new URLSearchParams(config.assertion
    ? { grant_type: JWT_BEARER, assertion: config.assertion, ...(config.scope ? { scope: config.scope } : {}) }
    : { grant_type: 'client_credentials', scope: config.scope! });
  const body = form.toString();
  const answer = await http.request({
    method: 'POST', url: config.tokenUrl!, body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded', accept: 'application/json',
      authorization: `Basic ${Buffer.from(`${config.clientId!}:${config.clientSecret!}`).toString('base64')}`,
    },
  });
  if (answer.status >= 500 || answer.status === 429) throw new OracleError(failureOf(answer));
  const json = parseObject(answer.body);
  const token = json?.access_token;
  if (answer.status !== 200 || typeof token !== 'string' || token === '') {
    // The answer may echo the form (an assertion, a secret): only an excerpt with those blanked.
    const excerpt = answerExcerpt(answer, [...formValues(body), config.clientSecret!]);
    throw destinationConfigError({ destination, reason: `the token request to ${config.tokenUrl!} was refused (HTTP ${answer.status}${excerpt ? `: ${excerpt}` : ''})`, httpStatus: answer.status, url: config.tokenUrl! });
  }
  const lifetime = Number(json?.expires_in);
  const expiresAt = Number.isFinite(lifetime) && lifetime > 0 ? now() + Math.max(lifetime * 1000 - EXPIRY_MARGIN_MS, lifetime * 500) : Number.POSITIVE_INFINITY;
  return { header: `Bearer ${token}`, expiresAt };
}

/**
 * The session's authorization: a fixed Basic header, or a bearer token shared by every call,
 * fetched on first use and again when it is about to expire (or when a call meets a 401: session.ts).
 */
export function authorizationFor(config: OracleCxConfig, http: OutboundClient, destination: string, now: () => number = Date.now): string | SharedCredential<BearerToken> {
  if (config.auth === 'basic') return `Basic ${Buffer.from(`${config.username!}:${config.password!}`).toString('base64')}`;
  return new SharedCredential(() => requestToken(config, http, destination, now), { fresh: (token) => now() < token.expiresAt });
}
