import { afterEach, describe, expect, it, vi } from 'vitest';
import { readableAssertion, SAML2_BEARER, TOKEN_PATH } from './saml-bearer-token.ts';
import { startSapC4cSandbox, type RunningSapC4cSandbox } from './testing/server.ts';

let running: RunningSapC4cSandbox | undefined;

afterEach(async () => {
  vi.useRealTimers();
  await running?.close();
  running = undefined;
});

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const DEMO_CLIENT = basic('parley-demo', 'parley-demo-secret');
/** A SAML 2.0 assertion as an IdP would send it (unsigned: the sandbox cannot check signatures), Base64. */
const ASSERTION = Buffer.from('<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="_1" Version="2.0"><saml2:Subject/></saml2:Assertion>').toString('base64');
const FORM = { grant_type: SAML2_BEARER, client_id: 'parley-demo', scope: 'UIWC:CC_HOME', assertion: ASSERTION };

interface TokenAnswer { status: number; headers: Headers; body: { access_token?: string; token_type?: string; expires_in?: number; error?: string; error_description?: string } }

async function start(config: Record<string, unknown> = {}) {
  running = await startSapC4cSandbox(config);
  const { base, root } = running;
  const token = async (form: Record<string, string> | string = FORM, headers: Record<string, string> = { authorization: DEMO_CLIENT }): Promise<TokenAnswer> => {
    const response = await fetch(`${base}${TOKEN_PATH}`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: typeof form === 'string' ? form : new URLSearchParams(form).toString(),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as TokenAnswer['body'] };
  };
  /** A GET of the service root with the Bearer token: 200 while it is accepted, 401 after. */
  const read = async (accessToken: string) => (await fetch(root, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } })).status;
  const faults = (body: unknown) => fetch(`${base}/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { ...running, token, read, faults };
}

describe('the SAP C4C sandbox: the SAML bearer token endpoint (reference §1)', () => {
  it('issues a Bearer token to the demo client, which OData calls accept, writes with CSRF included', async () => {
    const { token, root } = await start();
    const answer = await token();
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ access_token: expect.stringMatching(/^[\w-]{32}$/), token_type: 'Bearer', expires_in: 3600 });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const authorization = `Bearer ${answer.body.access_token!}`;
    const fetched = await fetch(root, { headers: { authorization, 'x-csrf-token': 'fetch' } });
    expect(fetched.status).toBe(200);
    const created = await fetch(`${root}SocialMediaActivityCollection`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json', 'x-csrf-token': fetched.headers.get('x-csrf-token')!, cookie: fetched.headers.get('set-cookie')!.split(';')[0]! },
      body: JSON.stringify({ Text: 'via SAML bearer' }),
    });
    expect(created.status).toBe(201);
    // Each request gets its own token.
    expect((await token()).body.access_token).not.toBe(answer.body.access_token);
  });

  it('accepts an issued token until tokenTtlSeconds have passed on the sandbox clock, then answers 401', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start0 = Date.parse('2026-12-02T10:00:00Z');
    vi.setSystemTime(start0);
    const { token, read } = await start({ tokenTtlSeconds: 60, bearerTokens: ['static-token'] });
    const answer = await token();
    expect(answer.body.expires_in).toBe(60);
    const issued = answer.body.access_token!;
    expect(await read(issued)).toBe(200);
    vi.setSystemTime(start0 + 59_999);
    expect(await read(issued)).toBe(200);
    vi.setSystemTime(start0 + 60_000);
    expect(await read(issued)).toBe(401);
    // Configured tokens do not expire; a new token is issued for the new time.
    expect(await read('static-token')).toBe(200);
    expect(await read((await token()).body.access_token!)).toBe(200);
  });

  it('revokes issued tokens on _faults expireSessions (401), keeping the configured bearerTokens', async () => {
    const { token, read, faults } = await start({ bearerTokens: ['static-token'] });
    const issued = (await token()).body.access_token!;
    expect(await read(issued)).toBe(200);
    expect((await faults({ expireSessions: true })).status).toBe(200);
    expect(await read(issued)).toBe(401);
    expect(await read('static-token')).toBe(200);
    expect(await read((await token()).body.access_token!)).toBe(200);
  });

  it('refuses a client it does not know with 401 invalid_client and a Basic challenge', async () => {
    const { token } = await start({ oauthClients: [{ clientId: 'c4c-client', clientSecret: 's3cret' }] });
    const cases: Array<[string, Record<string, string>, Record<string, string>]> = [
      ['the demo client, not configured here', { ...FORM, client_id: 'parley-demo' }, { authorization: DEMO_CLIENT }],
      ['a wrong secret', { ...FORM, client_id: 'c4c-client' }, { authorization: basic('c4c-client', 'wrong') }],
      ['no Authorization header', { ...FORM, client_id: 'c4c-client' }, {}],
      ['credentials only in the form', { ...FORM, client_id: 'c4c-client', client_secret: 's3cret' }, {}],
      ['a form client_id of another client', { ...FORM, client_id: 'someone-else' }, { authorization: basic('c4c-client', 's3cret') }],
    ];
    for (const [label, form, headers] of cases) {
      const answer = await token(form, headers);
      expect({ label, status: answer.status, error: answer.body.error, challenge: answer.headers.get('www-authenticate') })
        .toEqual({ label, status: 401, error: 'invalid_client', challenge: expect.stringMatching(/^Basic /) });
    }
    expect((await token({ ...FORM, client_id: 'c4c-client' }, { authorization: basic('c4c-client', 's3cret') })).status).toBe(200);
    // client_id may be left out of the form: Basic names the client.
    const withoutClientId = Object.fromEntries(Object.entries(FORM).filter(([key]) => key !== 'client_id'));
    expect((await token(withoutClientId, { authorization: basic('c4c-client', 's3cret') })).status).toBe(200);
  });

  it('refuses a bad grant with 400 and the OAuth error that names it', async () => {
    const { token } = await start();
    const without = (name: keyof typeof FORM) => Object.fromEntries(Object.entries(FORM).filter(([key]) => key !== name));
    const cases: Array<[string, Record<string, string> | string, string]> = [
      ['another grant type', { ...FORM, grant_type: 'client_credentials' }, 'unsupported_grant_type'],
      ['the JWT bearer grant', { ...FORM, grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' }, 'unsupported_grant_type'],
      ['no grant_type', without('grant_type'), 'invalid_request'],
      ['no scope', without('scope'), 'invalid_request'],
      ['an empty scope', { ...FORM, scope: '' }, 'invalid_request'],
      ['no assertion', without('assertion'), 'invalid_request'],
      ['a repeated scope', `${new URLSearchParams(FORM).toString()}&scope=OTHER`, 'invalid_request'],
      ['an assertion that is not Base64', { ...FORM, assertion: '<saml2:Assertion/>' }, 'invalid_grant'],
      ['Base64 of something else', { ...FORM, assertion: Buffer.from('{"sub":"me"}').toString('base64') }, 'invalid_grant'],
    ];
    for (const [label, form, error] of cases) {
      const answer = await token(form);
      expect({ label, status: answer.status, error: answer.body.error, described: typeof answer.body.error_description }).toEqual({ label, status: 400, error, described: 'string' });
    }
    const json = await fetch(`${running!.base}${TOKEN_PATH}`, { method: 'POST', headers: { authorization: DEMO_CLIENT, 'content-type': 'application/json' }, body: JSON.stringify(FORM) });
    expect([json.status, ((await json.json()) as { error: string }).error]).toEqual([400, 'invalid_request']);
  });

  it('reads an assertion in either Base64 alphabet, line breaks allowed', () => {
    const xml = '<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion">??>></Assertion>';
    const standard = Buffer.from(xml).toString('base64');
    expect(standard).toMatch(/[+/]/);
    expect(readableAssertion(standard)).toBe(true);
    expect(readableAssertion(Buffer.from(xml).toString('base64url'))).toBe(true);
    expect(readableAssertion(standard.replace(/(.{20})/g, '$1\r\n'))).toBe(true);
    expect(readableAssertion('PHNhbWw+')).toBe(true);
    expect(readableAssertion('PHNhbWw+x')).toBe(false);
    expect(readableAssertion('')).toBe(false);
  });
});
