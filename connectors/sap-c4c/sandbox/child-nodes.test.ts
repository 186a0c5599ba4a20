import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { shippedMetadata } from '../metadata/catalog.ts';
import { buildBatchRequest } from '../odata/batch-request.ts';
import { parseBatchResponse, type BatchResponsePart } from '../odata/batch-response.ts';
import { NodeModel } from './child-nodes.ts';
import { startSapC4cSandbox, type Answer, type RunningSapC4cSandbox } from './testing/server.ts';

const running: RunningSapC4cSandbox[] = [];
afterEach(async () => {
  for (const sandbox of running.splice(0)) await sandbox.close();
});

async function start(config: Record<string, unknown> = {}, dataDir?: string) {
  const sandbox = await startSapC4cSandbox(config, dataDir);
  running.push(sandbox);
  return sandbox;
}

const INFO = 'SocialMediaUserProfileUserInformationCollection';
const BUPA = 'SocialMediaUserProfileBupaReferenceCollection';
const PROFILES = 'SocialMediaUserProfileCollection';
const ids = (answer: Answer) => answer.json.d.results.map((row) => row.ObjectID);

/** A profile deep-inserted with two identities and one business partner reference; its ObjectID. */
async function profileWithChildren(call: RunningSapC4cSandbox['call'], accounts: string[] = ['a-1', 'a-2']): Promise<string> {
  const created = await call('POST', PROFILES, { body: {
    SocialMediaUserCategoryCode: '02',
    SocialMediaUserProfileUserInformation: accounts.map((account) => ({ SocialMediaChannelCode: '001', SocialMediaUserAccountID: account })),
    SocialMediaUserProfileBupaReference: [{ BusinessPartnerCategoryCode: '1', AccountInternalID: '1001' }],
  } });
  expect(created.status).toBe(201);
  return String(created.json.d.results.ObjectID);
}

describe('the node model read from $metadata', () => {
  it('finds child sets, the parent set and to-one child nodes through the associations', () => {
    const { model } = shippedMetadata();
    const nodes = new NodeModel(model);
    expect(nodes.navigation('SocialMediaUserProfile', 'SocialMediaUserProfileUserInformation')).toEqual({ name: 'SocialMediaUserProfileUserInformation', kind: 'children', type: 'SocialMediaUserProfileUserInformation', set: INFO, many: true });
    expect(nodes.navigation('SocialMediaUserProfileUserInformation', 'SocialMediaUserProfile')).toMatchObject({ kind: 'parent', set: PROFILES, many: false });
    expect(nodes.navigation('ServiceRequest', 'ServiceRequestBusinessTransactionDocumentReference')?.set).toBe('ServiceRequestBusinessTransactionDocumentReferenceCollection');
    expect(nodes.navigation('SocialMediaActivity', 'SocialMediaActivityAccessControlList')).toMatchObject({ kind: 'children', many: false });
    // An attachment folder has no ParentObjectID: not a child node the sandbox models.
    expect(nodes.navigation('SocialMediaActivity', 'SocialMediaActivityAttachmentFolder')?.kind).toBe('other');
    expect(nodes.childNavigations('SocialMediaUserProfile').map((n) => n.set).sort()).toEqual([BUPA, INFO]);
    expect(nodes.parentSetOf('SocialMediaUserProfileBupaReference')).toBe(PROFILES);
    expect(nodes.parentSetOf('SocialMediaUserProfile')).toBeUndefined();
  });
});

describe('the SAP C4C sandbox: child nodes as entity sets', () => {
  it('stores deep-inserted rows in their child set, stamped, and finds them by $filter as the connector asks', async () => {
    const { call, root } = await start();
    const profile = await profileWithChildren(call);
    await profileWithChildren(call, ['b-1']);
    const found = await call('GET', `${INFO}?$filter=SocialMediaUserAccountID eq 'a-2' or SocialMediaUserAccountID eq 'b-1'&$select=ObjectID,ParentObjectID,SocialMediaUserAccountID`);
    expect(found.status).toBe(200);
    const [row] = found.json.d.results;
    expect(found.json.d.results.map((r) => r.SocialMediaUserAccountID)).toEqual(['a-2', 'b-1']);
    expect(row).toEqual({ __metadata: { uri: `${root}${INFO}('${String(row!.ObjectID)}')`, type: 'c4codata.SocialMediaUserProfileUserInformation', etag: expect.stringMatching(/^W\/"datetimeoffset'/) }, ObjectID: expect.stringMatching(/^[0-9A-F]{32}$/), ParentObjectID: profile, SocialMediaUserAccountID: 'a-2' });
    const byKey = await call('GET', `${INFO}('${String(row!.ObjectID)}')`);
    expect(byKey.json.d.results.ETag).toMatch(/^\/Date\(\d+\)\/$/);
    expect(byKey.json.d.results.ID).toBeUndefined(); // readable IDs are for root nodes only
    expect(byKey.headers.get('etag')).toBe(row!.__metadata.etag);
    expect((await call('GET', `${BUPA}?$filter=ParentObjectID eq '${profile}'`)).json.d.results).toHaveLength(1);
    expect((await call('GET', `${INFO}/$count`)).text).toBe('3');
    // Child to parent, and the function import reading the same rows.
    expect((await call('GET', `${INFO}('${String(row!.ObjectID)}')/SocialMediaUserProfile`)).json.d.results.ObjectID).toBe(profile);
    expect(ids(await call('GET', "GetSocialMediaUserProfile?SocialMediaUserAccountID='a-2'"))).toEqual([profile]);
    expect(ids(await call('GET', "GetSocialMediaUserProfile?BusinessPartnerInternalID='1001'"))).toHaveLength(2);
  });

  it('pages a child set with __next', async () => {
    const { call } = await start({ pageSize: 2 });
    await profileWithChildren(call, ['p-1', 'p-2', 'p-3']);
    const first = await call('GET', `${INFO}?$filter=SocialMediaUserAccountID eq 'p-1' or SocialMediaUserAccountID eq 'p-2' or SocialMediaUserAccountID eq 'p-3'&$select=SocialMediaUserAccountID`);
    expect(first.json.d.results.map((r) => r.SocialMediaUserAccountID)).toEqual(['p-1', 'p-2']);
    const next = first.json.d.__next!;
    const second = await call('GET', next.slice(next.indexOf(INFO)));
    expect(second.json.d.results.map((r) => r.SocialMediaUserAccountID)).toEqual(['p-3']);
  });

  it('shows one source of truth: a PATCHed, POSTed or DELETEd child row shows in $expand and the navigation', async () => {
    const { call } = await start();
    const profile = await profileWithChildren(call);
    const expanded = async () => (await call('GET', `${PROFILES}('${profile}')?$expand=SocialMediaUserProfileUserInformation&$select=ObjectID,SocialMediaUserProfileUserInformation/SocialMediaUserAccountID`)).json.d.results;
    const before = (await expanded()).SocialMediaUserProfileUserInformation as { results: Array<{ SocialMediaUserAccountID: string; __metadata: { uri: string; etag: string } }> };
    expect(before.results.map((r) => r.SocialMediaUserAccountID)).toEqual(['a-1', 'a-2']);
    const [first] = before.results;
    const childPath = first!.__metadata.uri.slice(first!.__metadata.uri.indexOf(INFO));
    expect((await call('PATCH', childPath, { body: { SocialMediaUserName: 'x' }, headers: { 'if-match': 'W/"datetimeoffset\'2015-01-01T00%3A00%3A00.0000000Z\'"' } })).status).toBe(412);
    expect((await call('PATCH', childPath, { body: { SocialMediaUserAccountID: 'a-1-new' }, headers: { 'if-match': first!.__metadata.etag } })).status).toBe(204);
    expect((await call('PATCH', childPath, { body: { ParentObjectID: profile } })).status).toBe(400); // not updatable
    const posted = await call('POST', INFO, { body: { ParentObjectID: profile, SocialMediaUserAccountID: 'a-3' } });
    expect(posted.status).toBe(201);
    expect(posted.headers.get('location')).toMatch(new RegExp(`${INFO}\\('[0-9A-F]{32}'\\)$`));
    const viaNavigation = await call('POST', `${PROFILES}('${profile}')/SocialMediaUserProfileUserInformation`, { body: { SocialMediaUserAccountID: 'a-4' } });
    expect(viaNavigation.json.d.results.ParentObjectID).toBe(profile);
    expect((await call('DELETE', `${INFO}('${String(posted.json.d.results.ObjectID)}')`)).status).toBe(204);
    const after = (await expanded()).SocialMediaUserProfileUserInformation as { results: Array<{ SocialMediaUserAccountID: string }> };
    expect(after.results.map((r) => r.SocialMediaUserAccountID)).toEqual(['a-1-new', 'a-2', 'a-4']);
    const navigation = await call('GET', `${PROFILES}('${profile}')/SocialMediaUserProfileUserInformation?$inlinecount=allpages`);
    expect([navigation.json.d.__count, navigation.json.d.results.map((r) => r.SocialMediaUserAccountID)]).toEqual(['3', ['a-1-new', 'a-2', 'a-4']]);
    expect((await call('GET', `${PROFILES}('${profile}')/SocialMediaUserProfileUserInformation/$count`)).text).toBe('3');
  });

  it('refuses a child row whose parent is missing or unknown, a deep insert of a non-child navigation, and stores nothing of a refused deep insert', async () => {
    const { call } = await start();
    const unknown = await call('POST', INFO, { body: { ParentObjectID: '00163E0000000000000000000000DEAD', SocialMediaUserAccountID: 'x' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message.value).toMatch(/ParentObjectID/);
    expect((await call('POST', INFO, { body: { SocialMediaUserAccountID: 'x' } })).status).toBe(400);
    const badChild = await call('POST', PROFILES, { body: { SocialMediaUserProfileUserInformation: [{ SocialMediaUserAccountID: 'ok' }, { Nope: 1 }] } });
    expect([badChild.status, badChild.json.error.message.value]).toEqual([400, expect.stringMatching(/Nope/)]);
    const notChild = await call('POST', 'SocialMediaActivityCollection', { body: { Text: 't', SocialMediaActivityAttachmentFolder: [{}] } });
    expect(notChild.status).toBe(400);
    for (const set of [PROFILES, INFO, 'SocialMediaActivityCollection', 'ServiceRequestCollection']) expect((await call('GET', `${set}/$count`)).text, set).toBe('0');
    expect((await call('GET', `${PROFILES}?$expand=Nope`)).status).toBe(400);
  });

  it('deletes a parent with its child rows (compositions), the ticket with its document reference', async () => {
    const { call } = await start();
    const kept = await profileWithChildren(call, ['k-1']);
    const profile = await profileWithChildren(call);
    expect((await call('DELETE', `${PROFILES}('${profile}')`)).status).toBe(204);
    expect((await call('GET', `${INFO}?$filter=ParentObjectID eq '${profile}'`)).json.d.results).toEqual([]);
    expect((await call('GET', `${BUPA}/$count`)).text).toBe('1');
    expect(ids(await call('GET', `${INFO}?$filter=ParentObjectID eq '${kept}'`))).toHaveLength(1);
    await call('POST', 'SocialMediaActivityCollection', { body: { Text: 'root' } });
    const ticket = String((await call('GET', 'ServiceRequestCollection')).json.d.results[0]!.ObjectID);
    const references = await call('GET', `ServiceRequestCollection('${ticket}')?$expand=ServiceRequestBusinessTransactionDocumentReference`);
    expect((references.json.d.results.ServiceRequestBusinessTransactionDocumentReference as { results: unknown[] }).results).toHaveLength(1);
    await call('DELETE', `ServiceRequestCollection('${ticket}')`);
    expect((await call('GET', 'ServiceRequestBusinessTransactionDocumentReferenceCollection/$count')).text).toBe('0');
  });

  it('writes child rows in $batch change sets, atomically', async () => {
    const { call, root, token, cookie } = await start();
    const profile = await profileWithChildren(call);
    const [first, second] = ids(await call('GET', `${INFO}?$filter=ParentObjectID eq '${profile}'`)) as [string, string];
    const json = { 'Content-Type': 'application/json', Accept: 'application/json' };
    const batch = buildBatchRequest([
      { kind: 'changeset', operations: [
        { method: 'PATCH', url: `${INFO}('${first}')`, headers: json, body: '{"SocialMediaUserName":"patched"}' },
        { method: 'POST', url: INFO, headers: json, body: JSON.stringify({ ParentObjectID: profile, SocialMediaUserAccountID: 'batch-1' }) },
        { method: 'DELETE', url: `${INFO}('${second}')`, headers: {} },
      ] },
      { kind: 'changeset', operations: [
        { method: 'POST', url: INFO, headers: json, body: JSON.stringify({ ParentObjectID: profile, SocialMediaUserAccountID: 'undone' }) },
        { method: 'DELETE', url: `${PROFILES}('${profile}')`, headers: {} },
        { method: 'POST', url: INFO, headers: json, body: JSON.stringify({ ParentObjectID: '00163E0000000000000000000000DEAD', SocialMediaUserAccountID: 'orphan' }) },
      ] },
    ], { id: 'c1' });
    const response = await fetch(`${root}$batch`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('parley-demo:parley-demo-secret').toString('base64')}`, 'x-csrf-token': token, cookie, 'content-type': batch.contentType }, body: batch.body });
    const parts = parseBatchResponse(response.headers.get('content-type')!, await response.text());
    const [good, failed] = parts as [Extract<BatchResponsePart, { kind: 'changeset' }>, Extract<BatchResponsePart, { kind: 'single' }>];
    expect(good.responses.map((r) => r.status)).toEqual([204, 201, 204]);
    expect([failed.kind, failed.response.status]).toEqual(['single', 400]);
    // The failed change set's child POST and cascade delete are both undone.
    const rows = await call('GET', `${PROFILES}('${profile}')/SocialMediaUserProfileUserInformation`);
    expect(rows.json.d.results.map((r) => [r.SocialMediaUserAccountID, r.SocialMediaUserName])).toEqual([['a-1', 'patched'], ['batch-1', null]]);
    expect((await call('GET', `${BUPA}/$count`)).text).toBe('1');
  });

  it('moves child rows an older data file keeps nested into their child set, and keeps them across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sap-c4c-legacy-'));
    const legacy = { nextId: 5001, sets: { [PROFILES]: { '00163E00000000000000000000000001': {
      properties: { ObjectID: '00163E00000000000000000000000001', ID: '5000' }, changedAt: 1_700_000_000_000,
      children: { SocialMediaUserProfileUserInformation: [{ SocialMediaUserAccountID: 'old-1' }], SocialMediaUserProfileBupaReference: [] },
    } } } };
    writeFileSync(join(dataDir, 'sap.json'), JSON.stringify(legacy));
    const first = await startSapC4cSandbox({ file: 'sap.json' }, dataDir);
    const query = `${INFO}?$filter=SocialMediaUserAccountID eq 'old-1'`;
    expect((await first.call('GET', query)).json.d.results.map((r) => r.ParentObjectID)).toEqual(['00163E00000000000000000000000001']);
    await first.close({ keepData: true });
    const second = await start({ file: 'sap.json' }, dataDir);
    expect(ids(await second.call('GET', query))).toHaveLength(1);
    const profile = await second.call('GET', `${PROFILES}('00163E00000000000000000000000001')`);
    expect(Object.keys(profile.json.d.results)).not.toContain('children');
  });
});
