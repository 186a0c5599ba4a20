import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildBatchRequest } from '../odata/batch-request.ts';
import { parseBatchResponse, type BatchResponsePart } from '../odata/batch-response.ts';
import { SapC4cSandboxConfig } from './config.ts';
import { sapC4cSandbox, SERVICE_PATH } from './plugin.ts';
import { BASIC, startSapC4cSandbox, type Body, type RunningSapC4cSandbox } from './testing/server.ts';

let running: RunningSapC4cSandbox | undefined;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** Mounts the sandbox at /sandbox/sap-c4c on 127.0.0.1 and returns a client with a CSRF session. */
async function start(config: Record<string, unknown> = {}) {
  running = await startSapC4cSandbox(config);
  return running;
}

describe('the SAP C4C sandbox: service, metadata, auth and CSRF', () => {
  it('serves the real $metadata and a service document, and refuses bad credentials with 401', async () => {
    const { root, call } = await start();
    const metadata = await call('GET', '$metadata');
    expect(metadata.status).toBe(200);
    expect(metadata.headers.get('content-type')).toMatch(/application\/xml/);
    expect(metadata.text).toBe(readFileSync(new URL('../metadata/c4codataapi-metadata.xml', import.meta.url), 'utf8'));
    const service = await call('GET', '');
    expect(service.json.d.EntitySets).toEqual(expect.arrayContaining(['SocialMediaActivityCollection', 'SocialMediaUserProfileCollection', 'ServiceRequestCollection', 'IndividualCustomerCollection']));
    const wrong = await fetch(`${root}$metadata`, { headers: { authorization: 'Basic ' + Buffer.from('parley-demo:nope').toString('base64') } });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${root}$metadata`)).status).toBe(401);
  });

  it('refuses writes without the session\'s CSRF token with 403 x-csrf-token: Required, and honours expireSessions', async () => {
    const { root, base, call } = await start();
    const bare = await fetch(`${root}SocialMediaActivityCollection`, { method: 'POST', headers: { authorization: BASIC, 'content-type': 'application/json' }, body: '{}' });
    expect(bare.status).toBe(403);
    expect(bare.headers.get('x-csrf-token')).toBe('Required');
    expect((await call('POST', 'SocialMediaActivityCollection', { body: { Text: 'hi' }, headers: { 'x-csrf-token': 'forged' } })).status).toBe(403);
    expect((await call('POST', 'SocialMediaActivityCollection', { body: { Text: 'hi' } })).status).toBe(201);
    await fetch(`${base}/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ expireSessions: true }) });
    const expired = await call('POST', 'SocialMediaActivityCollection', { body: { Text: 'hi' } });
    expect([expired.status, expired.headers.get('x-csrf-token')]).toEqual([403, 'Required']);
  });

  it('takes writes without a token when CSRF is off (integration-user mode)', async () => {
    const { root } = await start({ csrf: false });
    const response = await fetch(`${root}SocialMediaActivityCollection`, { method: 'POST', headers: { authorization: BASIC, 'content-type': 'application/json' }, body: '{"Text":"x"}' });
    expect(response.status).toBe(201);
  });
});

describe('the SAP C4C sandbox: entities', () => {
  it('creates with 201, location, etag and {"d":{"results":{…}}}; a root activity opens a ticket', async () => {
    const { root, call } = await start();
    const created = await call('POST', 'SocialMediaActivityCollection', { body: { SocialMediaChannelCode: '001', SocialMediaMessageID: '1790001', Text: 'hi', SocialMediaMessageCreationDateTime: '/Date(1490902810849)/' } });
    expect(created.status).toBe(201);
    const entity = created.json.d.results;
    expect(entity.ObjectID).toMatch(/^[0-9A-F]{32}$/);
    expect(String(entity.UUID).replace(/-/g, '')).toBe(entity.ObjectID);
    expect(entity.__metadata).toEqual({ uri: `${root}SocialMediaActivityCollection('${entity.ObjectID}')`, type: 'c4codata.SocialMediaActivity', etag: created.headers.get('etag') });
    expect(created.headers.get('location')).toBe(entity.__metadata.uri);
    expect(created.headers.get('etag')).toMatch(/^W\/"datetimeoffset'\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\d\.\d{7}Z'"$/);
    expect(entity.SocialMediaMessageCreationDateTime).toBe('/Date(1490902810849)/');
    expect(entity.SocialMediaActivityToChildSocialMediaActivity).toEqual({ __deferred: { uri: `${entity.__metadata.uri}/SocialMediaActivityToChildSocialMediaActivity` } });
    const reference = await call('GET', `ServiceRequestBusinessTransactionDocumentReferenceCollection?$filter=ID eq '${entity.ID}' and TypeCode eq '1607'&$format=json`);
    expect(reference.json.d.results).toHaveLength(1);
    const ticket = await call('GET', `ServiceRequestCollection('${String(reference.json.d.results[0]!.ParentObjectID)}')`);
    expect(ticket.json.d.results.ProcessingTypeCode).toBe('SRRQ');
    const reply = await call('POST', 'SocialMediaActivityCollection', { body: { Text: 're', ParentSocialMediaActivityUUID: String(entity.UUID).toLowerCase() } });
    expect(reply.status).toBe(201);
    expect((await call('GET', 'ServiceRequestCollection/$count')).text).toBe('1');
    const quiet = await call('POST', 'SocialMediaActivityCollection', { body: { Text: 'r2', ParentSocialMediaActivityUUID: String(entity.UUID) }, headers: { 'odata-no-response-payload': 'true' } });
    expect([quiet.status, quiet.text, quiet.headers.get('location')]).toEqual([201, '', expect.stringMatching(/SocialMediaActivityCollection\('[0-9A-F]{32}'\)$/)]);
  });

  it('answers single entities as standard v2 {"d":{…}} under odata-v2-strict-json-format: true', async () => {
    const { call } = await start();
    const strict = { 'odata-v2-strict-json-format': 'true' };
    const created = await call('POST', 'IndividualCustomerCollection', { body: { FirstName: 'Ada' }, headers: strict });
    expect([created.status, created.json.d.results, (created.json.d as unknown as Record<string, unknown>).FirstName]).toEqual([201, undefined, 'Ada']);
    const path = `IndividualCustomerCollection('${String((created.json.d as unknown as Record<string, unknown>).ObjectID)}')`;
    expect((await call('GET', path, { headers: strict })).json.d).toMatchObject({ FirstName: 'Ada' });
    expect((await call('GET', path)).json.d.results).toMatchObject({ FirstName: 'Ada' });
    expect((await call('GET', 'IndividualCustomerCollection', { headers: strict })).json.d.results).toHaveLength(1);
  });

  it('refuses unknown, non-creatable, too long and mistyped properties with an OData error', async () => {
    const { call } = await start();
    for (const body of [{ Foo: 1 }, { UUID: '00163E03-A070-1ED2-8A86-44CF8D83AE76' }, { languageCode: 'eng' }, { PrivateSocialMediaMessageIndicator: 'yes' }]) {
      const answer = await call('POST', 'SocialMediaActivityCollection', { body });
      expect(answer.status).toBe(400);
      expect(answer.json.error).toMatchObject({ code: '', message: { lang: 'en', value: expect.any(String) } });
    }
    expect((await call('POST', 'SocialMediaActivityCollection', { body: '{not json' })).status).toBe(400);
    expect((await call('GET', 'NoSuchCollection')).status).toBe(404);
  });

  it('reads by key, updates with If-Match (412 on mismatch, 204 and a new ETag), deletes, then 404', async () => {
    const { call } = await start();
    const created = await call('POST', 'SocialMediaUserProfileCollection', { body: { SocialMediaUserCategoryCode: '02', SocialMediaUserProfileUserInformation: [{ SocialMediaUserAccountID: '1234567890' }] } });
    const id = String(created.json.d.results.ObjectID);
    const etag = created.headers.get('etag')!;
    const read = await call('GET', `SocialMediaUserProfileCollection('${id}')?$expand=SocialMediaUserProfileUserInformation`);
    expect(read.json.d.results.SocialMediaUserProfileUserInformation).toEqual({ results: [expect.objectContaining({ SocialMediaUserAccountID: '1234567890', ParentObjectID: id })] });
    expect(read.headers.get('etag')).toBe(etag);
    const stale = await call('PATCH', `SocialMediaUserProfileCollection('${id}')`, { body: { SocialMediaUserCategoryCode: '01' }, headers: { 'if-match': 'W/"datetimeoffset\'2015-01-01T00%3A00%3A00.0000000Z\'"' } });
    expect(stale.status).toBe(412);
    const patched = await call('PATCH', `SocialMediaUserProfileCollection('${id}')`, { body: { SocialMediaUserCategoryCode: '01' }, headers: { 'if-match': etag } });
    expect(patched.status).toBe(204);
    expect(patched.headers.get('etag')).not.toBe(etag);
    expect((await call('GET', `SocialMediaUserProfileCollection('${id}')`)).json.d.results.SocialMediaUserCategoryCode).toBe('01');
    expect((await call('DELETE', `SocialMediaUserProfileCollection('${id}')`, { headers: { 'if-match': etag } })).status).toBe(412);
    expect((await call('DELETE', `SocialMediaUserProfileCollection('${id}')`, { headers: { 'if-match': patched.headers.get('etag')! } })).status).toBe(204);
    const gone = await call('GET', `SocialMediaUserProfileCollection('${id}')`);
    expect(gone.status).toBe(404);
    expect(gone.json.error.message.value).toEqual(expect.any(String));
  });
});

describe('the SAP C4C sandbox: function imports', () => {
  it('finds a profile by its platform user, and a thread below its root', async () => {
    const { call } = await start();
    const profile = await call('POST', 'SocialMediaUserProfileCollection', { body: { SocialMediaUserCategoryCode: '02', SocialMediaUserProfileUserInformation: [{ SocialMediaChannelCode: '001', SocialMediaUserAccountID: "o'brien" }] } });
    await call('POST', 'SocialMediaUserProfileCollection', { body: { SocialMediaUserProfileUserInformation: [{ SocialMediaUserAccountID: 'other' }] } });
    const found = await call('GET', "GetSocialMediaUserProfile?SocialMediaUserAccountID='o''brien'&$format=json");
    expect(found.json.d.results.map((r) => r.ObjectID)).toEqual([profile.json.d.results.ObjectID]);
    expect((await call('GET', "GetSocialMediaUserProfile?SocialMediaUserAccountID='nobody'")).json.d.results).toEqual([]);
    const root = (await call('POST', 'SocialMediaActivityCollection', { body: { Text: 'root' } })).json.d.results;
    const child = (await call('POST', 'SocialMediaActivityCollection', { body: { Text: 'child', ParentSocialMediaActivityUUID: root.UUID } })).json.d.results;
    await call('POST', 'SocialMediaActivityCollection', { body: { Text: 'grandchild', ParentSocialMediaActivityUUID: child.UUID } });
    await call('POST', 'SocialMediaActivityCollection', { body: { Text: 'elsewhere' } });
    const thread = await call('GET', `GetAllChildSocialMediaActivity?RootSocialMediaActivityNodeID='${String(root.ObjectID)}'`);
    expect(thread.json.d.results.map((r) => r.Text).sort()).toEqual(['child', 'grandchild']);
  });
});

describe('the SAP C4C sandbox: queries', () => {
  it('filters, orders, selects, counts as a string, and pages with __next', async () => {
    const { call } = await start({ pageSize: 2 });
    for (const [first, last] of [['Ada', 'Lovelace'], ['Alan', 'Turing'], ['Grace', 'Hopper'], ['Edsger', 'Dijkstra'], ['Barbara', 'Liskov']]) {
      expect((await call('POST', 'IndividualCustomerCollection', { body: { FirstName: first, LastName: last, Email: `${first!.toLowerCase()}@example.org` } })).status).toBe(201);
    }
    const names = (answer: { json: Body }) => answer.json.d.results.map((r) => r.FirstName);
    expect(names(await call('GET', "IndividualCustomerCollection?$filter=LastName eq 'Turing' or LastName eq 'Hopper'&$orderby=FirstName desc"))).toEqual(['Grace', 'Alan']);
    expect(names(await call('GET', "IndividualCustomerCollection?$filter=FirstName eq 'A*' and LastName ne 'Turing'"))).toEqual(['Ada']);
    expect(names(await call('GET', "IndividualCustomerCollection?$filter=startswith(Email,'b')"))).toEqual(['Barbara']);
    const selected = await call('GET', '$metadata'.replace('$metadata', 'IndividualCustomerCollection?$select=FirstName&$top=1&$skip=1&$orderby=FirstName'));
    expect(selected.json.d.results).toEqual([{ __metadata: expect.any(Object), FirstName: 'Alan' }]);
    const first = await call('GET', 'IndividualCustomerCollection?$inlinecount=allpages&$orderby=FirstName');
    expect(first.json.d.__count).toBe('5');
    expect(names(first)).toEqual(['Ada', 'Alan']);
    const second = await fetch(first.json.d.__next!, { headers: { authorization: BASIC } }).then((r) => r.json()) as Body;
    expect(second.d.results.map((r) => r.FirstName)).toEqual(['Barbara', 'Edsger']);
    const third = await fetch(second.d.__next!, { headers: { authorization: BASIC } }).then((r) => r.json()) as Body;
    expect(third.d.results.map((r) => r.FirstName)).toEqual(['Grace']);
    expect(third.d.__next).toBeUndefined();
    expect((await call('GET', "IndividualCustomerCollection?$filter=Nope eq '1'")).status).toBe(400);
    expect((await call('GET', "IndividualCustomerCollection?$filter=LastName eq")).status).toBe(400);
  });
});

describe('the SAP C4C sandbox: $batch', () => {
  it('commits good change sets, rolls back a failing one alone, and answers retrieves, in C4C\'s multipart shape', async () => {
    const { root, token, cookie, call } = await start();
    const json = { 'Content-Type': 'application/json', Accept: 'application/json' };
    const batch = buildBatchRequest([
      { kind: 'changeset', operations: [{ method: 'POST', url: 'SocialMediaActivityCollection', headers: { ...json, 'Content-ID': '1' }, body: '{"SocialMediaMessageID":"ok-1","ParentSocialMediaActivityUUID":"00163E03-A070-1ED2-8A86-44CF8D83AE76"}' }] },
      { kind: 'changeset', operations: [
        { method: 'POST', url: 'SocialMediaActivityCollection', headers: json, body: '{"SocialMediaMessageID":"undone","ParentSocialMediaActivityUUID":"00163E03-A070-1ED2-8A86-44CF8D83AE76"}' },
        { method: 'POST', url: 'SocialMediaActivityCollection', headers: json, body: '{"Foo":"bad"}' },
      ] },
      { kind: 'query', operation: { method: 'GET', url: "SocialMediaActivityCollection?$filter=SocialMediaMessageID%20eq%20'ok-1'", headers: { Accept: 'application/json' } } },
    ], { id: 't1' });
    const response = await fetch(`${root}$batch`, { method: 'POST', headers: { authorization: BASIC, 'x-csrf-token': token, cookie, 'content-type': batch.contentType }, body: batch.body });
    expect(response.status).toBe(202);
    expect(response.headers.get('content-type')).toBe('multipart/mixed; boundary=ejjeeffe0');
    const parts = parseBatchResponse(response.headers.get('content-type')!, await response.text());
    expect(parts.map((p) => p.kind)).toEqual(['changeset', 'single', 'single']);
    const [good, failed, query] = parts as [Extract<BatchResponsePart, { kind: 'changeset' }>, Extract<BatchResponsePart, { kind: 'single' }>, Extract<BatchResponsePart, { kind: 'single' }>];
    expect(good.responses[0]!.status).toBe(201);
    expect(good.responses[0]!.headers['content-id']).toBe('1');
    expect(JSON.parse(good.responses[0]!.body).d.results.SocialMediaMessageID).toBe('ok-1');
    expect(failed.response.status).toBe(400);
    expect(JSON.parse(failed.response.body).error.message.value).toMatch(/Foo/);
    expect(JSON.parse(query.response.body).d.results).toHaveLength(1);
    const all = await call('GET', 'SocialMediaActivityCollection?$inlinecount=allpages');
    expect(all.json.d.results.map((r) => r.SocialMediaMessageID)).toEqual(['ok-1']);
  });

  it('refuses a malformed or oversized batch with 400, and a batch without a CSRF token with 403', async () => {
    const { root, token, cookie } = await start({ batchMaxOperations: 1 });
    const post = (contentType: string, body: string, csrf = true) => fetch(`${root}$batch`, { method: 'POST', headers: { authorization: BASIC, 'content-type': contentType, ...(csrf ? { 'x-csrf-token': token, cookie } : {}) }, body });
    expect((await post('multipart/mixed; boundary=batch_x', '--batch_x\r\nnonsense')).status).toBe(400);
    const two = buildBatchRequest([{ kind: 'changeset', operations: [{ method: 'DELETE', url: "A('1')", headers: {} }, { method: 'DELETE', url: "A('2')", headers: {} }] }], { id: 'y' });
    const tooBig = await post(two.contentType, two.body);
    expect(tooBig.status).toBe(400);
    expect(((await tooBig.json()) as Body).error.message.value).toMatch(/at most 1/);
    expect((await post(two.contentType, two.body, false)).status).toBe(403);
  });
});

describe('the SAP C4C sandbox: faults', () => {
  it('injects a documented status as an OData error, CSRF expiry as 403 Required, and refuses records by rule', async () => {
    const { base, call } = await start();
    const faults = (body: unknown) => fetch(`${base}/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await faults({ errors: { 503: 1 } })).status).toBe(200);
    const unavailable = await call('GET', 'SocialMediaActivityCollection');
    expect(unavailable.status).toBe(503);
    expect(unavailable.json.error.message.value).toEqual(expect.any(String));
    await faults({ errors: { CSRF_REQUIRED: 1 } });
    expect((await call('GET', 'SocialMediaActivityCollection')).status).toBe(200);
    const csrf = await call('POST', 'SocialMediaActivityCollection', { body: { Text: 'x' } });
    expect([csrf.status, csrf.headers.get('x-csrf-token')]).toEqual([403, 'Required']);
    expect((await faults({ errors: { NOPE: 1 } })).status).toBe(400);
    await faults({ rules: [{ object: 'SocialMediaActivity', field: 'SocialMediaMessageID', equals: '42' }] });
    expect((await call('POST', 'SocialMediaActivityCollection', { body: { SocialMediaMessageID: '42' } })).status).toBe(400);
    expect((await call('POST', 'SocialMediaActivityCollection', { body: { SocialMediaMessageID: '43' } })).status).toBe(201);
    const stats = await fetch(`${base}/_stats`).then((r) => r.json()) as { records: Record<string, number>; errors: Record<string, number> };
    expect(stats.records.SocialMediaActivity).toBe(1);
    expect(stats.errors.HTTP_503).toBe(1);
  });

  it('keeps records in its file across restarts', async () => {
    const first = await start({ file: 'sap.json' });
    const created = await first.call('POST', 'IndividualCustomerCollection', { body: { FirstName: 'Kept' } });
    await first.close({ keepData: true });
    const app = Fastify();
    try {
      await app.register(sapC4cSandbox, { prefix: '/sandbox/sap-c4c', config: SapC4cSandboxConfig.parse({ file: 'sap.json' }), baseUrl: () => '', dataDir: first.dataDir } as never);
      const again = await app.inject({ method: 'GET', url: `/sandbox/sap-c4c${SERVICE_PATH}/IndividualCustomerCollection('${String(created.json.d.results.ObjectID)}')`, headers: { authorization: BASIC } });
      expect(JSON.parse(again.body).d.results.FirstName).toBe('Kept');
    } finally {
      await app.close();
    }
  });
});
