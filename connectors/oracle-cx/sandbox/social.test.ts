import { afterEach, describe, expect, it } from 'vitest';
import { startOracleCxSandbox, type RunningOracleCxSandbox } from './testing/server.ts';

// What a social post does (../shared/reference/oracle-cx.md §6.2): a root post opens a service
// request, a reply or DM is appended to its parent's SR as a message, a missing parent is recorded
// on the post as FAIL.

let running: RunningOracleCxSandbox | undefined;
afterEach(async () => { await running?.close(); running = undefined; });

async function withUser() {
  running = await startOracleCxSandbox();
  const user = await running.call('POST', 'socialUsers', { body: { SocialNetworkCd: 'TWITTER', SocialNetworkUserId: '1001', SocialNetworkUserName: 'ann' } });
  const post = (body: Record<string, unknown>) => running!.call('POST', 'socialPosts', { body: { SocialUserId: user.json.UserId, ChannelCd: 'TWITTER', ...body } });
  return { ...running, post };
}

describe('the Oracle CX sandbox: social posts', () => {
  it('opens a service request for a root post, and appends a reply (and a reply to the reply) to it as messages', async () => {
    const { call, post } = await withUser();
    const root = await post({ SourcePostIdPrimary: 'p1', PostContent: 'My order is late', PostDate: '2026-01-02T03:04:05Z' });
    expect(root.status).toBe(201);
    expect(root.json).toMatchObject({ ObjectTypeCd: 'SVC_SERVICE_REQUESTS', ProcessingStatusCd: 'PASS', ProcessingMessage: null, PostDate: '2026-01-02T03:04:05.000Z', CanRespondFlag: true, SourceCd: 'SRM' });
    const srs = (await call('GET', 'serviceRequests?onlyData=true')).json.items;
    expect(srs).toEqual([expect.objectContaining({
      SrId: root.json.ObjectId, SrNumber: 'SR0000000001', Title: 'My order is late', ProblemDescription: 'My order is late',
      ChannelTypeCd: 'ORA_SVC_SOCIAL', SourceCd: 'ORA_SVC_SOCIAL', StatusCd: 'ORA_SVC_NEW', SeverityCd: 'ORA_SVC_SEV3',
    })]);
    const reply = await post({ SourcePostIdPrimary: 'p2', ParentPostId: 'p1', PostContent: 'Any news?', MessageTypeCd: 'ORA_SVC_PRIVATE' });
    expect(reply.json).toMatchObject({ ObjectTypeCd: 'SVC_SR_MESSAGES', ProcessingStatusCd: 'PASS' });
    await post({ SourcePostIdPrimary: 'p3', ParentPostId: 'p2', PostContent: 'Hello?' });
    const messages = (await call('GET', 'serviceRequests/SR0000000001/child/messages?onlyData=true')).json;
    expect(messages.items).toEqual([
      expect.objectContaining({ MessageId: reply.json.ObjectId, MessageContent: 'Any news?', ChannelTypeCd: 'ORA_SVC_SOCIAL', MessageTypeCd: 'ORA_SVC_CUSTOMER_ENTRY', MessageCreatedBy: 'ann' }),
      expect.objectContaining({ MessageContent: 'Hello?' }),
    ]);
    expect((await call('GET', 'serviceRequests?onlyData=true')).json.count).toBe(1);
    const message = await call('GET', `serviceRequests/SR0000000001/child/messages/${String(reply.json.ObjectId)}`);
    expect(message.json.links[0].href).toMatch(/\/serviceRequests\/SR0000000001\/child\/messages\/\d+$/);
  });

  it('titles an SR from the first 80 characters of the content, or "Social post <id>" without content', async () => {
    const { call, post } = await withUser();
    await post({ SourcePostIdPrimary: 'p1', PostContent: 'x'.repeat(100) });
    await post({ SourcePostIdPrimary: 'p2' });
    const titles = (await call('GET', 'serviceRequests?onlyData=true&fields=Title')).json.items;
    expect(titles).toEqual([{ Title: 'x'.repeat(80) }, { Title: 'Social post p2' }]);
  });

  it('still creates a reply whose parent is unknown, with ProcessingStatusCd FAIL and no object', async () => {
    const { call, post } = await withUser();
    const orphan = await post({ SourcePostIdPrimary: 'p9', ParentPostId: 'nope', PostContent: 'hi' });
    expect(orphan.status).toBe(201);
    expect(orphan.json).toMatchObject({ ProcessingStatusCd: 'FAIL', ProcessingMessage: 'The parent post nope was not found.', ObjectId: null, ObjectTypeCd: null });
    expect((await call('GET', 'serviceRequests')).json.count).toBe(0);
  });

  it('serves the content at enclosure/PostContent as application/octet-stream', async () => {
    const { call, post } = await withUser();
    const created = await post({ SourcePostIdPrimary: 'p1', PostContent: 'héllo 👋' });
    const enclosure = await call('GET', `socialPosts/${String(created.json.PostId)}/enclosure/PostContent`);
    expect([enclosure.status, enclosure.headers.get('content-type'), enclosure.text]).toEqual([200, 'application/octet-stream', 'héllo 👋']);
    expect(created.json.links.find((l: { rel: string }) => l.rel === 'enclosure').href).toMatch(/\/enclosure\/PostContent$/);
  });

  it('expands the messages of service requests with expand=messages', async () => {
    const { call, post } = await withUser();
    await post({ SourcePostIdPrimary: 'p1', PostContent: 'root' });
    await post({ SourcePostIdPrimary: 'p2', ParentPostId: 'p1', PostContent: 'reply' });
    const sr = (await call('GET', 'serviceRequests/SR0000000001?expand=messages&onlyData=true')).json;
    expect(sr.messages).toMatchObject({ count: 1, items: [{ MessageContent: 'reply' }] });
  });
});
