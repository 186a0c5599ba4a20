import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ParsedEvent, pullEvents, type PullBatch, type PullRequest } from '../../../src/connectors/index.ts';
import { DEMO_PAGE_TOKEN } from '../../meta/sandbox/config.ts';
import { startMetaSandbox } from '../../meta/sandbox/testing.ts';
import { InstagramSourceConfig } from '../config.ts';
import instagram from '../index.ts';
import { parseInstagramDelivery } from '../parse/index.ts';

// Instagram's pull end to end: the source-pull kit against the Meta Graph API sandbox's Instagram
// paths (media, comments with replies expanded) on 127.0.0.1, on the test's clock.
const START = Date.parse('2026-12-01T12:00:00.000Z');
const ACCOUNT = '17841400000000001';
const FAN = '17841400000000777';
const MEDIA = '17900000000000001';
const unix = (minutesAgo: number) => Math.floor(START / 1000) - minutesAgo * 60;

const apps: FastifyInstance[] = [];
afterEach(async () => { await Promise.all(apps.splice(0).map((app) => app.close())); });

async function setup(options: { sandbox?: Record<string, unknown>; pull?: Record<string, unknown> } = {}) {
  const sandbox = await startMetaSandbox({ source: 'instagram', start: START, ...(options.sandbox ? { sandbox: options.sandbox } : {}) });
  apps.push(sandbox.app);
  // The Meta sandbox is the facebook source's: Instagram reaches it through its apiUrl.
  const config = InstagramSourceConfig.parse({
    appSecret: 's', verifyToken: 'v', pull: { accessToken: DEMO_PAGE_TOKEN, accountId: ACCOUNT, apiUrl: sandbox.url, ...options.pull },
  });
  const pull = async (request: PullRequest) => {
    const out: PullBatch[] = [];
    for await (const batch of pullEvents(instagram, config, request, { ...sandbox.deps, sandboxUrl: undefined })) out.push(batch);
    return out.flatMap((batch) => batch.events);
  };
  return { ...sandbox, seed: (body: unknown) => sandbox.control('POST', '/_seed', body), pull };
}

/** An Instagram `comments` delivery of `value`, its entry at `time` (epoch seconds): the webhook value has no time of its own. */
function delivery(value: Record<string, unknown>, time: number) {
  return { object: 'instagram', entry: [{ id: ACCOUNT, time, changes: [{ field: 'comments', value }] }] };
}
const parse = (body: unknown) => parseInstagramDelivery(body, { receivedAt: new Date(START) }).map((event) => ParsedEvent.parse(event));
const interactionKeys = (events: ParsedEvent[]) => events.filter((event) => event.data.kind === 'interaction').map((event) => event.key);

const FAN_COMMENT = '17850000000000001';
const REPLY = '17850000000000002';
const seedOf = {
  igUsers: [{ id: ACCOUNT, username: 'acme' }],
  igMedia: [{ id: MEDIA, owner: ACCOUNT, timestamp: unix(60), caption: 'New in store', media_type: 'IMAGE' }],
  igComments: [
    { id: FAN_COMMENT, media_id: MEDIA, timestamp: unix(20), text: 'Love it!', from: { id: FAN, username: 'fan.one' } },
    { id: REPLY, media_id: MEDIA, parent_id: FAN_COMMENT, timestamp: unix(10), text: 'Thank you!', from: { id: ACCOUNT, username: 'acme' } },
  ],
};

describe('Instagram\'s pull through the Meta Graph API sandbox', () => {
  it('gives a pulled comment and reply the keys and the events their webhook deliveries give', async () => {
    const { seed, pull } = await setup();
    await seed(seedOf);
    const pulled = await pull({});
    const delivered = [
      ...parse(delivery({ id: FAN_COMMENT, text: 'Love it!', from: { id: FAN, username: 'fan.one' }, media: { id: MEDIA, media_product_type: 'FEED' } }, unix(20))),
      ...parse(delivery({ id: REPLY, text: 'Thank you!', from: { id: ACCOUNT, username: 'acme' }, media: { id: MEDIA, media_product_type: 'FEED' }, parent_id: FAN_COMMENT }, unix(10))),
    ];
    expect(delivered.map((event) => event.key)).toEqual([`comment:${FAN_COMMENT}/identity:${FAN}`, `comment:${FAN_COMMENT}`, `comment:${REPLY}`]);
    expect(pulled).toEqual(delivered);
  });

  it('walks the media by cursor, stops at media older than the range less the lookback, and keeps comments in the range', async () => {
    const { seed, pull, stats } = await setup({ pull: { pageSize: 2, commentsLookbackDays: 1 } });
    const media = Array.from({ length: 5 }, (_, i) => ({ id: `1790000000000010${i}`, owner: ACCOUNT, timestamp: unix(i * 12 * 60) }));
    const comments = media.map((item, i) => ({ id: `1785000000000010${i}`, media_id: item.id, timestamp: unix(30 + i), text: `c${i}`, from: { id: FAN, username: 'fan.one' } }));
    await seed({ igUsers: [{ id: ACCOUNT, username: 'acme' }], igMedia: media, igComments: [...comments, { id: '17850000000000999', media_id: media[0]!.id, timestamp: unix(3 * 60), text: 'too old', from: { id: FAN, username: 'fan.one' } }] });
    // Range: the last 2 hours; lookback 1 day: media 0-2 (0, 12 and 24 hours old) are read, 3 (36 h) ends the walk.
    const events = await pull({ since: new Date(START - 2 * 3600_000), until: new Date(START) });
    expect(interactionKeys(events)).toEqual(['comment:17850000000000100', 'comment:17850000000000101', 'comment:17850000000000102']);
    expect((await stats()).calls).toEqual({ 'GET /{version}/{ig-user-id}/media': 2, 'GET /{version}/{ig-media-id}/comments': 3 });
  });

  it('honours the Instagram business-use-case throttle (80002) and its wait', async () => {
    const { seed, pull, sleeps } = await setup({ sandbox: { budget: { calls: 1, windowSeconds: 600 }, throttle: { code: 80002 } } });
    await seed(seedOf);
    expect(interactionKeys(await pull({}))).toEqual([`comment:${FAN_COMMENT}`, `comment:${REPLY}`]);
    expect(sleeps).toEqual([10 * 60_000]);
  });
});
