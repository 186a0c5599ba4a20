/**
 * The identity domain's OAuth 2.0 token endpoint, IDCS style (../shared/reference/oracle-cx.md §1;
 * grant details [unconfirmed]: these are the ones Parley chose): a form POST to
 * `/oauth2/v1/token` with the client in `Authorization: Basic base64(client_id:client_secret)`, and
 * either `grant_type=client_credentials` (with `scope`) or
 * `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` (with an `assertion`). Answers and errors
 * follow RFC 6749 §5.1/§5.2 (JSON, `Cache-Control: no-store`).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SandboxAuth } from './auth.ts';
import type { OracleCxSandboxConfig } from './config.ts';

/** The token path below the identity domain's host (below the sandbox's mount here). */
export const TOKEN_PATH = '/oauth2/v1/token';

/** The JWT bearer grant type (RFC 7523 §2.1). */
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A refused token request: 401 for `invalid_client`, 400 otherwise (RFC 6749 §5.2). */
export interface OAuthRefusal {
  status: 400 | 401;
  error: 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_request';
  error_description: string;
}

/**
 * Checks a token request: a form body, the client (Basic), then the grant. The sandbox has no
 * identity provider whose signature it could check, so a JWT assertion is any text of three
 * non-empty dot-separated base64url parts.
 */
export function checkTokenRequest(request: { contentType: string | undefined; authorization: string | undefined; body: string }, auth: Pick<SandboxAuth, 'oauthClient'>): { ok: true } | OAuthRefusal {
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(request.contentType ?? '')) {
    return { status: 400, error: 'invalid_request', error_description: 'the body must be application/x-www-form-urlencoded' };
  }
  const form = new URLSearchParams(request.body);
  if (!auth.oauthClient(request.authorization)) {
    return { status: 401, error: 'invalid_client', error_description: 'client authentication failed (Authorization: Basic client_id:client_secret)' };
  }
  const grant = form.get('grant_type');
  if (grant === 'client_credentials') return { ok: true };
  if (grant === JWT_BEARER) {
    const assertion = form.get('assertion') ?? '';
    if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(assertion)) return { ok: true };
    return { status: 400, error: 'invalid_grant', error_description: 'the assertion is not a JWT (three dot-separated base64url parts)' };
  }
  return { status: 400, error: 'unsupported_grant_type', error_description: `grant_type must be client_credentials or ${JWT_BEARER}` };
}

/**
 * `POST <TOKEN_PATH>` as a Fastify plugin: 200 `{ access_token, token_type: "Bearer", expires_in }`
 * (`expires_in` = config `tokenTtlSeconds`), or the OAuth error. Neither counted nor faulted: faults
 * belong to the REST API (faults.ts).
 */
export function tokenEndpoint(options: { auth: SandboxAuth; config: Pick<OracleCxSandboxConfig, 'tokenTtlSeconds'> }) {
  return async (scope: FastifyInstance): Promise<void> => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.post(TOKEN_PATH, async (request, reply) => {
      const checked = checkTokenRequest({
        contentType: request.headers['content-type'], authorization: request.headers.authorization,
        body: typeof request.body === 'string' ? request.body : '',
      }, options.auth);
      if ('error' in checked) {
        if (checked.status === 401) reply.header('www-authenticate', 'Basic realm="Oracle Identity Cloud Service"');
        return sendOAuth(reply, checked.status, { error: checked.error, error_description: checked.error_description });
      }
      const ttl = options.config.tokenTtlSeconds;
      return sendOAuth(reply, 200, { access_token: options.auth.issueBearer(ttl), token_type: 'Bearer', expires_in: ttl });
    });
  };
}

/** RFC 6749 §5.1: token answers, errors too, are JSON and never cached. */
function sendOAuth(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).headers({ 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store', pragma: 'no-cache' }).send(JSON.stringify(body));
}
