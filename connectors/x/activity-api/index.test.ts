import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isPayloadError } from '../../../src/connectors/index.ts';
import { parseXDelivery } from '../delivery.ts';
import { isActivityDelivery } from './index.ts';
import { SAMPLES, sample, RECEIVED, parse } from './testing/samples.ts';


/** The PayloadError `fn` throws (fails the test when it throws anything else or nothing). */
function payloadErrorOf(fn: () => unknown): { message: string; path: string | undefined } {
  try {
    fn();
  } catch (error) {
    if (isPayloadError(error)) return error;
    throw error;
  }
  throw new Error('expected a PayloadError');
}

/** What each sample is, in one line: its event keys. The family tests check every field. */
const EXPECTED_KEYS: Record<string, string[]> = {
  'broadcast.chat.json': ['broadcast-chat:2090000000000000004'],
  'broadcast.end.json': ['broadcast:1a2b3c4d5e6fG:end'],
  'broadcast.start.json': ['broadcast:1a2b3c4d5e6fG:start'],
  'chat.received.json': ['chat:e4f4d3fc-8bbf-4928-92eb-e5058d6bb6f6'],
  'chat.received.xchat-real-time-events.json': ['chat:sha256-930d3540bc8dd86454763273cb7cc4780b8d9a75475b9a030b31e023ba609eed'],
  'chat.sent.json': ['chat:8e75466b-56ec-4e88-bddf-b18f7cc6030e'],
  'dm.sent.json': ['dm:2080763914820927863/identity:2244994945', 'dm:2080763914820927863'],
  'follow.follow.json': [
    'follow:1111111111111111111:4444444444444444444:-7953119945885597316/identity:4444444444444444444',
    'follow:1111111111111111111:4444444444444444444:-7953119945885597316',
  ],
  'news.new.json': ['news:2080756868147019827'],
  'oauth.revoke.json': ['revoke:1111111111111111111:2026-07-23T21:44:05+00:00'],
  'post.create.json': ['tweet:2080761390344937796'],
  'post.quote.create.json': ['tweet:2090000000000000002'],
  'post.reply.create.json': ['tweet:2090000000000000001'],
  'post.repost.create.json': ['tweet:2090000000000000003'],
  'profile.update.banner_picture.json': ['profile:1111111111111111111:banner_picture:'],
  'profile.update.bio.json': ['profile:1111111111111111111:bio:'],
  'profile.update.bio.quickstart-stream.json': ['profile:2244994945:bio:'],
  'profile.update.geo.json': ['profile:1111111111111111111:geo:'],
  'profile.update.profile_picture.json': ['profile:1111111111111111111:profile_picture:'],
  'profile.update.screenname.json': ['profile:1111111111111111111:screenname:'],
  'profile.update.url.json': ['profile:1111111111111111111:url:'],
  'spaces.end.json': ['space:1qxvvvyLLdnxB:end'],
  'spaces.start.json': ['space:1qxvvvyLLdnxB:start'],
};

describe('every X Activity API sample', () => {
  const names = readdirSync(SAMPLES).filter((name) => name.endsWith('.json') && name !== '_envelope.json').sort();

  it('has an expectation for each sample file', () => {
    expect(names).toEqual(Object.keys(EXPECTED_KEYS).sort());
  });

  it.each(names)('%s gives the events expected, valid in the model, keyed uniquely', (name) => {
    const events = parse(sample(name));
    const expected = EXPECTED_KEYS[name]!;
    expect(events).toHaveLength(expected.length);
    // Profile keys end with the change's hash: the prefix is what matters here.
    events.forEach((event, index) => expect(event.key.startsWith(expected[index]!), `${event.key} ≠ ${expected[index]}`).toBe(true));
    expect(new Set(events.map((event) => event.key)).size).toBe(events.length);
    const body = sample(name);
    for (const event of events.filter((e) => e.data.kind === 'identity' && e.key.includes('/identity:'))) {
      // An activity's identities never include the subscribed (brand) account.
      expect((event.data as { userId: string }).userId).not.toBe(body.data.filter?.user_id);
    }
  });

  it('keeps nothing of the generic _envelope sample (post.create with an empty payload), and refuses a post payload without its id', () => {
    expect(parse(sample('_envelope.json'))).toEqual([]);
    expect(payloadErrorOf(() => parse({ data: { event_uuid: '1', filter: { user_id: '1' }, event_type: 'post.create', payload: { text: 'no id' } } })).path).toBe('data.payload.id');
  });
});

describe('the envelope', () => {
  const post = sample('post.reply.create.json');

  it('is told apart from Account Activity deliveries by shape', () => {
    expect(isActivityDelivery(post)).toBe(true);
    expect(isActivityDelivery({ data: [post.data, post.data] })).toBe(true);
    expect(isActivityDelivery({ for_user_id: '1', tweet_create_events: [] })).toBe(false);
    expect(isActivityDelivery({ data: { payload: {} } })).toBe(false);
    expect(isActivityDelivery({ data: [] })).toBe(false);
  });

  it('keys the item, not the delivery: one post under two event_uuids is one key, and the Account Activity key of that tweet', () => {
    const again = { data: { ...post.data, event_uuid: '-1234567890123456789', tag: 'another subscription' } };
    expect(parse(again).map((event) => event.key)).toEqual(parse(post).map((event) => event.key));
    const aaa = parseXDelivery({ for_user_id: '1111111111111111111', tweet_create_events: [{ id_str: '2090000000000000001', text: 'x', user: { id_str: '2222222222222222222', screen_name: 'o' } }] }, { receivedAt: RECEIVED });
    expect(aaa.at(-1)!.key).toBe(parse(post).at(-1)!.key);
  });

  it('tolerates what the samples and the schema disagree on: event_uuid absent/negative/UUID, tag, includes and filter absent', () => {
    const expected = parse(post);
    for (const change of [{ event_uuid: undefined }, { event_uuid: '-5' }, { event_uuid: '0f52b591-4b7e-4f13-92cd-30e6b2a3f18a' }, { event_uuid: 5 }, { tag: undefined }, { includes: undefined }]) {
      expect(parse({ data: { ...post.data, ...change } }), JSON.stringify(change)).toEqual(expected);
    }
    // Without a filter the brand is unknown: same post, no account context.
    expect(parse({ data: { ...post.data, filter: undefined } }).at(-1)!.data).not.toHaveProperty('context');
  });

  it('parses every event of a batched data array', () => {
    const batch = { data: [post.data, sample('post.quote.create.json').data] };
    expect(parse(batch).map((event) => event.key)).toEqual(['tweet:2090000000000000001', 'tweet:2090000000000000002']);
  });

  it('keeps an unknown event_type as a dead letter (PayloadError), never an empty success', () => {
    for (const eventType of ['post.edit', 'ProfileBioUpdate', 'constructor', '__proto__', 'toString']) {
      const error = payloadErrorOf(() => parse({ data: { ...post.data, event_type: eventType } }));
      expect(error.path).toBe('data.event_type');
      expect(error.message).toContain(JSON.stringify(eventType));
    }
    expect(payloadErrorOf(() => parse({ data: [post.data, { ...post.data, event_type: 'nope' }] })).path).toBe('data[1].event_type');
  });

  it('names the path of a malformed envelope field', () => {
    expect(payloadErrorOf(() => parse({ data: { ...post.data, filter: { user_id: 7.5 } } })).path).toBe('data.filter.user_id');
    expect(payloadErrorOf(() => parse({ data: { ...post.data, event_type: '' } })).path).toBe('data.event_type');
  });

  it('routes a body with neither envelope to the Account Activity parser\'s error', () => {
    expect(payloadErrorOf(() => parse({ data: { payload: {} } })).message).toMatch(/no Account Activity event in the payload.*X Activity API event/);
    expect(payloadErrorOf(() => parse([post])).message).toMatch(/must be a JSON object/);
  });
});

describe('ids that are JavaScript object keys (X Activity API)', () => {
  const IDS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
  const fromJson = (json: string) => parse(JSON.parse(json));

  it.each(IDS)('a post by %j finds its author in includes.users', (id) => {
    const events = fromJson(`{"data": {"event_uuid": "1", "filter": {"user_id": "100"}, "event_type": "post.mention.create",
      "payload": {"id": "9", "author_id": ${JSON.stringify(id)}, "text": "hey @brand"},
      "includes": {"users": [{"id": ${JSON.stringify(id)}, "username": "odd", "name": "Odd"}]}}}`);
    expect(events.map((event) => event.key)).toEqual([`tweet:9/identity:${id}`, 'tweet:9']);
    expect(events[1]!.data).toMatchObject({ author: { key: `x:${id}`, userId: id, handle: 'odd' }, url: 'https://x.com/odd/status/9' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(IDS)('a follow from %j (wrapped users)', (id) => {
    const events = fromJson(`{"data": {"event_uuid": "1", "filter": {"user_id": "100"}, "event_type": "follow.follow",
      "payload": {"source": {"data": {"id": ${JSON.stringify(id)}, "username": "odd"}}, "target": {"data": {"id": "100", "username": "brand"}}}}}`);
    expect(events.map((event) => event.key)).toEqual([`follow:${id}:100:1/identity:${id}`, `follow:${id}:100:1`]);
    expect(events[1]!.data).toMatchObject({ direction: 'inbound', author: { userId: id, handle: 'odd' } });
  });

  it('an includes user carrying "__proto__" keys pollutes nothing', () => {
    fromJson(`{"data": {"event_type": "post.mention.create", "filter": {"user_id": "100"}, "payload": {"id": "9", "author_id": "2", "text": "x"},
      "includes": {"users": [{"__proto__": {"polluted": true}, "id": "2", "username": "two"}], "__proto__": {"polluted": true}}}}`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
