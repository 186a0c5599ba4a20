import { afterEach, describe, expect, it } from 'vitest';
import type { DestinationContext, DestinationSession, OutboundClient, OutboundRequest, WriteBatch } from '../../src/connectors/index.ts';
import { OracleCxConfig } from './config.ts';
import { SR_BY_POST } from './object-model.ts';
import { startOracleCxSandbox, type RunningOracleCxSandbox } from './sandbox/testing/server.ts';
import { connectOracleCx } from './session.ts';

// The session against the real sandbox on 127.0.0.1 (README.md here is the wire both follow).

const VERSION_ROOT = '/crmRestApi/resources/11.13.18.05/';

interface Call { method: string; path: string; query: URLSearchParams; status: number }

let sandbox: RunningOracleCxSandbox | undefined;
const sessions: DestinationSession[] = [];

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
  await sandbox?.close();
  sandbox = undefined;
});

/** An outbound client over fetch that records every request: method, path below the version root (or the sandbox), query, status. */
function recordingOutbound(log: Call[]): OutboundClient {
  return {
    async request(req: OutboundRequest) {
      const response = await fetch(req.url, { method: req.method, ...(req.headers ? { headers: req.headers } : {}), ...(req.body !== undefined ? { body: String(req.body) } : {}) });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => { headers[name] = value; });
      const url = new URL(req.url);
      log.push({ method: req.method, path: url.pathname.replace(/^.*\/crmRestApi\/resources\/[^/]+\//, '').replace(/^\/sandbox\/oracle-cx/, ''), query: url.searchParams, status: response.status });
      return { status: response.status, headers, body: await response.text() };
    },
    assertTrusted: () => undefined,
    close: async () => undefined,
  } as unknown as OutboundClient;
}

/** The sandbox on 127.0.0.1 (its own test server), and a way to connect sessions to it. */
async function start(config: Record<string, unknown> = {}) {
  sandbox = await startOracleCxSandbox(config);
  const { base } = sandbox;
  const log: Call[] = [];
  const quiet = () => undefined;
  const context: DestinationContext = { name: 'oracle-cx', sandboxUrl: base, logger: { debug: quiet, info: quiet, warn: quiet, error: quiet }, outbound: () => recordingOutbound(log) };
  const connect = async (settings: Record<string, unknown> = {}) => {
    const session = await connectOracleCx(OracleCxConfig.parse({ username: 'parley-demo', password: 'parley-demo-secret', ...settings }), context);
    sessions.push(session);
    return session;
  };
  const faults = sandbox.faults;
  const stats = async () => (await (await fetch(`${base}/_stats`)).json()) as { records: Record<string, number> };
  const call = sandbox.call;
  const read = async (path: string) => {
    const answer = await call('GET', path);
    expect(answer.status, answer.text).toBe(200);
    return answer.json as Record<string, unknown> & { items: Array<Record<string, unknown>> };
  };
  return { base, log, connect, faults, stats, read, call };
}

const user = (id: string, name = `user ${id}`) => ({ id: `op-user-${id}`, matchValue: id, fields: { SocialNetworkCd: 'TWITTER', SocialNetworkUserId: id, SocialNetworkUserName: name } });
const users = (...ops: ReturnType<typeof user>[]): WriteBatch => ({ object: 'socialUsers', operation: 'upsert', matchKey: 'SocialNetworkUserId', operations: ops });
const post = (id: string, author: string, parent?: string) => ({
  id: `op-post-${id}`, matchValue: id,
  fields: { SourcePostIdPrimary: id, SocialUserId: Number(author), PostContent: `text of ${id}`, ChannelCd: 'TWITTER', ...(parent ? { ParentPostId: parent, ParentPost: 'waited-for' } : {}) },
});
const posts = (...ops: ReturnType<typeof post>[]): WriteBatch => ({ object: 'socialPosts', operation: 'upsert', matchKey: 'SourcePostIdPrimary', operations: ops });
const idOf = (result: unknown) => (result as { recordId: string }).recordId;

describe('the Oracle CX session: connect', () => {
  it('refuses wrong credentials, and a URL with no crmRestApi, as configuration errors', async () => {
    const { connect, base } = await start();
    await expect(connect({ password: 'wrong' })).rejects.toMatchObject({ code: 'PARLEY_DESTINATION_CONFIG', details: expect.objectContaining({ httpStatus: 401 }) });
    await expect(connect({ url: `${base}/elsewhere/crmRestApi/resources/11.13.18.05/` })).rejects.toMatchObject({ code: 'PARLEY_DESTINATION_CONFIG', details: expect.objectContaining({ httpStatus: 404 }) });
  });

  it('sends the pinned framework version and JSON Accept on every call, and proves the credentials with one cheap read', async () => {
    const { connect, log } = await start();
    await connect({ frameworkVersion: '4' });
    expect(log.map((c) => `${c.method} ${c.path}?${c.query.toString()} ${c.status}`)).toEqual(['GET socialUsers?limit=1&onlyData=true 200']);
  });
});

describe('the Oracle CX session: social users', () => {
  it('upserts with Upsert-Mode: the same user twice is one record, updated', async () => {
    const { connect, stats, read } = await start();
    const session = await connect();
    const [first] = await session.send(users(user('1001', 'ada')));
    const [second] = await session.send(users(user('1001', 'ada_l')));
    expect(first).toMatchObject({ ok: true });
    expect(second).toEqual({ ok: true, recordId: idOf(first) });
    expect((await stats()).records.socialUsers).toBe(1);
    expect((await read(`socialUsers/${idOf(first)}`)).SocialNetworkUserName).toBe('ada_l');
  });

  it('a failing part in a batch of 5: all-or-nothing, so the 4 others are sent again and written (two calls)', async () => {
    const { connect, faults, stats, log } = await start();
    const session = await connect();
    await faults({ rules: [{ object: 'socialUsers', field: 'SocialNetworkUserId', equals: 'bad' }] });
    log.length = 0;
    const results = await session.send(users(user('1'), user('2'), user('bad'), user('4'), user('5')));
    expect(results.map((r) => r.ok)).toEqual([true, true, false, true, true]);
    expect(results[2]).toMatchObject({ ok: false, error: { httpStatus: 400 } });
    expect(log.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual(['POST  400', 'POST  200']);
    expect((await stats()).records.socialUsers).toBe(4);
  });
});

describe('the Oracle CX session: posts, service requests and messages (reference §6.2)', () => {
  async function withAuthor() {
    const started = await start();
    const session = await started.connect();
    const [author] = await session.send(users(user('2001', 'grace')));
    return { ...started, session, author: idOf(author) };
  }

  it('a root post opens an SR; a reply joins it as a message; a reply to a post Oracle never saw is written as a root', async () => {
    const { session, author, read, stats } = await withAuthor();
    const [root] = await session.send(posts(post('root-1', author)));
    expect(root).toMatchObject({ ok: true, created: true });
    const srs = await session.lookup!('serviceRequests', SR_BY_POST, ['root-1', 'absent']);
    expect([...srs.keys()]).toEqual(['root-1']);
    const [reply, orphan] = await session.send(posts(post('reply-1', author, 'root-1'), post('orphan-1', author, 'never-seen')));
    expect([reply, orphan].map((r) => r!.ok)).toEqual([true, true]);
    const messages = await read(`serviceRequests/${srs.get('root-1')!}/child/messages?onlyData=true`);
    expect(messages.items.map((m) => m.MessageContent)).toEqual(['text of reply-1']);
    const orphanPost = await read(`socialPosts/${idOf(orphan)}`);
    expect(orphanPost).toMatchObject({ ProcessingStatusCd: 'PASS', ObjectTypeCd: 'SVC_SERVICE_REQUESTS' });
    expect(orphanPost.ParentPostId ?? null).toBeNull();
    expect((await stats()).records.serviceRequests).toBe(2);
  });

  it('a reply and its parent in the same batch: the parent is written first, so the reply finds it', async () => {
    const { session, author, read } = await withAuthor();
    const results = await session.send(posts(post('root-2', author), post('reply-2', author, 'root-2')));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await read(`socialPosts/${idOf(results[1])}`)).toMatchObject({ ParentPostId: 'root-2', ObjectTypeCd: 'SVC_SR_MESSAGES', ProcessingStatusCd: 'PASS' });
  });

  it('posts cannot change: an upsert of posts already written answers them unchanged, writing nothing', async () => {
    const { session, author, stats, log } = await withAuthor();
    const first = await session.send(posts(post('root-3', author), post('reply-3', author, 'root-3')));
    const before = await stats();
    log.length = 0;
    const again = await session.send(posts(post('root-3', author), post('reply-3', author, 'root-3')));
    expect(again).toEqual(first.map((r) => ({ ...r, created: false })));
    expect(log.map((c) => c.method)).toEqual(['GET']);
    expect((await stats()).records).toEqual(before.records);
  });

  it('escalation: updates the SR found by the look-up path, leaving the path and the reference out', async () => {
    const { session, author, read } = await withAuthor();
    const [root] = await session.send(posts(post('root-4', author)));
    const sr = (await session.lookup!('serviceRequests', SR_BY_POST, ['root-4'])).get('root-4')!;
    const results = await session.send({
      object: 'serviceRequests', operation: 'update', matchKey: SR_BY_POST,
      operations: [{ id: 'escalate', recordId: sr, fields: { [SR_BY_POST]: 'root-4', socialPost: idOf(root), SeverityCd: 'ORA_SVC_SEV1' } }],
    });
    expect(results).toEqual([{ ok: true, recordId: sr, created: false }]);
    expect((await read(`serviceRequests/${sr}`)).SeverityCd).toBe('ORA_SVC_SEV1');
  });

  it('the look-up path of a reply answers the SR of its thread (a reply\'s post made a message there)', async () => {
    const { session, author } = await withAuthor();
    await session.send(posts(post('root-6', author)));
    await session.send(posts(post('reply-6', author, 'root-6')));
    await session.send(posts(post('reply-6b', author, 'reply-6')));
    const srs = await session.lookup!('serviceRequests', SR_BY_POST, ['root-6', 'reply-6', 'reply-6b']);
    expect(srs.size).toBe(3);
    expect(new Set(srs.values()).size).toBe(1);
  });

  it('messages go on the SR of the post their look-up path names; none found → that one fails 404, nothing sent for it', async () => {
    const { session, author, read } = await withAuthor();
    await session.send(posts(post('root-5', author), post('reply-5', author, 'root-5')));
    const sr = (await session.lookup!('serviceRequests', SR_BY_POST, ['root-5'])).get('root-5')!;
    const results = await session.send({ object: 'messages', operation: 'create', operations: [
      { id: 'm1', fields: { [SR_BY_POST]: 'reply-5', socialPost: 'x', MessageContent: 'We are on it.', MessageTypeCd: 'ORA_SVC_RESPONSE' } },
      { id: 'm2', fields: { [SR_BY_POST]: 'unknown', MessageContent: 'lost' } },
      { id: 'm3', fields: { SrNumber: sr, MessageContent: 'Internal note', MessageTypeCd: 'ORA_SVC_INTERNAL_NOTE' } },
    ] });
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ error: { httpStatus: 404 } });
    const messages = await read(`serviceRequests/${sr}/child/messages?onlyData=true`);
    expect(messages.items.map((m) => m.MessageContent)).toEqual(['text of reply-5', 'We are on it.', 'Internal note']);
  });
});

describe('the Oracle CX session: look-ups (reference §2)', () => {
  it('framework ≥ 2 asks once with IN; framework 1 once per value with query-by-example; both answer the same', async () => {
    const { connect, log } = await start();
    const v4 = await connect({ frameworkVersion: '4' });
    const written = await v4.send(users(user('a-1'), user('a-2'), user('a-3')));
    const v1 = await connect({ frameworkVersion: '1' });
    const values = ['a-1', 'a-2', 'a-3', 'absent'];
    const expected = new Map(written.map((r, i) => [`a-${i + 1}`, idOf(r)]));
    log.length = 0;
    expect(await v4.lookup!('socialUsers', 'SocialNetworkUserId', values)).toEqual(expected);
    expect(log.map((c) => c.query.get('q'))).toEqual(["SocialNetworkUserId IN ('a-1','a-2','a-3','absent')"]);
    log.length = 0;
    expect(await v1.lookup!('socialUsers', 'SocialNetworkUserId', values)).toEqual(expected);
    expect(log.map((c) => c.query.get('q'))).toEqual(values.map((v) => `SocialNetworkUserId=${v}`));
  });

  it('finds a contact by email as its PartyId, which is what an SR\'s PrimaryContactPartyId takes', async () => {
    const { connect, call, read } = await start();
    const session = await connect();
    const created = await call('POST', 'contacts', { body: { FirstName: 'Ada', LastName: "O'Lovelace", EmailAddress: "ada.o'lovelace@example.com" } });
    const contact = created.json as { PartyId: number };
    const found = await session.lookup!('contacts', 'EmailAddress', ["ada.o'lovelace@example.com", 'nobody@example.com']);
    expect(found).toEqual(new Map([["ada.o'lovelace@example.com", String(contact.PartyId)]]));
    const [sr] = await session.send({ object: 'serviceRequests', operation: 'create', operations: [{ id: 'sr', fields: { Title: 'Order late', PrimaryContactPartyId: Number(found.get("ada.o'lovelace@example.com")) } }] });
    expect(sr).toMatchObject({ ok: true, created: true, recordId: expect.stringMatching(/^SR\d{10}$/) });
    expect((await read(`serviceRequests/${idOf(sr)}`)).PrimaryContactPartyName).toContain('Ada');
  });

  it('follows hasMore with offset across pages', async () => {
    const { connect, log } = await start();
    const session = await connect({ lookupPageSize: 2 });
    const written = await session.send(users(user('b-1'), user('b-2'), user('b-3'), user('b-4'), user('b-5')));
    log.length = 0;
    const found = await session.lookup!('socialUsers', 'SocialNetworkUserId', ['b-1', 'b-2', 'b-3', 'b-4', 'b-5']);
    expect(found.size).toBe(5);
    expect(found.get('b-5')).toBe(idOf(written[4]));
    expect(log.map((c) => c.query.get('offset'))).toEqual([null, '2', '4']);
  });
});

describe('the Oracle CX session: catalog and record URLs', () => {
  it('describes the configured resources (messages from serviceRequests\' child) and links records', async () => {
    const { connect, base } = await start();
    const session = await connect();
    const catalog = await session.describe();
    expect(catalog.objects.map((o) => o.name)).toEqual(['socialUsers', 'socialPosts', 'serviceRequests', 'messages', 'contacts']);
    expect(catalog.objects[0]!.fields.find((f) => f.name === 'SocialNetworkUserId')).toMatchObject({ upsertKey: true, required: true, length: 200 });
    expect(catalog.objects[3]!.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['MessageContent', 'SrNumber', SR_BY_POST]));
    expect(session.recordUrl!('serviceRequests', 'SR0000000001')).toBe(`${base}${VERSION_ROOT}serviceRequests/SR0000000001`);
    expect(session.recordUrl!('messages', '1')).toBeUndefined();
  });
});

describe('the Oracle CX session: OAuth (reference §1)', () => {
  it('gets a token with client_credentials; after the sandbox expires it, a 401 renews it once and the same call goes through', async () => {
    const { connect, faults, log, base, stats } = await start();
    const session = await connect({ auth: 'oauth', tokenUrl: `${base}/oauth2/v1/token`, clientId: 'parley-demo', clientSecret: 'parley-demo-secret', scope: 'urn:opc:resource:consumer::all', username: undefined, password: undefined });
    expect(log.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual(['POST /oauth2/v1/token 200', 'GET socialUsers 200']);
    expect((await session.send(users(user('o-1'))))[0]).toMatchObject({ ok: true });
    expect((await faults({ expireSessions: true })).status).toBe(200);
    log.length = 0;
    expect((await session.send(users(user('o-2'))))[0]).toMatchObject({ ok: true });
    expect(log.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual(['POST  401', 'POST /oauth2/v1/token 200', 'POST  200']);
    expect((await stats()).records.socialUsers).toBe(2);
  });

  it('uses the JWT bearer grant when an assertion is configured', async () => {
    const { connect, base } = await start();
    const session = await connect({ auth: 'oauth', tokenUrl: `${base}/oauth2/v1/token`, clientId: 'parley-demo', clientSecret: 'parley-demo-secret', assertion: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwYXJsZXkifQ.c2ln', username: undefined, password: undefined });
    expect((await session.send(users(user('j-1'))))[0]).toMatchObject({ ok: true });
  });

  it('a client the identity domain refuses is a configuration error at connect', async () => {
    const { connect, base } = await start();
    await expect(connect({ auth: 'oauth', tokenUrl: `${base}/oauth2/v1/token`, clientId: 'parley-demo', clientSecret: 'wrong', scope: 's', username: undefined, password: undefined }))
      .rejects.toMatchObject({ code: 'PARLEY_DESTINATION_CONFIG', details: expect.objectContaining({ httpStatus: 401 }) });
  });
});
