import { readFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import jsforce from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_JWT_PRIVATE_KEY } from '../connectors/salesforce/demo-keys.ts';
import { jwtAssertion } from '../connectors/salesforce/jwt.ts';
import { demoConnection, startSalesforceSandbox, type RunningSandbox } from './helpers/salesforce-sandbox.ts';

// Real jsforce 3.10.16 as the sandbox's client: what it accepts here, it accepts from Salesforce.
const metadata = (file: string) => JSON.parse(readFileSync(new URL(`../connectors/salesforce/sandbox/metadata/${file}`, import.meta.url), 'utf8')) as {
  fields: Array<{ name: string; type: string; custom: boolean; picklistValues?: Array<{ value: string }> }>;
};
const REAL = {
  SocialPersona: 'SocialPersona.soqlMetadata.json', SocialPost: 'SocialPost.soqlMetadata.json', Case: 'Case.describe.json',
  Contact: 'Contact.describe.json', Lead: 'Lead.describe.json', Account: 'Account.describe.json',
};

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSalesforceSandbox({ customFields: {
    Contact: [{ name: 'Parley_Key__c', type: 'string', length: 80, externalId: true, unique: true }],
    Account: [{ name: 'Parley_Key__c', type: 'string', length: 80, externalId: true, unique: true }],
  } });
});
afterAll(async () => sandbox.close());

const newConnection = () => new jsforce.Connection({ version: '62.0', loginUrl: sandbox.base, oauth2: { loginUrl: sandbox.base, clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } });

describe('Salesforce sandbox: login, as jsforce does it', () => {
  it('password grant: conn.login parses the org and user ids from the id URL and calls the instance URL', async () => {
    const conn = newConnection();
    const user = await conn.login('demo@parley.local', 'demo');
    expect(user.organizationId).toMatch(/^00D[0-9A-Za-z]{15}$/);
    expect(user.id).toMatch(/^005[0-9A-Za-z]{15}$/);
    expect(conn.instanceUrl).toBe(sandbox.base);
    expect(await conn.identity()).toMatchObject({ user_id: user.id, organization_id: user.organizationId, username: 'demo@parley.local' });
  });

  it('client credentials: conn.authorize({ grant_type: client_credentials })', async () => {
    const conn = newConnection();
    await conn.authorize({ grant_type: 'client_credentials' });
    expect((await conn.describeGlobal()).sobjects.map((s) => s.name)).toEqual(['Account', 'Case', 'Contact', 'Lead', 'SocialPersona', 'SocialPost']);
  });

  it('JWT bearer: an RS256 assertion signed with the demo key is accepted', async () => {
    const conn = new jsforce.Connection({ version: '62.0', loginUrl: sandbox.base, oauth2: { loginUrl: sandbox.base, clientId: 'parley-demo' } });
    const assertion = jwtAssertion({ clientId: 'parley-demo', username: 'demo@parley.local', audience: 'https://login.salesforce.com' }, DEMO_JWT_PRIVATE_KEY, Date.now());
    const user = await conn.authorize({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
    expect(user.organizationId).toMatch(/^00D/);
    expect((await conn.query('SELECT count() FROM Contact')).totalSize).toBeGreaterThanOrEqual(0);
  });

  it('refuses what Salesforce refuses, with its OAuth error names and descriptions', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const jwt = (key: string, claims: Partial<{ clientId: string; username: string; audience: string }> = {}, at = Date.now()) =>
      jwtAssertion({ clientId: 'parley-demo', username: 'demo@parley.local', audience: 'https://login.salesforce.com', ...claims }, key, at);
    const failure = (promise: Promise<unknown>) => promise.then(() => 'no error', (e: Error) => `${e.name}: ${e.message}`);
    const bare = () => new jsforce.Connection({ version: '62.0', loginUrl: sandbox.base, oauth2: { loginUrl: sandbox.base, clientId: 'parley-demo' } });
    const grant = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
    expect(await failure(bare().authorize({ grant_type: grant, assertion: jwt(other) }))).toBe('invalid_grant: invalid assertion');
    expect(await failure(bare().authorize({ grant_type: grant, assertion: jwt(DEMO_JWT_PRIVATE_KEY, { clientId: 'nobody' }) }))).toBe('invalid_client_id: client identifier invalid');
    expect(await failure(bare().authorize({ grant_type: grant, assertion: jwt(DEMO_JWT_PRIVATE_KEY, { audience: 'https://evil.example' }) }))).toBe('invalid_grant: audience is invalid');
    expect(await failure(bare().authorize({ grant_type: grant, assertion: jwt(DEMO_JWT_PRIVATE_KEY, {}, Date.now() - 600_000) }))).toBe('invalid_grant: expired authorization code');
    expect(await failure(bare().authorize({ grant_type: grant, assertion: jwt(DEMO_JWT_PRIVATE_KEY, { username: 'stranger@parley.local' }) }))).toBe("invalid_grant: user hasn't approved this consumer");
    expect(await failure(newConnection().login('demo@parley.local', 'wrong'))).toBe('invalid_grant: authentication failure');
    const wrongSecret = new jsforce.Connection({ version: '62.0', loginUrl: sandbox.base, oauth2: { loginUrl: sandbox.base, clientId: 'parley-demo', clientSecret: 'nope' } });
    expect(await failure(wrongSecret.authorize({ grant_type: 'client_credentials' }))).toBe('invalid_client: invalid client credentials');
    const unknown = new jsforce.Connection({ version: '62.0', loginUrl: sandbox.base, oauth2: { loginUrl: sandbox.base, clientId: 'who', clientSecret: 'x' } });
    expect(await failure(unknown.authorize({ grant_type: 'client_credentials' }))).toBe('invalid_client_id: client identifier invalid');
  });

  it('a call without a valid session is 401 INVALID_SESSION_ID', async () => {
    const conn = new jsforce.Connection({ version: '62.0', instanceUrl: sandbox.base, accessToken: 'not-a-token' });
    await expect(conn.query('SELECT Id FROM Contact')).rejects.toMatchObject({ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' });
  });

  it('after the sessions expire, jsforce logs in again and the call goes through', async () => {
    const conn = await demoConnection(sandbox.base);
    const before = conn.accessToken;
    expect(await sandbox.faults({ expireSessions: true })).toBe(200);
    await sandbox.faults({});
    const result = await conn.query('SELECT count() FROM Lead');
    expect(result.totalSize).toBeGreaterThanOrEqual(0);
    expect(conn.accessToken).not.toBe(before);
  });
});

describe('Salesforce sandbox: describe', () => {
  it.each(Object.entries(REAL))('jsforce describe(%s) lists every real field with its type and picklist values', async (object, file) => {
    const conn = await demoConnection(sandbox.base);
    const served = await conn.sobject(object).describe();
    const byName = new Map(served.fields.map((f) => [f.name, f]));
    const real = metadata(file).fields.filter((f) => !f.custom);
    expect(real.length).toBeGreaterThan(10);
    for (const field of real) {
      const mine = byName.get(field.name);
      expect(mine, `${object}.${field.name}`).toBeDefined();
      expect(mine!.type, `${object}.${field.name}`).toBe(field.type);
      expect((mine!.picklistValues ?? []).map((p) => p.value).sort(), `${object}.${field.name}`).toEqual((field.picklistValues ?? []).map((p) => p.value).sort());
    }
  });

  it('an unknown object is 404 NOT_FOUND', async () => {
    const conn = await demoConnection(sandbox.base);
    await expect(conn.sobject('Opportunity').describe()).rejects.toMatchObject({ errorCode: 'NOT_FOUND' });
  });
});

describe('Salesforce sandbox: records through jsforce', () => {
  it('create, retrieve, update and delete one record', async () => {
    const conn = await demoConnection(sandbox.base);
    const created = await conn.sobject('Contact').create({ LastName: 'Lovelace', FirstName: 'Ada', Email: 'ada@example.com' });
    expect(created).toMatchObject({ success: true, errors: [] });
    expect(created.id).toMatch(/^003[0-9A-Za-z]{15}$/);
    const read = await conn.sobject('Contact').retrieve(created.id!) as Record<string, unknown>;
    expect(read).toMatchObject({ Id: created.id, LastName: 'Lovelace', FirstName: 'Ada', Email: 'ada@example.com' });
    expect(await conn.sobject('Contact').update({ Id: created.id!, Email: 'ada@lovelace.example' })).toMatchObject({ success: true });
    expect((await conn.sobject('Contact').retrieve(created.id!) as Record<string, unknown>).Email).toBe('ada@lovelace.example');
    expect(await conn.sobject('Contact').destroy(created.id!)).toMatchObject({ success: true });
    await expect(conn.sobject('Contact').retrieve(created.id!)).rejects.toMatchObject({ errorCode: 'NOT_FOUND' });
  });

  it('single upsert by external id: 201 created, then 200 updated (created false); the value is percent-decoded', async () => {
    const conn = await demoConnection(sandbox.base);
    const key = 'ext/1 ä';
    const first = await conn.request({ method: 'PATCH', url: `/sobjects/Contact/Parley_Key__c/${encodeURIComponent(key)}`, body: JSON.stringify({ LastName: 'Upsert' }), headers: { 'content-type': 'application/json' } }) as { id: string; created: boolean };
    expect(first).toMatchObject({ success: true, created: true });
    const second = await conn.request({ method: 'PATCH', url: `/sobjects/Contact/Parley_Key__c/${encodeURIComponent(key)}`, body: JSON.stringify({ LastName: 'Upsert 2' }), headers: { 'content-type': 'application/json' } }) as { id: string; created: boolean };
    expect(second).toMatchObject({ id: first.id, success: true, created: false });
    const found = await conn.sobject('Contact').find({ Parley_Key__c: key }, ['Id', 'LastName']).execute();
    expect(found).toEqual([expect.objectContaining({ Id: first.id, LastName: 'Upsert 2' })]);
  });

  it('sObject Collections: per-record results in request order, allOrNone rolls back, and more than 200 is refused', async () => {
    const conn = await demoConnection(sandbox.base);
    const results = await conn.sobject('Lead').create([{ LastName: 'One', Company: 'Acme' }, { LastName: 'No company' }, { LastName: 'Three', Company: 'Acme' }]);
    expect(results.map((r) => r.success)).toEqual([true, false, true]);
    expect(results[1]!.errors[0]).toMatchObject({ statusCode: 'REQUIRED_FIELD_MISSING', fields: ['Company'] });
    const rolledBack = await conn.sobject('Lead').create([{ LastName: 'Four', Company: 'Acme' }, { LastName: 'Five' }], { allOrNone: true });
    expect(rolledBack.map((r) => (r.errors[0] as unknown as { statusCode: string }).statusCode)).toEqual(['ALL_OR_NONE_OPERATION_ROLLED_BACK', 'REQUIRED_FIELD_MISSING']);
    expect((await conn.query("SELECT Id FROM Lead WHERE LastName = 'Four'")).totalSize).toBe(0);
    const tooMany = Array.from({ length: 201 }, (_, i) => ({ LastName: `L${i}`, Company: 'Acme' }));
    await expect(conn.sobject('Lead').create(tooMany)).rejects.toMatchObject({ errorCode: 'EXCEEDED_ID_LIMIT' });
  });

  it('validation errors surface as jsforce surfaces Salesforce errors', async () => {
    const conn = await demoConnection(sandbox.base);
    await expect(conn.sobject('Contact').create({ FirstName: 'No last name' })).rejects.toMatchObject({ errorCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName]' });
    await expect(conn.sobject('Contact').create({ LastName: 'x', Nope__c: 1 })).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' });
    await expect(conn.query('SELECT Nope FROM Contact')).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' });
    await expect(conn.query('SELEC Id FROM Contact')).rejects.toMatchObject({ errorCode: 'MALFORMED_QUERY' });
  });

  it('query with paging: 450 records read back through nextRecordsUrl, and find() with conditions', async () => {
    const conn = await demoConnection(sandbox.base);
    for (let chunk = 0; chunk < 3; chunk++) {
      const records = Array.from({ length: 150 }, (_, i) => ({ LastName: `Paged ${chunk * 150 + i}`, Department: chunk === 1 ? 'Sales' : 'Support' }));
      expect((await conn.sobject('Contact').create(records)).every((r) => r.success)).toBe(true);
    }
    const first = await conn.request({ method: 'GET', url: `/query?q=${encodeURIComponent("SELECT Id FROM Contact WHERE LastName LIKE 'Paged %'")}`, headers: { 'Sforce-Query-Options': 'batchSize=200' } }) as { totalSize: number; done: boolean; nextRecordsUrl: string; records: unknown[] };
    expect(first).toMatchObject({ totalSize: 450, done: false, records: expect.any(Array) });
    expect(first.records).toHaveLength(200);
    expect(first.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g\w+-200$/);
    const all = await conn.sobject('Contact').find({ LastName: { $like: 'Paged %' } }, ['Id', 'LastName']).execute({ autoFetch: true, maxFetch: 10_000 });
    expect(all).toHaveLength(450);
    expect(new Set(all.map((r) => r.Id)).size).toBe(450);
    const sales = await conn.sobject('Contact').find({ Department: 'Sales', LastName: { $like: 'Paged %' } }, ['LastName']).sort({ LastName: 1 }).limit(5).execute();
    expect(sales.map((r) => r.LastName)).toEqual(['Paged 150', 'Paged 151', 'Paged 152', 'Paged 153', 'Paged 154']);
    expect(await conn.sobject('Contact').count({ Department: 'Sales', LastName: { $like: 'Paged %' } })).toBe(150);
  });
});

describe('Salesforce sandbox: limits, faults and stats', () => {
  it('Sforce-Limit-Info on every counted call, /limits, and 403 REQUEST_LIMIT_EXCEEDED past the daily limit', async () => {
    const conn = await demoConnection(sandbox.base);
    await conn.query('SELECT Id FROM Account LIMIT 1');
    const usage = (conn.limitInfo as { apiUsage: { used: number; limit: number } }).apiUsage;
    expect(usage.limit).toBe(15_000);
    await conn.query('SELECT Id FROM Account LIMIT 1');
    expect((conn.limitInfo as { apiUsage: { used: number } }).apiUsage.used).toBe(usage.used + 1);
    const limits = await conn.limits() as unknown as { DailyApiRequests: { Max: number; Remaining: number } };
    expect(limits.DailyApiRequests.Max).toBe(15_000);
    expect(await sandbox.faults({ dailyLimit: 100, apiUsage: 100 })).toBe(200);
    await expect(conn.query('SELECT Id FROM Account')).rejects.toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' });
    await sandbox.faults({ dailyLimit: 15_000, apiUsage: 0 });
  });

  it('_faults injects errors only where the API can return them, and _stats counts calls and records', async () => {
    const conn = await demoConnection(sandbox.base);
    const before = await sandbox.stats();
    expect(await sandbox.faults({ errors: { UNABLE_TO_LOCK_ROW: 1 }, seed: 7 })).toBe(200);
    // Reads never see a lock error; a write's records do (some of them).
    expect((await conn.query('SELECT count() FROM Contact')).totalSize).toBeGreaterThan(0);
    const results = await conn.sobject('Contact').create(Array.from({ length: 10 }, (_, i) => ({ LastName: `Locked ${i}` })));
    expect(results.some((r) => !r.success && (r.errors[0] as unknown as { statusCode: string }).statusCode === 'UNABLE_TO_LOCK_ROW')).toBe(true);
    await sandbox.faults({ errors: { 503: 1 } });
    await expect(conn.sobject('Contact').create([{ LastName: 'x' }])).rejects.toMatchObject({ errorCode: 'ERROR_HTTP_503' });
    expect(await sandbox.faults({ errors: { NOT_A_FAULT: 0.5 } })).toBe(400);
    await sandbox.faults({});
    const after = await sandbox.stats();
    expect(after.totalCalls - before.totalCalls).toBe(3);
    expect(after.calls['POST /composite/sobjects']! - (before.calls['POST /composite/sobjects'] ?? 0)).toBe(2);
    expect(after.records.Contact).toBe(before.records.Contact! + results.filter((r) => r.success).length);
  });
});

describe('Salesforce sandbox: Composite and Composite Graph', () => {
  const v = '/services/data/v62.0';
  const post = (conn: InstanceType<typeof jsforce.Connection>, url: string, body: unknown) =>
    conn.request({ method: 'POST', url, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) as Promise<Record<string, unknown>>;

  it('composite: later subrequests use earlier ids through @{ref.id}; the whole call counts once', async () => {
    const conn = await demoConnection(sandbox.base);
    const before = await sandbox.stats();
    const answer = await post(conn, '/composite', { allOrNone: true, compositeRequest: [
      { method: 'POST', url: `${v}/sobjects/Account`, referenceId: 'acct', body: { Name: 'Composite Co' } },
      { method: 'POST', url: `${v}/sobjects/Contact`, referenceId: 'person', body: { LastName: 'Composite', AccountId: '@{acct.id}' } },
      { method: 'GET', url: `${v}/sobjects/Contact/@{person.id}?fields=AccountId`, referenceId: 'read' },
    ] }) as { compositeResponse: Array<{ httpStatusCode: number; body: Record<string, unknown>; httpHeaders: Record<string, string>; referenceId: string }> };
    expect(answer.compositeResponse.map((r) => [r.referenceId, r.httpStatusCode])).toEqual([['acct', 201], ['person', 201], ['read', 200]]);
    const accountId = answer.compositeResponse[0]!.body.id as string;
    expect(answer.compositeResponse[0]!.httpHeaders.Location).toBe(`${v}/sobjects/Account/${accountId}`);
    expect(answer.compositeResponse[2]!.body.AccountId).toBe(accountId);
    expect((await sandbox.stats()).totalCalls - before.totalCalls).toBe(1);
  });

  it('composite with allOrNone: a failure rolls back the others, which answer PROCESSING_HALTED', async () => {
    const conn = await demoConnection(sandbox.base);
    const answer = await post(conn, '/composite', { allOrNone: true, compositeRequest: [
      { method: 'POST', url: `${v}/sobjects/Account`, referenceId: 'ok', body: { Name: 'Rolled Back Co' } },
      { method: 'POST', url: `${v}/sobjects/Contact`, referenceId: 'bad', body: { FirstName: 'No last name' } },
    ] }) as { compositeResponse: Array<{ httpStatusCode: number; body: Array<{ errorCode: string }> }> };
    expect(answer.compositeResponse.map((r) => [r.httpStatusCode, r.body[0]!.errorCode])).toEqual([[400, 'PROCESSING_HALTED'], [400, 'REQUIRED_FIELD_MISSING']]);
    expect((await conn.query("SELECT Id FROM Account WHERE Name = 'Rolled Back Co'")).totalSize).toBe(0);
  });

  it('graph: persona parented to its first post, then the post pointed at the persona, in one call; a failing graph is rolled back alone', async () => {
    const conn = await demoConnection(sandbox.base);
    const orphan = [
      { method: 'POST', url: `${v}/sobjects/SocialPost`, referenceId: 'post', body: { Name: 'First post', Posted: '2026-11-23T10:00:00.000+0000', Provider: 'Twitter' } },
      { method: 'POST', url: `${v}/sobjects/SocialPersona`, referenceId: 'persona', body: { Name: '@graph_user', Provider: 'Twitter', ParentId: '@{post.id}', ExternalId: '4242' } },
      { method: 'PATCH', url: `${v}/sobjects/SocialPost/@{post.id}`, referenceId: 'link', body: { PersonaId: '@{persona.id}' } },
    ];
    const broken = [
      { method: 'POST', url: `${v}/sobjects/SocialPost`, referenceId: 'post2', body: { Name: 'Kept?', Posted: '2026-11-23T10:00:00.000+0000' } },
      { method: 'POST', url: `${v}/sobjects/SocialPersona`, referenceId: 'persona2', body: { Name: '@nobody', ParentId: '@{post2.id}' } },
    ];
    const answer = await post(conn, '/composite/graph', { graphs: [{ graphId: 'g1', compositeRequest: orphan }, { graphId: 'g2', compositeRequest: broken }] }) as {
      graphs: Array<{ graphId: string; isSuccessful: boolean; graphResponse: { compositeResponse: Array<{ httpStatusCode: number; body: Record<string, unknown> }> } }>;
    };
    expect(answer.graphs.map((g) => [g.graphId, g.isSuccessful])).toEqual([['g1', true], ['g2', false]]);
    const [postAnswer, personaAnswer, linkAnswer] = answer.graphs[0]!.graphResponse.compositeResponse;
    expect([postAnswer!.httpStatusCode, personaAnswer!.httpStatusCode, linkAnswer!.httpStatusCode]).toEqual([201, 201, 204]);
    const stored = await conn.sobject('SocialPost').retrieve(postAnswer!.body.id as string) as Record<string, unknown>;
    expect(stored.PersonaId).toBe(personaAnswer!.body.id);
    expect((await conn.query("SELECT Id FROM SocialPost WHERE Name = 'Kept?'")).totalSize).toBe(0);
  });

  it('refuses a reference to a subrequest that has not run', async () => {
    const conn = await demoConnection(sandbox.base);
    const answer = await post(conn, '/composite', { allOrNone: false, compositeRequest: [
      { method: 'POST', url: `${v}/sobjects/Contact`, referenceId: 'c', body: { LastName: 'x', AccountId: '@{nowhere.id}' } },
    ] }) as { compositeResponse: Array<{ httpStatusCode: number; body: Array<{ errorCode: string }> }> };
    expect(answer.compositeResponse[0]).toMatchObject({ httpStatusCode: 400, body: [{ errorCode: 'PROCESSING_HALTED' }] });
    await expect(post(conn, '/composite', { compositeRequest: Array.from({ length: 26 }, (_, i) => ({ method: 'GET', url: `${v}/limits`, referenceId: `r${i}` })) })).rejects.toMatchObject({ errorCode: 'LIMIT_EXCEEDED' });
  });
});

describe('Salesforce sandbox: odd input gets Salesforce-shaped answers', () => {
  const v = '/services/data/v62.0';
  const raw = async (method: string, path: string, token: string, body?: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${sandbox.base}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...headers }, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) as unknown };
  };

  it('a composite subrequest with an unknown method is refused, and the sandbox keeps serving', async () => {
    const conn = await demoConnection(sandbox.base);
    const answer = await raw('POST', `${v}/composite`, conn.accessToken!, JSON.stringify({ compositeRequest: [{ method: 'FOO', url: `${v}/limits`, referenceId: 'a' }] }), { 'content-type': 'application/json' });
    expect(answer).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_INPUT' }] });
    expect((await conn.query('SELECT count() FROM Account')).totalSize).toBeGreaterThanOrEqual(0);
  });

  it('a parent given by its external id is resolved to its Id; an unknown one is INVALID_FIELD for that record', async () => {
    const conn = await demoConnection(sandbox.base);
    const account = await conn.sobject('Account').create({ Name: 'Keyed', Parley_Key__c: 'acme-1' });
    const results = await conn.sobject('Contact').create([
      { LastName: 'Child', Account: { Parley_Key__c: 'acme-1' } },
      { LastName: 'Orphan', Account: { Parley_Key__c: 'missing' } },
      { LastName: 'Wrong key', Account: { Name: 'Keyed' } },
    ] as never);
    expect(results[0]).toMatchObject({ success: true });
    expect((await conn.sobject('Contact').retrieve(results[0]!.id!) as Record<string, unknown>).AccountId).toBe(account.id);
    expect((results[1]!.errors[0] as unknown as { statusCode: string; message: string })).toMatchObject({ statusCode: 'INVALID_FIELD', message: 'Foreign key external ID: missing not found for field Parley_Key__c in entity Account' });
    expect((results[2]!.errors[0] as unknown as { statusCode: string })).toMatchObject({ statusCode: 'INVALID_FIELD' });
  });

  it('DELETE with a JSON content type and no body, and ids given twice, work', async () => {
    const conn = await demoConnection(sandbox.base);
    const [a, b] = await conn.sobject('Contact').create([{ LastName: 'Del A' }, { LastName: 'Del B' }]);
    expect((await raw('DELETE', `${v}/sobjects/Contact/${a!.id}`, conn.accessToken!, undefined, { 'content-type': 'application/json' })).status).toBe(204);
    const both = await raw('DELETE', `${v}/composite/sobjects?ids=${b!.id}&ids=bad`, conn.accessToken!);
    expect(both.status).toBe(200);
    expect((both.body as Array<{ success: boolean; errors: Array<{ statusCode: string }> }>).map((r) => r.success ? 'ok' : r.errors[0]!.statusCode)).toEqual(['ok', 'MALFORMED_ID']);
  });

  it('deeply nested SOQL, a garbled JWT and updateOnly upserts get clear refusals', async () => {
    const conn = await demoConnection(sandbox.base);
    const deep = `SELECT Id FROM Contact WHERE ${'('.repeat(5000)}LastName = 'x'${')'.repeat(5000)}`;
    await expect(conn.query(deep)).rejects.toMatchObject({ errorCode: 'MALFORMED_QUERY' });
    const token = await fetch(`${sandbox.base}/services/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=bnVsbA.bnVsbA.x' });
    expect([token.status, await token.json()]).toEqual([400, { error: 'invalid_grant', error_description: 'invalid assertion' }]);
    const upsert = await raw('PATCH', `${v}/sobjects/Contact/Parley_Key__c/never-seen?updateOnly=true`, conn.accessToken!, JSON.stringify({ LastName: 'x' }), { 'content-type': 'application/json' });
    expect(upsert).toMatchObject({ status: 404, body: [{ errorCode: 'NOT_FOUND' }] });
  });

  it('takes request bodies larger than 1 MiB (200 records with long descriptions)', async () => {
    const conn = await demoConnection(sandbox.base);
    const results = await conn.sobject('Contact').create(Array.from({ length: 200 }, (_, i) => ({ LastName: `Long ${i}`, Description: 'd'.repeat(6000) })));
    expect(results.every((r) => r.success)).toBe(true);
  });
});

describe('Salesforce sandbox: computed fields', () => {
  it("Contact's Name is FirstName and LastName, kept up to date", async () => {
    const conn = await demoConnection(sandbox.base);
    const created = await conn.sobject('Contact').create({ FirstName: 'Grace', LastName: 'Hopper' });
    expect((await conn.sobject('Contact').retrieve(created.id!) as Record<string, unknown>).Name).toBe('Grace Hopper');
    await conn.sobject('Contact').update({ Id: created.id!, FirstName: 'Amazing Grace' });
    expect((await conn.query(`SELECT Name FROM Contact WHERE Id = '${created.id}'`)).records[0]).toMatchObject({ Name: 'Amazing Grace Hopper' });
  });
});
