import { afterEach, describe, expect, it } from 'vitest';
import { startOracleCxSandbox, type RunningOracleCxSandbox } from './testing/server.ts';

// The batch endpoint at the version root (../shared/reference/oracle-cx.md §4): parts in order,
// all-or-nothing, only the failed parts listed on failure.

let running: RunningOracleCxSandbox | undefined;
afterEach(async () => { await running?.close(); running = undefined; });
const start = async (config: Record<string, unknown> = {}) => (running = await startOracleCxSandbox(config));

const BATCH = { 'content-type': 'application/vnd.oracle.adf.batch+json' };
const USER = { SocialNetworkCd: 'TWITTER', SocialNetworkUserId: '1001', SocialNetworkUserName: 'ann' };

async function withUser(config: Record<string, unknown> = {}) {
  const sandbox = await start(config);
  const user = await sandbox.call('POST', 'socialUsers', { body: USER });
  const batch = (parts: unknown[], path = '/') => sandbox.call('POST', path, { body: { parts }, headers: BATCH });
  return { ...sandbox, userId: user.json.UserId as number, batch };
}

describe('the Oracle CX sandbox: batch', () => {
  it('runs parts in order (a reply finds its parent posted earlier in the batch) and answers every part with its payload', async () => {
    const { call, batch, userId } = await withUser();
    const answer = await batch([
      { id: 'u', path: '/socialUsers', operation: 'upsert', payload: { ...USER, FollowerCount: 9 } },
      { id: 'p1', path: '/socialPosts', operation: 'create', payload: { SocialUserId: userId, SourcePostIdPrimary: 'p1', PostContent: 'root' } },
      { id: 'p2', path: '/socialPosts', operation: 'create', payload: { SocialUserId: userId, SourcePostIdPrimary: 'p2', ParentPostId: 'p1', PostContent: 'reply' } },
      { id: 'g', path: "/socialPosts?q=SourcePostIdPrimary='p2'&onlyData=true", operation: 'get' },
    ]);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/vnd\.oracle\.adf\.batch\+json/);
    expect(answer.json.parts.map((p: { id: string }) => p.id)).toEqual(['u', 'p1', 'p2', 'g']);
    expect(answer.json.parts[0]).toMatchObject({ id: 'u', path: '/socialUsers', operation: 'upsert', payload: { UserId: userId, FollowerCount: 9 } });
    expect(answer.json.parts[1].payload).toMatchObject({ ObjectTypeCd: 'SVC_SERVICE_REQUESTS', links: expect.any(Array) });
    expect(answer.json.parts[2].payload).toMatchObject({ ObjectTypeCd: 'SVC_SR_MESSAGES', ProcessingStatusCd: 'PASS' });
    expect(answer.json.parts[3].payload).toMatchObject({ count: 1, items: [{ SourcePostIdPrimary: 'p2' }] });
    expect((await call('GET', 'serviceRequests/SR0000000001/child/messages')).json.count).toBe(1);
  });

  it('answers update and delete parts by path, a delete without payload; the root without a trailing slash works too', async () => {
    const { call, batch } = await withUser();
    const contact = await call('POST', 'contacts', { body: { LastName: 'Lee' } });
    const path = `/contacts/${String(contact.json.PartyNumber)}`;
    const answer = await batch([
      { id: 'a', path, operation: 'update', payload: { FirstName: 'Ann' }, ifMatch: contact.json.links[0].properties.changeIndicator },
      { id: 'b', path, operation: 'delete' },
    ], '');
    expect(answer.json.parts).toEqual([
      { id: 'a', path, operation: 'update', preconditionSucceeded: true, payload: expect.objectContaining({ FirstName: 'Ann' }) },
      { id: 'b', path, operation: 'delete' },
    ]);
    expect((await call('GET', path.slice(1))).status).toBe(404);
  });

  it('is all-or-nothing: a failing third part commits nothing (nor the SR a post opened) and is the only part listed', async () => {
    const { call, batch, userId } = await withUser();
    const answer = await batch([
      { id: 'p1', path: '/socialPosts', operation: 'create', payload: { SocialUserId: userId, SourcePostIdPrimary: 'p1', PostContent: 'root' } },
      { id: 'c1', path: '/contacts', operation: 'create', payload: { LastName: 'Lee' } },
      { id: 's1', path: '/serviceRequests', operation: 'create', payload: { Title: 'x', SeverityCd: 'ORA_SVC_SEV9' } },
    ]);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ parts: [{
      id: 's1', path: '/serviceRequests', operation: 'create',
      exception: { status: '400', title: 'Bad Request', detail: expect.stringMatching(/^Attribute SeverityCd has an invalid value/), 'o:errorCode': 'JBO-27024', 'o:errorPath': '/SeverityCd' },
    }] });
    for (const resource of ['socialPosts', 'contacts', 'serviceRequests']) expect((await call('GET', resource)).json.count).toBe(0);
    const stats = await fetch(`${running!.base}/_stats`).then((r) => r.json());
    expect(stats.records).toMatchObject({ socialPosts: 0, serviceRequests: 0, contacts: 0, socialUsers: 1 });
  });

  it('answers a failed batch with config batchFailureStatus', async () => {
    const { batch } = await withUser({ batchFailureStatus: 200 });
    const duplicate = await batch([{ id: 'x', path: '/socialUsers', operation: 'create', payload: USER }]);
    expect([duplicate.status, duplicate.json.parts[0].exception.status]).toEqual([200, '400']);
  });

  it('fails the whole call on an injected fault, as a plain HTTP error without parts', async () => {
    const { batch, faults, call } = await withUser();
    await faults({ errors: { 503: 1 } });
    const answer = await batch([{ id: 'c', path: '/contacts', operation: 'create', payload: { LastName: 'Lee' } }]);
    expect([answer.status, answer.json.parts]).toEqual([503, undefined]);
    await faults({});
    expect((await call('GET', 'contacts')).json.count).toBe(0);
  });

  it('refuses a malformed batch with 400 and an unknown operation', async () => {
    const { call, batch } = await withUser();
    expect((await call('POST', '', { body: { nope: 1 }, headers: BATCH })).status).toBe(400);
    expect((await batch([{ id: 'x', path: '/contacts', operation: 'merge', payload: {} }])).status).toBe(400);
  });
});
