/**
 * The identity domain's facts of its OAuth 2.0 token endpoint, IDCS style (../shared/reference/oracle-cx.md §1;
 * grant details [unconfirmed]: these are the ones Parley chose): a form POST to `/oauth2/v1/token`
 * with the client in `Authorization: Basic base64(client_id:client_secret)`, and either
 * `grant_type=client_credentials` (with `scope`) or `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`
 * (with an `assertion`). The endpoint itself (form body, client by Basic, RFC 6749 §5.1/§5.2 JSON
 * answers) is the kit's `oauthTokenEndpoint`.
 */
import { oauthRefusal, type OAuthGrantVerdict } from '../../../src/connectors/index.ts';

/** The token path below the identity domain's host (below the sandbox's mount here). */
export const TOKEN_PATH = '/oauth2/v1/token';

/** The realm of the endpoint's Basic challenge to a client it does not know. */
export const TOKEN_REALM = 'Oracle Identity Cloud Service';

/** The JWT bearer grant type (RFC 7523 §2.1). */
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * The pod's grants: client_credentials, or a JWT bearer assertion. The sandbox has no identity
 * provider whose signature it could check, so an assertion is any text of three non-empty
 * dot-separated base64url parts.
 */
export function checkOracleGrant(form: URLSearchParams): OAuthGrantVerdict {
  const grant = form.get('grant_type');
  if (grant === 'client_credentials') return { ok: true };
  if (grant === JWT_BEARER) {
    const assertion = form.get('assertion') ?? '';
    if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(assertion)) return { ok: true };
    return oauthRefusal('invalid_grant', 'the assertion is not a JWT (three dot-separated base64url parts)');
  }
  return oauthRefusal('unsupported_grant_type', `grant_type must be client_credentials or ${JWT_BEARER}`);
}
