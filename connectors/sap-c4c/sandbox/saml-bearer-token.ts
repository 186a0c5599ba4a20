/**
 * C4C's facts of its OAuth 2.0 token endpoint for the SAML bearer grant (reference §1: a form POST to
 * `https://<tenant>/sap/bc/sec/oauth2/token` with `grant_type=urn:ietf:params:oauth:grant-type:saml2-bearer`,
 * `client_id`, `scope`, `assertion`, and `Authorization: Basic base64(client_id:client_secret)`).
 * The endpoint itself (form body, client by Basic, RFC 6749 §5.1/§5.2 JSON answers, which is what
 * SAP's sample client C4CODATAAPIDEVGUIDE `OAuthSAMLClient/` reads) is the kit's `oauthTokenEndpoint`.
 */
import { oauthRefusal, type OAuthGrantVerdict } from '../../../src/connectors/index.ts';

/** The token path below the tenant host (below the sandbox's mount here). */
export const TOKEN_PATH = '/sap/bc/sec/oauth2/token';

/** The realm of the endpoint's Basic challenge to a client it does not know. */
export const TOKEN_REALM = 'SAP C4C OAuth 2.0';

/** The SAML 2.0 bearer grant type (RFC 7522 §2.1). */
export const SAML2_BEARER = 'urn:ietf:params:oauth:grant-type:saml2-bearer';

/** The form parameters that must appear exactly once (RFC 6749 §3.2: never repeated). */
const REQUIRED = ['grant_type', 'scope', 'assertion'] as const;

/**
 * C4C's grant check, once the client has authenticated (`clientId`): a `client_id` in the form must
 * name that client, then the parameters, the grant type, and the assertion, in that order.
 *
 * The assertion: the sandbox has no identity provider whose signature it could check, so it takes
 * any non-empty Base64 text (the standard or the URL-safe alphabet, RFC 7522 §2.1 says base64url;
 * line breaks allowed) that decodes to text containing `<saml` or `Assertion` (a SAML 2.0 assertion
 * element, prefixed or not). Anything else is `invalid_grant`, as an unreadable assertion is at C4C.
 */
export function checkSamlBearerGrant(form: URLSearchParams, clientId: string): OAuthGrantVerdict {
  const formClient = form.getAll('client_id');
  if (formClient.length > 1 || (formClient.length === 1 && formClient[0] !== clientId)) {
    return oauthRefusal('invalid_client', 'client_id does not name the authenticated client');
  }
  for (const name of REQUIRED) {
    const values = form.getAll(name);
    if (values.length > 1) return oauthRefusal('invalid_request', `${name} is repeated`);
    if (values.length === 0 || values[0] === '') return oauthRefusal('invalid_request', `${name} is missing`);
  }
  if (form.get('grant_type') !== SAML2_BEARER) return oauthRefusal('unsupported_grant_type', `grant_type must be ${SAML2_BEARER}`);
  if (!readableAssertion(form.get('assertion')!)) return oauthRefusal('invalid_grant', 'the assertion is not a Base64-encoded SAML 2.0 assertion');
  return { ok: true };
}

/** Whether `text` is Base64 (either alphabet) of something that reads as a SAML 2.0 assertion. */
export function readableAssertion(text: string): boolean {
  const compact = text.replace(/\s+/g, '');
  // Buffer.from(…, 'base64') skips characters outside the alphabet instead of failing, so check first.
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) return false;
  const xml = Buffer.from(compact, 'base64').toString('utf8');
  return xml.includes('<saml') || xml.includes('Assertion');
}
