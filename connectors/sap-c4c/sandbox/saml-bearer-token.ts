/**
 * The tenant's OAuth 2.0 token endpoint for the SAML bearer grant (reference §1: a form POST to
 * `https://<tenant>/sap/bc/sec/oauth2/token` with `grant_type=urn:ietf:params:oauth:grant-type:saml2-bearer`,
 * `client_id`, `scope`, `assertion`, and `Authorization: Basic base64(client_id:client_secret)`).
 * Answers and errors follow RFC 6749 §5.1/§5.2 (JSON, `Cache-Control: no-store`), which is what
 * SAP's sample client (C4CODATAAPIDEVGUIDE `OAuthSAMLClient/`) reads: `access_token` from a JSON body.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SandboxAuth } from './auth.ts';
import type { SapC4cSandboxConfig } from './config.ts';

/** The token path below the tenant host (below the sandbox's mount here). */
export const TOKEN_PATH = '/sap/bc/sec/oauth2/token';

/** The SAML 2.0 bearer grant type (RFC 7522 §2.1). */
export const SAML2_BEARER = 'urn:ietf:params:oauth:grant-type:saml2-bearer';

/** The OAuth 2.0 error codes this endpoint answers (RFC 6749 §5.2). */
export type OAuthErrorCode = 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_request';

/** A refused token request: 401 for `invalid_client`, 400 otherwise, with the RFC 6749 §5.2 body. */
export interface OAuthRefusal { status: 400 | 401; error: OAuthErrorCode; error_description: string }

/** A token request as it reached the endpoint. */
export interface TokenRequest {
  contentType: string | undefined;
  authorization: string | undefined;
  body: string;
}

/** The form parameters that must appear exactly once (RFC 6749 §3.2: never repeated). */
const REQUIRED = ['grant_type', 'scope', 'assertion'] as const;

/**
 * Checks a token request, in the order an OAuth server does: a form body, the client (Basic),
 * the grant type, the parameters, then the assertion. Returns the granted scope, or the refusal.
 *
 * The assertion: the sandbox has no identity provider whose signature it could check, so it takes
 * any non-empty Base64 text (the standard or the URL-safe alphabet, RFC 7522 §2.1 says base64url;
 * line breaks allowed) that decodes to text containing `<saml` or `Assertion` (a SAML 2.0 assertion
 * element, prefixed or not). Anything else is `invalid_grant`, as an unreadable assertion is at C4C.
 */
export function checkTokenRequest(request: TokenRequest, auth: Pick<SandboxAuth, 'oauthClient'>): { scope: string } | OAuthRefusal {
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(request.contentType ?? '')) {
    return refuse('invalid_request', 'the body must be application/x-www-form-urlencoded');
  }
  const form = new URLSearchParams(request.body);
  const client = auth.oauthClient(request.authorization);
  if (!client) return refuse('invalid_client', 'client authentication failed (Authorization: Basic client_id:client_secret)');
  const formClient = form.getAll('client_id');
  if (formClient.length > 1 || (formClient.length === 1 && formClient[0] !== client)) {
    return refuse('invalid_client', 'client_id does not name the authenticated client');
  }
  for (const name of REQUIRED) {
    const values = form.getAll(name);
    if (values.length > 1) return refuse('invalid_request', `${name} is repeated`);
    if (values.length === 0 || values[0] === '') return refuse('invalid_request', `${name} is missing`);
  }
  if (form.get('grant_type') !== SAML2_BEARER) return refuse('unsupported_grant_type', `grant_type must be ${SAML2_BEARER}`);
  if (!readableAssertion(form.get('assertion')!)) return refuse('invalid_grant', 'the assertion is not a Base64-encoded SAML 2.0 assertion');
  return { scope: form.get('scope')! };
}

/** Whether `text` is Base64 (either alphabet) of something that reads as a SAML 2.0 assertion. */
export function readableAssertion(text: string): boolean {
  const compact = text.replace(/\s+/g, '');
  // Buffer.from(…, 'base64') skips characters outside the alphabet instead of failing, so check first.
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) return false;
  const xml = Buffer.from(compact, 'base64').toString('utf8');
  return xml.includes('<saml') || xml.includes('Assertion');
}

/**
 * `POST <TOKEN_PATH>` as a Fastify plugin: 200 `{ access_token, token_type: "Bearer", expires_in }`
 * (`expires_in` = config `tokenTtlSeconds`), or the OAuth error. Not counted against the quota nor
 * faulted by `_faults.errors`: those belong to the OData service (faults.ts), and the reference
 * documents no failure of the token endpoint beyond refusing a request.
 */
export function samlBearerTokenEndpoint(options: { auth: SandboxAuth; config: Pick<SapC4cSandboxConfig, 'tokenTtlSeconds'> }) {
  return async (scope: FastifyInstance): Promise<void> => {
    // The raw text, whatever its type: the content type is the endpoint's own check (invalid_request).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    // Errors before the handler (a body over the limit) still answer in OAuth's shape, not OData's.
    scope.setErrorHandler((error: Error, request, reply) => {
      const status = (error as { statusCode?: number }).statusCode ?? 500;
      if (status >= 400 && status < 500) return sendOAuth(reply, status, { error: 'invalid_request', error_description: error.message });
      request.log.error({ err: error }, 'sap-c4c sandbox token endpoint failed');
      return sendOAuth(reply, 500, { error: 'server_error', error_description: 'Internal error' });
    });
    scope.post(TOKEN_PATH, async (request, reply) => {
      const checked = checkTokenRequest({
        contentType: request.headers['content-type'], authorization: request.headers.authorization,
        body: typeof request.body === 'string' ? request.body : '',
      }, options.auth);
      if ('error' in checked) {
        // RFC 6749 §5.2: a client that tried the Authorization header gets the scheme it used as a challenge.
        if (checked.status === 401) reply.header('www-authenticate', 'Basic realm="SAP C4C OAuth 2.0"');
        return sendOAuth(reply, checked.status, { error: checked.error, error_description: checked.error_description });
      }
      const ttl = options.config.tokenTtlSeconds;
      return sendOAuth(reply, 200, { access_token: options.auth.issueBearer(ttl), token_type: 'Bearer', expires_in: ttl });
    });
  };
}

function refuse(error: OAuthErrorCode, description: string): OAuthRefusal {
  return { status: error === 'invalid_client' ? 401 : 400, error, error_description: description };
}

/** RFC 6749 §5.1: token answers, errors too, are JSON and never cached. */
function sendOAuth(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).headers({ 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store', pragma: 'no-cache' }).send(JSON.stringify(body));
}
