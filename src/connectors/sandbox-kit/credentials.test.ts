import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { basicCredentials, bearerToken, oauthRefusal, oauthTokenEndpoint, SandboxCredentials, type OAuthGrantVerdict } from '../index.ts';

// The kit's credentials store and OAuth token endpoint, as a vendor uses them: its users and clients
// from config, a clock it controls, and its own grant check (here: client_credentials only).

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const CONFIG = { users: [{ user: 'ann', password: 'pa:ss' }], oauthClients: [{ clientId: 'app', clientSecret: 'secret' }] };

function clocked() {
  let now = Date.parse('2026-12-02T10:00:00Z');
  const credentials = new SandboxCredentials(CONFIG, () => now);
  return { credentials, advance: (seconds: number) => { now += seconds * 1000; } };
}

describe('basicCredentials and bearerToken', () => {
  it('split Basic at the first colon (RFC 7617 §2) and read either scheme case-insensitively', () => {
    expect(basicCredentials(basic('ann', 'pa:ss'))).toEqual({ user: 'ann', password: 'pa:ss' });
    expect(basicCredentials(`bAsIc ${Buffer.from('ann:').toString('base64')}`)).toEqual({ user: 'ann', password: '' });
    expect([basicCredentials(undefined), basicCredentials(`Basic ${Buffer.from('no-colon').toString('base64')}`), basicCredentials('Bearer x')]).toEqual([undefined, undefined, undefined]);
    expect([bearerToken('BEARER abc '), bearerToken('Bearer'), bearerToken(basic('a', 'b')), bearerToken(undefined)]).toEqual(['abc', '', undefined, undefined]);
  });
});

describe('SandboxCredentials', () => {
  it('accepts a configured user\'s Basic password and nothing else, wrong lengths included', () => {
    const { credentials } = clocked();
    expect(credentials.authenticated(basic('ann', 'pa:ss'))).toBe(true);
    for (const authorization of [basic('ann', 'pa:s'), basic('ann', 'pa:ssx'), basic('app', 'secret'), 'Bearer ', undefined, '']) {
      expect(credentials.authenticated(authorization)).toBe(false);
    }
  });

  it('names the OAuth client a Basic header authenticates; users are not clients', () => {
    const { credentials } = clocked();
    expect(credentials.oauthClient(basic('app', 'secret'))).toBe('app');
    expect([credentials.oauthClient(basic('app', 'wrong')), credentials.oauthClient(basic('ann', 'pa:ss')), credentials.oauthClient(undefined)]).toEqual([undefined, undefined, undefined]);
  });

  it('accepts an issued token as Bearer until its TTL has passed on the injected clock', () => {
    const { credentials, advance } = clocked();
    const token = credentials.issueBearer(60);
    expect(token).toMatch(/^[\w-]{32}$/);
    expect(credentials.issueBearer(60)).not.toBe(token);
    advance(59);
    expect(credentials.authenticated(`Bearer ${token}`)).toBe(true);
    advance(1);
    expect(credentials.authenticated(`Bearer ${token}`)).toBe(false);
    expect(credentials.bearerValid('made-up')).toBe(false);
  });

  it('revokes every issued token at once (expireSessions); tokens issued after work', () => {
    const { credentials } = clocked();
    const before = credentials.issueBearer(3600);
    credentials.revokeAll();
    expect(credentials.bearerValid(before)).toBe(false);
    expect(credentials.bearerValid(credentials.issueBearer(3600))).toBe(true);
  });
});

describe('oauthTokenEndpoint', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => { await app?.close(); app = undefined; });

  /** A vendor with one grant; `seen` records what its check was called with. */
  async function start() {
    const { credentials, advance } = clocked();
    const seen: Array<{ grant: string | null; clientId: string }> = [];
    const checkGrant = (form: URLSearchParams, clientId: string): OAuthGrantVerdict => {
      seen.push({ grant: form.get('grant_type'), clientId });
      return form.get('grant_type') === 'client_credentials' ? { ok: true } : oauthRefusal('unsupported_grant_type', 'client_credentials only');
    };
    app = Fastify();
    await app.register(oauthTokenEndpoint({ path: '/oauth/token', realm: 'Fake IdP', credentials, ttlSeconds: 600, checkGrant }), { prefix: '/sandbox/fake' });
    const post = (body: string, headers: Record<string, string> = {}) => app!.inject({
      method: 'POST', url: '/sandbox/fake/oauth/token', payload: body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('app', 'secret'), ...headers },
    });
    return { credentials, advance, seen, post };
  }

  it('issues a Bearer token the credentials accept, as RFC 6749 §5.1 JSON that is never cached', async () => {
    const { credentials, advance, seen, post } = await start();
    const answer = await post('grant_type=client_credentials&scope=all');
    expect([answer.statusCode, answer.headers['content-type'], answer.headers['cache-control'], answer.headers.pragma]).toEqual([200, 'application/json;charset=UTF-8', 'no-store', 'no-cache']);
    const body = answer.json<{ access_token: string; token_type: string; expires_in: number }>();
    expect(body).toEqual({ access_token: expect.stringMatching(/^[\w-]{32}$/), token_type: 'Bearer', expires_in: 600 });
    expect(seen).toEqual([{ grant: 'client_credentials', clientId: 'app' }]);
    expect(credentials.authenticated(`Bearer ${body.access_token}`)).toBe(true);
    advance(600);
    expect(credentials.authenticated(`Bearer ${body.access_token}`)).toBe(false);
  });

  it('refuses, in order, a non-form body (400), an unknown client (401 + Basic challenge), then what the vendor refuses', async () => {
    const { seen, post } = await start();
    const json = await post('{"grant_type":"client_credentials"}', { 'content-type': 'application/json', authorization: basic('app', 'wrong') });
    expect([json.statusCode, json.json().error]).toEqual([400, 'invalid_request']);
    const client = await post('grant_type=client_credentials', { authorization: basic('app', 'wrong') });
    expect([client.statusCode, client.json().error, client.headers['www-authenticate'], client.headers['cache-control']]).toEqual([401, 'invalid_client', 'Basic realm="Fake IdP"', 'no-store']);
    const grant = await post('grant_type=password');
    expect([grant.statusCode, grant.json()]).toEqual([400, { error: 'unsupported_grant_type', error_description: 'client_credentials only' }]);
    // The vendor's check runs only for an authenticated client with a form body.
    expect(seen).toEqual([{ grant: 'password', clientId: 'app' }]);
  });

  it('answers errors before the handler (a body over the limit) in OAuth\'s shape', async () => {
    const { post } = await start();
    const answer = await post(`grant_type=client_credentials&scope=${'x'.repeat(1024 * 1024)}`);
    expect([answer.statusCode, answer.json().error, answer.headers['cache-control']]).toEqual([413, 'invalid_request', 'no-store']);
  });
});
