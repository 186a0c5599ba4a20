import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, listAll, postX, signX, startParley, type TestParley } from './helpers/parley.ts';
import { until } from './helpers/wait.ts';

// The Oracle issue's first acceptance point, end to end: signed X deliveries → events → the shipped
// mappings (mappings/oracle-cx/) → the outbox → the oracle-cx connector → the Oracle CX sandbox this
// same Parley mounts, read back over its REST API as any client reads it (`items`, `hasMore`,
// `limit`/`offset`). One Parley serves every test; each test uses its own post ids and authors, and
// faults are cleared after each.
const ROOT = '/sandbox/oracle-cx/crmRestApi/resources/11.13.18.05/';
const BASIC = 'Basic ' + Buffer.from('parley-demo:parley-demo-secret').toString('base64');
/** The brand's X account: the `for_user_id` of every X delivery here. */
const BRAND_X = '2244994945';

let p: TestParley;

beforeAll(async () => {
  p = await startParley({
    // Retries inside a call kept short: the fault test waits them out.
    destinations: { 'oracle-cx': { connector: 'oracle-cx', username: 'parley-demo', password: 'parley-demo-secret', retry: { retries: 3, minDelayMs: 50, maxDelayMs: 200 } } },
    sandboxes: { 'oracle-cx': {} },
    // Short outbox waits, so that retried operations come back within the test.
    extra: { mappingsDir: `${process.cwd()}/mappings`, outbox: { lingerMs: 20, retryStepsMs: [200, 400] } },
  });
}, 30_000);

afterEach(async () => { await faults({}); });
afterAll(async () => { await p?.stop(); });

/** Replaces the sandbox's faults (`PUT /_faults`: the whole document, so `{}` clears them). */
async function faults(body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${p.base}/sandbox/oracle-cx/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status, await response.text()).toBe(200);
}

type Row = Record<string, any>;

/** One GET of the REST API as a client makes it: Basic auth, JSON. */
async function get(path: string): Promise<Row> {
  const response = await fetch(`${p.base}${ROOT}${path}`, { headers: { authorization: BASIC, accept: 'application/json', 'rest-framework-version': '4' } });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return JSON.parse(text) as Row;
}

/**
 * Every item of a collection matching `q` (framework version 2 expressions), read page by page as
 * Oracle documents it: `items` and `hasMore` checked on every page, the next page at `offset + limit`.
 */
async function items(resource: string, q?: string, limit = 50): Promise<Row[]> {
  const found: Row[] = [];
  for (let offset = 0; ; offset += limit) {
    const query = new URLSearchParams({ onlyData: 'true', limit: String(limit), offset: String(offset), ...(q ? { q } : {}) });
    const page = await fetch(`${p.base}${ROOT}${resource}?${query}`, { headers: { authorization: BASIC, accept: 'application/json', 'rest-framework-version': '4' } });
    const text = await page.text();
    expect(page.status, text).toBe(200);
    const body = JSON.parse(text) as { items: Row[]; hasMore: boolean; count: number };
    expect(Array.isArray(body.items) && typeof body.hasMore === 'boolean', `${resource}: items and hasMore`).toBe(true);
    expect(body.count).toBe(body.items.length);
    found.push(...body.items);
    if (!body.hasMore) return found;
  }
}

const inList = (field: string, values: readonly string[]) => `${field} IN (${values.map((v) => `'${v}'`).join(',')})`;
const posts = (ids: readonly string[]) => items('socialPosts', inList('SourcePostIdPrimary', ids));

/** True once every operation whose match value is one of `values` is settled: none pending, leased or waiting. */
async function settled(values: readonly string[]): Promise<boolean> {
  const mine = (await listAll(p.base, '/v1/operations?destination=oracle-cx', p.adminKey)).filter((o) => values.includes(o.matchValue));
  return mine.length > 0 && mine.every((o) => !['pending', 'leased', 'waiting'].includes(o.state));
}

/** Waits until every id in `ids` is a social post and their operations (and `also`'s) are settled; answers the posts. */
async function delivered(ids: readonly string[], also: readonly string[] = [], timeoutMs = 20_000): Promise<Row[]> {
  return until(`${ids.length} social posts written, their operations settled`, async () => {
    const found = await posts(ids);
    if (new Set(found.map((r) => r.SourcePostIdPrimary)).size < ids.length) return undefined;
    return (await settled([...ids, ...also])) ? posts(ids) : undefined;
  }, timeoutMs);
}

async function sendX(body: string): Promise<void> {
  const answer = await postX(p.base, body, { 'x-twitter-webhooks-signature': signX(p.secret, body) });
  expect(answer.status, answer.text).toBe(200);
}

/** A customer's tweet (X Account Activity API `tweet_create_events`), optionally a reply. */
const tweet = (id: string, userId: string, text: string, options: { inReplyTo?: string; followers?: number } = {}) => JSON.stringify({
  for_user_id: BRAND_X,
  tweet_create_events: [{
    created_at: 'Mon Nov 23 10:00:00 +0000 2026', id_str: id, text, truncated: false, in_reply_to_status_id_str: options.inReplyTo ?? null,
    ...(options.inReplyTo ? { in_reply_to_user_id_str: '9001' } : {}),
    user: { id_str: userId, screen_name: `c${userId}`, name: `Customer ${userId}`, followers_count: options.followers ?? 3 },
    entities: { hashtags: [], urls: [], user_mentions: [] }, timestamp_ms: '1795946400000', lang: 'en',
  }],
});

describe('Oracle CX: signed deliveries become social users, social posts and service requests', () => {
  it('writes each author once as a social user and each tweet as a social post, read back over REST with paging', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => `81000${i}`);
    for (const [i, id] of ids.entries()) await sendX(tweet(id, `7100${i % 3}`, `Order ${i} arrived broken`));
    const written = await delivered(ids);
    expect(written.map((r) => r.SourcePostIdPrimary).sort()).toEqual([...ids].sort());
    // Three authors, one social user each, found by Oracle's natural key (network + user id).
    const users = await items('socialUsers', inList('SocialNetworkUserId', ['71000', '71001', '71002']), 2);
    expect(users.map((u) => [u.SocialNetworkCd, u.SocialNetworkUserId, u.SocialNetworkUserName]).sort()).toEqual([
      ['TWITTER', '71000', 'c71000'], ['TWITTER', '71001', 'c71001'], ['TWITTER', '71002', 'c71002'],
    ]);
    // Each post names its author's social user, and holds the tweet's text and channel.
    const userIdOf = new Map(users.map((u) => [String(u.UserId), u.SocialNetworkUserId]));
    for (const post of written) {
      expect(userIdOf.get(String(post.SocialUserId))).toBe(`7100${ids.indexOf(post.SourcePostIdPrimary) % 3}`);
      expect(post).toMatchObject({ ChannelCd: 'TWITTER', MessageTypeCd: 'ORA_SVC_PUBLIC', PostContent: `Order ${ids.indexOf(post.SourcePostIdPrimary)} arrived broken` });
    }
    // A page smaller than the collection says there is more.
    const first = await get(`socialPosts?limit=2&q=${encodeURIComponent(inList('SourcePostIdPrimary', ids))}`);
    expect(first).toMatchObject({ count: 2, hasMore: true, limit: 2, offset: 0 });
    expect(first.items[0].links.find((l: Row) => l.rel === 'self').href).toMatch(/\/socialPosts\/\d+$/);
  });

  it('a root post opens a service request; a reply lands on it as a message, not a request of its own', async () => {
    await sendX(tweet('820001', '72001', 'My order never came'));
    const [root] = await delivered(['820001']);
    expect(root).toMatchObject({ ObjectTypeCd: 'SVC_SERVICE_REQUESTS', ProcessingStatusCd: 'PASS' });
    const [request] = await items('serviceRequests', `SrId = ${root!.ObjectId}`);
    expect(request).toMatchObject({ ChannelTypeCd: 'ORA_SVC_SOCIAL', StatusCd: 'ORA_SVC_NEW', ProblemDescription: 'My order never came' });

    // The reply comes from another customer, so it is in another ordering: it waits for the root's write anyway.
    const requestsBefore = (await items('serviceRequests')).length;
    await sendX(tweet('820002', '72002', 'Same here, nothing arrived', { inReplyTo: '820001' }));
    const [reply] = await delivered(['820002']);
    expect(reply).toMatchObject({ ParentPostId: '820001', ObjectTypeCd: 'SVC_SR_MESSAGES', ProcessingStatusCd: 'PASS' });
    const messages = await items(`serviceRequests/${request!.SrNumber}/child/messages`);
    expect(messages.map((m) => m.MessageContent)).toContain('Same here, nothing arrived');
    expect(messages.find((m) => m.MessageContent === 'Same here, nothing arrived')?.MessageId).toBe(reply!.ObjectId);
    // One request for the thread: the reply opened none.
    expect((await items('serviceRequests')).length).toBe(requestsBefore);
  });

  it('a reply to a post Oracle does not have opens its own service request instead of failing', async () => {
    await sendX(tweet('830002', '73001', 'Answering a post you never saw', { inReplyTo: '830001' }));
    const [reply] = await delivered(['830002']);
    expect(reply).toMatchObject({ ObjectTypeCd: 'SVC_SERVICE_REQUESTS', ProcessingStatusCd: 'PASS' });
    expect(reply!.ParentPostId ?? null).toBeNull();
  });

  it('escalates by raising the severity of the request Oracle opened, with a note; a small account\'s post stays as it was', async () => {
    await sendX(tweet('840001', '74001', 'Terrible, awful service, I am furious', { followers: 50_000 }));
    await sendX(tweet('840002', '74002', 'Terrible, awful service, I am furious', { followers: 200 }));
    const written = await delivered(['840001', '840002'], ['escalation:840001']);
    const requestOf = async (post: Row) => (await items('serviceRequests', `SrId = ${post.ObjectId}`))[0]!;
    const loud = await requestOf(written.find((r) => r.SourcePostIdPrimary === '840001')!);
    const quiet = await requestOf(written.find((r) => r.SourcePostIdPrimary === '840002')!);
    await until('the escalation written', async () => ((await requestOf(written.find((r) => r.SourcePostIdPrimary === '840001')!)).SeverityCd === 'ORA_SVC_SEV1' ? true : undefined));
    expect(quiet.SeverityCd).toBe('ORA_SVC_SEV3');
    const notes = await until('the escalation note', async () => {
      const list = (await items(`serviceRequests/${loud.SrNumber}/child/messages`)).filter((m) => m.MessageTypeCd === 'ORA_SVC_INTERNAL_NOTE');
      return list.length > 0 ? list : undefined;
    });
    expect(notes).toHaveLength(1);
    expect(notes[0]!.MessageContent).toMatch(/^Escalated by Parley: a negative (post|mention) from @c74001 \(50,000 followers\)/);
  });

  it('writes through CRM faults exactly once, and a resync of the same events writes no copy (posts cannot be updated in Oracle)', async () => {
    await faults({ errors: { 503: 0.5, 500: 0.2 } });
    const ids = Array.from({ length: 6 }, (_, i) => `85000${i}`);
    for (const [i, id] of ids.entries()) await sendX(tweet(id, `7500${i % 2}`, `Fault ${i}`));
    // Through Parley's API meanwhile: a read of the sandbox would draw the injected faults too.
    await until('the posts written through the faults', async () => {
      const done = (await listAll(p.base, '/v1/operations?destination=oracle-cx&state=done', p.adminKey)).filter((o) => o.mappingId === 'oracle-social-post' && ids.includes(o.matchValue));
      return done.length === ids.length && (await settled(ids)) ? true : undefined;
    }, 40_000);
    await faults({});
    const perId = (list: Row[]) => list.reduce((m, r) => m.set(r.SourcePostIdPrimary, (m.get(r.SourcePostIdPrimary) ?? 0) + 1), new Map<string, number>());
    expect([...perId(await posts(ids)).values()]).toEqual(ids.map(() => 1));

    const resync = await api(p.base, '/v1/resyncs', p.adminKey, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scope: { identity: 'x:75000' }, destinations: ['oracle-cx'], mode: 'from-store' }) });
    expect(resync.status, resync.text).toBe(202);
    await until('the resync done', async () => {
      const state = await api(p.base, `/v1/resyncs/${(resync.json as { id: string }).id}`, p.adminKey);
      return (state.json as { state: string }).state === 'done' ? true : undefined;
    }, 20_000);
    expect([...perId(await posts(ids)).values()]).toEqual(ids.map(() => 1));
  });

  it('an erasure deletes the person\'s social posts and empties their social user (Oracle has no DELETE of one); the person view links the records', async () => {
    for (const [id, text] of [['860001', 'First'], ['860002', 'Second']]) await sendX(tweet(id!, '76001', text!));
    await sendX(tweet('860003', '76002', 'Someone else'));
    await delivered(['860001', '860002', '860003']);
    const person = await until('the person', async () => (await api(p.base, '/v1/identities?q=c76001', p.adminKey)).json?.items?.[0]?.personId as string | undefined);
    // The person view links the Oracle records: the social user's self URL reads it back.
    const view = (await api(p.base, `/v1/persons/${encodeURIComponent(person)}`, p.adminKey)).json as { records: { destination: string; object: string; url?: string }[] };
    const user = view.records.find((r) => r.destination === 'oracle-cx' && r.object === 'socialUsers');
    expect(user?.url).toMatch(/\/crmRestApi\/resources\/11\.13\.18\.05\/socialUsers\/\d+$/);
    const opened = await fetch(user!.url!, { headers: { authorization: BASIC, accept: 'application/json' } });
    expect(await opened.json()).toMatchObject({ SocialNetworkUserId: '76001', SocialNetworkUserName: 'c76001' });

    const asked = await api(p.base, `/v1/persons/${encodeURIComponent(person)}/erase`, p.adminKey, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(asked.status, asked.text).toBe(202);
    const done = await until('the erasure', async () => {
      const now = (await api(p.base, `/v1/erasures/${asked.json.id}`, p.adminKey)).json;
      return now.state === 'done' ? now : undefined;
    }, 20_000);
    expect(done.destinations['oracle-cx']).toMatchObject({ state: 'done', failed: 0, purge: 'soft' });
    expect((await posts(['860001', '860002', '860003'])).map((r) => r.SourcePostIdPrimary)).toEqual(['860003']);
    const [emptied] = await items('socialUsers', `SocialNetworkUserId = '76001'`);
    expect(emptied).toMatchObject({ SocialNetworkUserName: '(erased)' });
    expect(emptied!.ImageURL ?? null).toBeNull();
    expect(emptied!.ProfileURL ?? null).toBeNull();
    expect((await items('socialUsers', `SocialNetworkUserId = '76002'`))[0]).toMatchObject({ SocialNetworkUserName: 'c76002' });
  });
});
