/**
 * A sandbox's OAuth 2.0 token endpoint, the part every vendor shares: a form POST (RFC 6749 §4.4.2,
 * `application/x-www-form-urlencoded`), the client authenticated with Basic (§2.3.1), a grant the
 * vendor checks, and an access token from the sandbox's credentials (credentials.ts). Answers and
 * errors follow §5.1/§5.2: JSON, `Cache-Control: no-store`. A vendor gives only its facts: the path,
 * the realm of its 401 challenge and which grants it takes (`checkGrant`).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SandboxCredentials } from './credentials.ts';

/** The OAuth 2.0 error codes a sandbox's token endpoint answers (RFC 6749 §5.2). */
export type OAuthErrorCode = 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_request';

/** A refused token request: 401 for `invalid_client`, 400 otherwise, with the RFC 6749 §5.2 body. */
export interface OAuthRefusal {
  status: 400 | 401;
  error: OAuthErrorCode;
  error_description: string;
}

/** What a vendor's grant check answers: go ahead and issue a token, or the refusal. */
export type OAuthGrantVerdict = { ok: true } | OAuthRefusal;

/**
 * A refusal with the status RFC 6749 §5.2 gives its code: 401 for `invalid_client`, else 400.
 *
 * @example return oauthRefusal('unsupported_grant_type', 'grant_type must be client_credentials');
 */
export function oauthRefusal(error: OAuthErrorCode, description: string): OAuthRefusal {
  return { status: error === 'invalid_client' ? 401 : 400, error, error_description: description };
}

/** A token request as it reached the endpoint: the two headers and the raw body. */
export interface OAuthTokenRequest {
  contentType: string | undefined;
  authorization: string | undefined;
  body: string;
}

/** The vendor's facts of its token endpoint. */
export interface OAuthTokenEndpointOptions {
  /** The token path below the sandbox's mount, as below the vendor's host (`/oauth2/v1/token`). */
  path: string;
  /** The realm of the `WWW-Authenticate: Basic` challenge sent with `invalid_client`; no `"` in it. */
  realm: string;
  /** Where clients are checked and tokens issued; the same store the API's auth reads. */
  credentials: SandboxCredentials;
  /** The issued tokens' lifetime, seconds: `expires_in` in the answer, and when the API stops accepting them. */
  ttlSeconds: number;
  /**
   * The vendor's grants: called with the form once the client is authenticated (`clientId`, its
   * configured id). Check `grant_type` and its parameters; answer `{ ok: true }` or an `oauthRefusal`.
   */
  checkGrant: (form: URLSearchParams, clientId: string) => OAuthGrantVerdict;
}

/**
 * Checks a token request in the order an OAuth server does: a form body, the client (Basic), then
 * the vendor's grant. Pure: the endpoint below answers what it returns.
 */
export function checkOAuthTokenRequest(request: OAuthTokenRequest, options: Pick<OAuthTokenEndpointOptions, 'credentials' | 'checkGrant'>): OAuthGrantVerdict {
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(request.contentType ?? '')) {
    return oauthRefusal('invalid_request', 'the body must be application/x-www-form-urlencoded');
  }
  const form = new URLSearchParams(request.body);
  const client = options.credentials.oauthClient(request.authorization);
  if (!client) return oauthRefusal('invalid_client', 'client authentication failed (Authorization: Basic client_id:client_secret)');
  return options.checkGrant(form, client);
}

/**
 * `POST <path>` as a Fastify plugin: 200 `{ access_token, token_type: "Bearer", expires_in }`, or the
 * OAuth error (401 `invalid_client` with a Basic challenge, RFC 6749 §5.2). Errors before the handler
 * (a body over the limit) answer in OAuth's shape too, not the vendor API's. Register it as is, not
 * through `fastify-plugin`: its body parser and error handler must stay in its own scope. It neither
 * counts calls nor injects faults: those belong to the vendor's API.
 *
 * @example await app.register(oauthTokenEndpoint({ path: '/oauth2/v1/token', realm: 'IDCS', credentials, ttlSeconds: 3600, checkGrant }));
 */
export function oauthTokenEndpoint(options: OAuthTokenEndpointOptions) {
  return async (scope: FastifyInstance): Promise<void> => {
    // The raw text, whatever its type: the content type is the endpoint's own check (invalid_request).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((error: Error, request, reply) => {
      const status = (error as { statusCode?: number }).statusCode ?? 500;
      if (status >= 400 && status < 500) return sendOAuth(reply, status, { error: 'invalid_request', error_description: error.message });
      request.log.error({ err: error }, 'sandbox token endpoint failed');
      return sendOAuth(reply, 500, { error: 'server_error', error_description: 'Internal error' });
    });
    scope.post(options.path, async (request, reply) => {
      const checked = checkOAuthTokenRequest({
        contentType: request.headers['content-type'], authorization: request.headers.authorization,
        body: typeof request.body === 'string' ? request.body : '',
      }, options);
      if ('error' in checked) {
        // RFC 6749 §5.2: a client that tried the Authorization header gets the scheme it used as a challenge.
        if (checked.status === 401) reply.header('www-authenticate', `Basic realm="${options.realm}"`);
        return sendOAuth(reply, checked.status, { error: checked.error, error_description: checked.error_description });
      }
      const ttl = options.ttlSeconds;
      return sendOAuth(reply, 200, { access_token: options.credentials.issueBearer(ttl), token_type: 'Bearer', expires_in: ttl });
    });
  };
}

/** RFC 6749 §5.1: token answers, errors too, are JSON and never cached. */
function sendOAuth(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).headers({ 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store', pragma: 'no-cache' }).send(JSON.stringify(body));
}
