import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ParsedEvent, pullEvents, type PullBatch, type PullRequest } from '../../../src/connectors/index.ts';
import { DEMO_PAGE_TOKEN } from '../../meta/sandbox/config.ts';
import { startMetaSandbox } from '../../meta/sandbox/testing.ts';
import { FacebookSourceConfig } from '../config.ts';
import facebook from '../index.ts';
import { parseFacebookDelivery } from '../parse/index.ts';

// Facebook's pull end to end: the source-pull kit's real HTTP client against the Meta Graph API
// sandbox on 127.0.0.1, both on the test's clock (a throttle's wait passes by the kit's sleep moving it).
const START = Date.parse('2026-12-01T12:00:00.000Z');
const PAGE = '1234567890321';
const FAN = '1100000000000001';
const unix = (minutesAgo: number) => Math.floor(START / 1000) - minutesAgo * 60;

const apps: FastifyInstance[] = [];
afterEach(async () => { await Promise.all(apps.splice(0).map((app) => app.close())); });

async function setup(options: { sandbox?: Record<string, unknown>; pull?: Record<string, unknown> } = {}) {
  const sandbox = await startMetaSandbox({ source: 'facebook', start: START, ...(options.sandbox ? { sandbox: options.sandbox } : {}) });
  apps.push(sandbox.app);
  const { clock, sleeps, deps, control, stats } = sandbox;
  const config = FacebookSourceConfig.parse({ appSecret: 's', verifyToken: 'v', pull: { pageAccessToken: DEMO_PAGE_TOKEN, pageId: PAGE, ...options.pull } });
  const batches = async (request: PullRequest, source = config) => {
    const out: PullBatch[] = [];
    for await (const batch of pullEvents(facebook, source, request, deps)) out.push(batch);
    return out;
  };
  const pull = async (request: PullRequest, source = config) => (await batches(request, source)).flatMap((batch) => batch.events);
  return { clock, sleeps, seed: (body: unknown) => control('POST', '/_seed', body), control, stats, pull, batches, config, deps };
}

/** A Page webhook delivery carrying `values` as `feed` changes. */
function delivery(values: Array<Record<string, unknown>>) {
  return { object: 'page', entry: [{ id: PAGE, time: unix(0), changes: values.map((value) => ({ field: 'feed', value })) }] };
}
const parse = (body: unknown) => parseFacebookDelivery(body, { receivedAt: new Date(START) }).map((event) => ParsedEvent.parse(event));
const keysOf = (events: ParsedEvent[]) => events.map((event) => event.key);
const interactionKeys = (events: ParsedEvent[]) => keysOf(events.filter((event) => event.data.kind === 'interaction'));

// One conversation, as webhook values and as the same items seeded into the Graph API sandbox.
const POST = `${PAGE}_901097836652708`;
const FAN_COMMENT = '901097836652708_903438993085259';
const PAGE_REPLY = '901097836652708_903438993085260';
const values = [
  { item: 'status', verb: 'add', post_id: POST, from: { id: PAGE, name: 'Acme' }, message: 'We are open on Sunday', created_time: unix(30), published: 1 },
  { item: 'comment', verb: 'add', comment_id: FAN_COMMENT, post_id: POST, parent_id: POST, from: { id: FAN, name: 'Fan One' }, message: 'Great, see you!', created_time: unix(20) },
  { item: 'comment', verb: 'add', comment_id: PAGE_REPLY, post_id: POST, parent_id: FAN_COMMENT, from: { id: PAGE, name: 'Acme' }, message: 'See you there', created_time: unix(10) },
];
const seedOf = {
  pages: [{ id: PAGE, name: 'Acme' }],
  posts: [{ id: POST, from: { id: PAGE, name: 'Acme' }, message: 'We are open on Sunday', created_time: unix(30), status_type: 'mobile_status_update' }],
  comments: [
    { id: FAN_COMMENT, post_id: POST, from: { id: FAN, name: 'Fan One' }, message: 'Great, see you!', created_time: unix(20) },
    { id: PAGE_REPLY, post_id: POST, parent_id: FAN_COMMENT, from: { id: PAGE, name: 'Acme' }, message: 'See you there', created_time: unix(10) },
  ],
};

describe('Facebook\'s pull through the Meta Graph API sandbox', () => {
  it('gives a pulled post, comment and reply the keys and the events their webhook deliveries give', async () => {
    const { seed, pull } = await setup();
    await seed(seedOf);
    const pulled = await pull({});
    for (const event of pulled) ParsedEvent.parse(event);
    const delivered = parse(delivery(values));
    expect(delivered.map((event) => event.key)).toEqual([`post:${POST}`, `comment:${FAN_COMMENT}/identity:${FAN}`, `comment:${FAN_COMMENT}`, `comment:${PAGE_REPLY}`]);
    // The same keys, so the store's dedup recognises them; and the same canonical events.
    expect(pulled).toEqual(delivered);
    expect(pulled.find((event) => event.key === `comment:${PAGE_REPLY}`)?.data).toMatchObject({ direction: 'outbound', inReplyTo: { networkId: FAN_COMMENT }, threadId: POST });
  });

  it('pulls one person by reading the Page and keeping what they wrote (a person\'s own feed is not readable)', async () => {
    const { seed, pull } = await setup();
    await seed(seedOf);
    const events = await pull({ identity: { userId: FAN } });
    expect(keysOf(events)).toEqual([`comment:${FAN_COMMENT}/identity:${FAN}`, `comment:${FAN_COMMENT}`]);
    expect(keysOf(await pull({ identity: { userId: PAGE } }))).toHaveLength(4);
  });

  it('keys a pulled post as the restfb sample delivery of the same status is keyed', async () => {
    const { seed, pull } = await setup();
    const sample = JSON.parse(readFileSync(new URL('../../../test/fixtures/facebook/restfb-feed-status-add.json', import.meta.url), 'utf8'));
    const value = sample.entry[0].changes[0].value;
    await seed({ pages: [{ id: PAGE, name: 'Tester' }], posts: [{ id: value.post_id, from: value.from, message: value.message, created_time: value.created_time }] });
    expect(await pull({ kinds: ['posts'] })).toEqual(parse(sample));
  });

  it('pages through the feed and every post\'s comments by cursor, and resumes from a batch\'s cursor', async () => {
    const { seed, pull, batches, stats } = await setup({ pull: { pageSize: 2 } });
    const posts = Array.from({ length: 5 }, (_, i) => ({ id: `${PAGE}_8000000000000${i}`, message: `post ${i}`, created_time: unix(100 - i), from: { id: PAGE, name: 'Acme' } }));
    const comments = posts.flatMap((post, p) => Array.from({ length: 3 }, (_, c) => ({
      id: `8000000000000${p}_7000000000000${c}`, post_id: post.id, message: `comment ${c}`, created_time: unix(50 - c), from: { id: FAN, name: 'Fan One' },
    })));
    await seed({ pages: [{ id: PAGE, name: 'Acme' }], posts, comments });
    const events = await pull({});
    const newestFirst = [...posts].reverse();
    expect(interactionKeys(events)).toEqual([
      ...newestFirst.map((post) => `post:${post.id}`),
      ...newestFirst.flatMap((post) => comments.filter((c) => c.post_id === post.id).map((c) => `comment:${c.id}`)),
    ]);
    // Feed: 3 pages of posts; the walk: 3 feed pages of ids, then 2 comment pages for each of 5 posts.
    expect((await stats()).calls).toEqual({ 'GET /{version}/{page-id}/feed': 6, 'GET /{version}/{post-id}/comments': 10 });

    // A job killed mid-walk continues after its last page: nothing twice, nothing lost.
    const all = await batches({ kinds: ['comments'] });
    const cut = 4;
    const rest = await batches({ kinds: ['comments'], cursor: all[cut - 1]!.cursor });
    const resumed = [...all.slice(0, cut), ...rest].flatMap((batch) => interactionKeys(batch.events));
    expect(resumed).toEqual(interactionKeys(all.flatMap((batch) => batch.events)));
    expect(new Set(resumed).size).toBe(15);
  });

  it('takes a time range: posts in it, and comments in it even on an older post (within the lookback)', async () => {
    const { seed, pull } = await setup();
    const old = { id: `${PAGE}_60000000000001`, message: 'old', created_time: unix(3 * 24 * 60), from: { id: PAGE } };
    const recent = { id: `${PAGE}_60000000000002`, message: 'recent', created_time: unix(60), from: { id: PAGE } };
    const comment = (id: string, post: string, minutesAgo: number) => ({ id: `6000000000000_${id}`, post_id: post, message: id, created_time: unix(minutesAgo), from: { id: FAN } });
    await seed({
      pages: [{ id: PAGE, name: 'Acme' }], posts: [old, recent],
      comments: [comment('51', old.id, 2 * 24 * 60), comment('52', old.id, 30), comment('53', recent.id, 20)],
    });
    const events = await pull({ since: new Date(START - 2 * 3600_000), until: new Date(START) });
    // The walk reads posts newest first, each post's comments oldest first.
    expect(interactionKeys(events)).toEqual([`post:${recent.id}`, 'comment:6000000000000_53', 'comment:6000000000000_52']);
    const narrow = await setup({ pull: { commentsLookbackDays: 0 } });
    await narrow.seed({ pages: [{ id: PAGE, name: 'Acme' }], posts: [old, recent], comments: [comment('52', old.id, 30), comment('53', recent.id, 20)] });
    expect(interactionKeys(await narrow.pull({ kinds: ['comments'], since: new Date(START - 2 * 3600_000) }))).toEqual(['comment:6000000000000_53']);
  });

  it('honours a throttle: waits estimated_time_to_regain_access from the usage headers, then pulls the rest', async () => {
    const { seed, pull, sleeps, stats, clock } = await setup({ sandbox: { budget: { calls: 2, windowSeconds: 3600 } }, pull: { pageSize: 1 } });
    const posts = Array.from({ length: 3 }, (_, i) => ({ id: `${PAGE}_5000000000000${i}`, message: `p${i}`, created_time: unix(i), from: { id: PAGE } }));
    await seed({ pages: [{ id: PAGE, name: 'Acme' }], posts });
    const events = await pull({ kinds: ['posts'] });
    expect(interactionKeys(events)).toEqual(posts.map((post) => `post:${post.id}`));
    // The third call met "(#32) Page request limit reached" with estimated_time_to_regain_access 60
    // (minutes): the kit waited that long, then the window had room again.
    expect(sleeps).toEqual([60 * 60_000]);
    expect(clock.t).toBe(START + 60 * 60_000);
    expect((await stats()).errors).toMatchObject({ 32: 1 });
  });

  it('retries Graph\'s transient errors, and fails for good on a bad token or an unknown Page', async () => {
    const { seed, pull, control, sleeps, config } = await setup();
    await seed(seedOf);
    await control('PUT', '/_faults', { errors: { 2: 0.5 }, seed: 7 });
    expect(interactionKeys(await pull({}))).toEqual([`post:${POST}`, `comment:${FAN_COMMENT}`, `comment:${PAGE_REPLY}`]);
    expect(sleeps).toContain(10);
    await control('PUT', '/_faults', {});

    const noPage = FacebookSourceConfig.parse({ ...config, pull: { pageAccessToken: DEMO_PAGE_TOKEN } });
    await expect(pull({ identity: { userId: '999' } }, noPage)).rejects.toMatchObject({ code: 'PARLEY_PULL_FAILED', details: { kind: 'posts', httpStatus: 400, scope: 'config' } });
    const wrong = FacebookSourceConfig.parse({ ...config, pull: { ...config.pull, pageAccessToken: 'not-the-token' } });
    await expect(pull({}, wrong)).rejects.toMatchObject({ code: 'PARLEY_PULL_FAILED', details: { httpStatus: 400, scope: 'config' } });
  });
});
