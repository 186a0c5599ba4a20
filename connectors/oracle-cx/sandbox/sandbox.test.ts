import { afterEach, describe, expect, it } from 'vitest';
import { answerOf, BASIC, startOracleCxSandbox, type RunningOracleCxSandbox } from './testing/server.ts';

// The Oracle CX sandbox over HTTP: auth and the token endpoint, the versions document, describe,
// error formats, faults, _stats and persistence. Wire facts: ../shared/reference/oracle-cx.md.

let running: RunningOracleCxSandbox | undefined;
afterEach(async () => { await running?.close(); running = undefined; });
const start = async (config: Record<string, unknown> = {}, dataDir?: string) => (running = await startOracleCxSandbox(config, dataDir));

const USER = { SocialNetworkCd: 'TWITTER', SocialNetworkUserId: '1001', SocialNetworkUserName: 'ann' };
const token = (base: string, form: Record<string, string>, client = BASIC) => fetch(`${base}/oauth2/v1/token`, {
  method: 'POST', headers: { authorization: client, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString(),
}).then(answerOf);

describe('the Oracle CX sandbox: auth', () => {
  it('answers 401 in plain text with a Basic challenge without credentials or with a wrong password', async () => {
    const { root } = await start();
    for (const authorization of [undefined, 'Basic ' + Buffer.from('parley-demo:nope').toString('base64'), 'Bearer made-up']) {
      const answer = await answerOf(await fetch(`${root}/socialUsers`, { headers: authorization ? { authorization } : {} }));
      expect([answer.status, answer.headers.get('www-authenticate'), answer.headers.get('content-type')]).toEqual([401, 'Basic realm="Oracle Fusion"', 'text/plain; charset=utf-8']);
    }
    expect((await answerOf(await fetch(`${root}/socialUsers`, { headers: { authorization: BASIC } }))).status).toBe(200);
  });

  it('grants tokens for client_credentials and jwt-bearer, accepts them as Bearer, and revokes them on expireSessions', async () => {
    const { base, root, faults } = await start({ tokenTtlSeconds: 600 });
    const granted = await token(base, { grant_type: 'client_credentials', scope: 'urn:opc:resource:consumer::all' });
    expect(granted.status).toBe(200);
    expect(granted.json).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 600 });
    const jwt = await token(base, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' });
    expect(jwt.status).toBe(200);
    const bearer = { authorization: `Bearer ${String(granted.json.access_token)}` };
    expect((await fetch(`${root}/socialUsers`, { headers: bearer })).status).toBe(200);
    await faults({ expireSessions: true });
    expect((await fetch(`${root}/socialUsers`, { headers: bearer })).status).toBe(401);
  });

  it('refuses a bad client with 401 invalid_client, an unknown grant or a non-JWT assertion with 400', async () => {
    const { base } = await start();
    const badClient = await token(base, { grant_type: 'client_credentials' }, 'Basic ' + Buffer.from('x:y').toString('base64'));
    expect([badClient.status, badClient.json.error]).toEqual([401, 'invalid_client']);
    const badGrant = await token(base, { grant_type: 'password' });
    expect([badGrant.status, badGrant.json.error]).toEqual([400, 'unsupported_grant_type']);
    const badAssertion = await token(base, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: 'not-a-jwt' });
    expect([badAssertion.status, badAssertion.json.error]).toEqual([400, 'invalid_grant']);
  });
});

describe('the Oracle CX sandbox: the API surface', () => {
  it('lists its version and framework versions at /crmRestApi/resources/', async () => {
    const { base } = await start();
    const answer = await answerOf(await fetch(`${base}/crmRestApi/resources/`, { headers: { authorization: BASIC } }));
    expect(answer.json.items[0]).toMatchObject({ version: '11.13.18.05', isLatest: true });
    expect(answer.json['adf:extension']).toEqual({ defaultFrameworkVersion: '1', allowedFrameworkVersions: ['1', '2', '3', '4', '5', '6', '7', '8', '9'] });
  });

  it('answers the acceptance read: socialPosts?limit=500&onlyData=true with Basic and Accept: application/json', async () => {
    const { root } = await start();
    const response = await fetch(`${root}/socialPosts?limit=500&onlyData=true`, { headers: { authorization: BASIC, accept: 'application/json' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ items: [], count: 0, hasMore: false, limit: 500, offset: 0 });
  });

  it('describes a resource: attributes with type, mandatory, updatable/allowChanges, length and LOV, and the SR child messages', async () => {
    const { call } = await start();
    const users = (await call('GET', 'socialUsers/describe')).json.Resources.socialUsers;
    expect(users).toMatchObject({ discrColumnType: false, title: 'Social User', collection: { rangeSize: 25 } });
    const byName = Object.fromEntries(users.attributes.map((a: { name: string }) => [a.name, a]));
    expect(byName.SocialNetworkUserId).toMatchObject({ type: 'string', mandatory: true, updatable: true, allowChanges: 'always', precision: 200, maxLength: '200' });
    expect(byName.SocialNetworkCd.lov).toEqual({ childRef: 'HZ_INSTANT_MESSENGER_TYPE', valueAttribute: 'LookupCode', displayAttribute: 'Meaning' });
    expect(byName.UserId).toMatchObject({ type: 'integer', updatable: false, allowChanges: 'never' });
    expect(byName.FollowerCount.type).toBe('integer');
    const posts = (await call('GET', 'socialPosts/describe')).json.Resources.socialPosts;
    expect(posts.attributes.find((a: { name: string }) => a.name === 'PostContent')).toMatchObject({ updatable: false, allowChanges: 'create' });
    const sr = (await call('GET', 'serviceRequests/describe')).json.Resources.serviceRequests;
    expect(sr.children.messages.attributes.map((a: { name: string }) => a.name)).toEqual(['MessageId', 'MessageContent', 'MessageTypeCd', 'ChannelTypeCd', 'MessageCreatedBy', 'CreationDate']);
  });

  it('answers 400 for a framework version outside 1–9, and 404 for an unknown resource', async () => {
    const { call } = await start();
    expect((await call('GET', 'socialUsers', { headers: { 'rest-framework-version': '12' } })).status).toBe(400);
    expect((await call('GET', 'opportunities')).status).toBe(404);
  });
});

describe('the Oracle CX sandbox: error formats', () => {
  const invalid = { Title: 'x', SeverityCd: 'ORA_SVC_SEV9' };

  it('answers plain text under framework version < 4 and ADF JSON from 4 on, or when Accept asks for it', async () => {
    const { call } = await start();
    const plain = await call('POST', 'serviceRequests', { body: invalid, headers: { 'rest-framework-version': '2' } });
    expect([plain.status, plain.headers.get('content-type')]).toEqual([400, 'text/plain; charset=utf-8']);
    expect(plain.text).toMatch(/^Attribute SeverityCd has an invalid value\./);
    const json = await call('POST', 'serviceRequests', { body: invalid });
    expect(json.headers.get('content-type')).toMatch(/^application\/vnd\.oracle\.adf\.error\+json/);
    expect(json.json).toEqual({ title: 'Bad Request', status: '400', 'o:errorDetails': [{ detail: expect.stringMatching(/^Attribute SeverityCd has an invalid value\./), 'o:errorCode': 'JBO-27024', 'o:errorPath': '/SeverityCd' }] });
    const asked = await call('POST', 'serviceRequests', { body: invalid, headers: { 'rest-framework-version': null, accept: 'application/vnd.oracle.adf.error+json' } });
    expect(asked.json['o:errorDetails'][0]['o:errorPath']).toBe('/SeverityCd');
  });

  it('follows config jsonErrors: never and always', async () => {
    const never = await start({ jsonErrors: 'never' });
    expect((await never.call('POST', 'serviceRequests', { body: invalid, headers: { accept: 'application/vnd.oracle.adf.error+json' } })).headers.get('content-type')).toMatch(/^text\/plain/);
    await never.close();
    const always = await start({ jsonErrors: 'always' });
    expect((await always.call('POST', 'serviceRequests', { body: invalid, headers: { 'rest-framework-version': null } })).json.status).toBe('400');
  });
});

describe('the Oracle CX sandbox: faults, stats, persistence', () => {
  it('injects a 429 with Retry-After from config, and without it when configured 0', async () => {
    const first = await start({ rateLimitRetryAfterSeconds: 7 });
    await first.faults({ errors: { 429: 1 } });
    const limited = await first.call('GET', 'socialUsers');
    expect([limited.status, limited.headers.get('retry-after'), limited.json.status]).toEqual([429, '7', '429']);
    await first.close();
    const second = await start({ rateLimitRetryAfterSeconds: 0, faults: { errors: { 429: 1 } } });
    const bare = await second.call('GET', 'socialUsers', { headers: { 'rest-framework-version': '1' } });
    expect([bare.status, bare.headers.get('retry-after'), bare.headers.get('content-type')]).toEqual([429, null, 'text/plain; charset=utf-8']);
  });

  it('refuses unknown fault keys and counts calls per endpoint and records per resource in _stats', async () => {
    const { base, call, faults } = await start();
    expect((await faults({ errors: { 418: 1 } })).status).toBe(400);
    const user = await call('POST', 'socialUsers', { body: USER });
    await call('GET', `socialUsers/${String(user.json.UserId)}`);
    const stats = await answerOf(await fetch(`${base}/_stats`));
    expect(stats.json.calls).toEqual({ 'POST /socialUsers': 1, 'GET /socialUsers/{id}': 1 });
    expect(stats.json.records).toEqual({ socialUsers: 1, socialPosts: 0, serviceRequests: 0, messages: 0, contacts: 0 });
  });

  it('keeps records and key sequences across a restart with file', async () => {
    const first = await start({ file: 'oracle.json' });
    const user = await first.call('POST', 'socialUsers', { body: USER });
    await first.call('POST', 'socialPosts', { body: { SocialUserId: user.json.UserId, SourcePostIdPrimary: 'p1', PostContent: 'hi' } });
    await first.close({ keepData: true });
    const second = await start({ file: 'oracle.json' }, first.dataDir);
    expect((await second.call('GET', `socialUsers/${String(user.json.UserId)}`)).json.SocialNetworkUserName).toBe('ann');
    expect((await second.call('GET', 'serviceRequests?onlyData=true')).json.items.map((sr: { SrNumber: string }) => sr.SrNumber)).toEqual(['SR0000000001']);
    const next = await second.call('POST', 'socialUsers', { body: { ...USER, SocialNetworkUserId: '1002' } });
    expect(next.json.UserId).toBeGreaterThan(user.json.UserId);
  });
});
