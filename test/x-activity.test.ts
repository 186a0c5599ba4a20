import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAll, postX, signX, startParley, type TestParley } from './helpers/parley.ts';

const SAMPLES = new URL('./fixtures/x-activity/', import.meta.url);
const raw = (name: string): Buffer => readFileSync(new URL(name, SAMPLES));
// `_envelope.json` is the docs' generic envelope (post.create with an empty payload), not an event: see the last test.
const EVENT_SAMPLES = readdirSync(SAMPLES).filter((name) => name.endsWith('.json') && name !== '_envelope.json').sort();
const BRAND = '1111111111111111111';

describe('X Activity API deliveries on POST /webhooks/x', () => {
  let p: TestParley;
  beforeAll(async () => { p = await startParley(); });
  afterAll(async () => { await p.stop(); });
  const events = () => listAll(p.base, '/v1/events?source=x', p.adminKey);
  const deadLetters = () => listAll(p.base, '/v1/dead-letters?source=x', p.adminKey);
  /** Posts `body` signed as X signs it: `sha256=` + base64 HMAC-SHA256 of the raw bytes with the consumer secret. */
  const deliver = (body: Buffer | string) => postX(p.base, body, { 'x-twitter-webhooks-signature': signX(p.secret, body) });

  it('accepts every signed sample, derives the events a user expects, and dead-letters none', async () => {
    expect(EVENT_SAMPLES).toHaveLength(23);
    for (const name of EVENT_SAMPLES) {
      const response = await deliver(raw(name));
      expect(response.status, name).toBe(200);
      expect(response.json.deliveryId, name).toMatch(/^[0-9a-f-]{36}$/);
    }
    const all = await events();
    expect(await deadLetters()).toEqual([]);
    const byKey = (key: string) => all.filter((event) => event.key === key);

    expect(byKey('tweet:2080761390344937796').map((event) => event.data)).toEqual([expect.objectContaining({
      kind: 'interaction', activity: 'post', direction: 'outbound', text: 'Hello from the Activity API', author: { key: `x:${BRAND}`, userId: BRAND, handle: 'ExampleUser', followers: 5502 },
    })]);
    expect(byKey('tweet:2090000000000000001')[0]?.data).toMatchObject({ activity: 'reply', direction: 'inbound', inReplyTo: { networkId: '2080761390344937796' } });
    expect(byKey('tweet:2090000000000000002')[0]?.data).toMatchObject({ activity: 'quote', subject: { networkId: '2080761390344937796' } });
    expect(byKey('tweet:2090000000000000003')[0]?.data).toMatchObject({ activity: 'share', text: 'Hello from the Activity API', subject: { author: { userId: BRAND } } });
    expect(byKey('dm:2080763914820927863')[0]?.data).toMatchObject({ activity: 'message', direction: 'outbound', text: 'Thanks for the update!', recipient: { userId: '2244994945' } });
    expect(byKey('dm:2080763914820927863/identity:2244994945')[0]?.data).toMatchObject({ kind: 'identity', handle: 'XDevelopers', followers: 694887 });
    expect(all.find((event) => event.kind === 'interaction' && event.data.activity === 'follow')?.data)
      .toMatchObject({ direction: 'outbound', author: { userId: BRAND }, recipient: { userId: '4444444444444444444', handle: 'AnotherUser' } });
    expect(byKey(`revoke:${BRAND}:2026-07-23T21:44:05+00:00`)[0]?.data).toEqual({
      kind: 'erasure', network: 'x', subject: { type: 'authorization', userId: BRAND, appId: '29820954' }, reason: 'revoked', occurredAt: '2026-07-23T21:44:05.000Z',
    });
    expect(byKey('chat:e4f4d3fc-8bbf-4928-92eb-e5058d6bb6f6')[0]?.data).toMatchObject({ activity: 'chat', direction: 'inbound', author: { userId: '2222222222222222222' } });
    expect(byKey('chat:e4f4d3fc-8bbf-4928-92eb-e5058d6bb6f6')[0]?.data).not.toHaveProperty('text');
    expect(byKey('space:1qxvvvyLLdnxB:start')[0]?.data).toMatchObject({ activity: 'space' });
    expect(byKey('broadcast:1a2b3c4d5e6fG:end')[0]?.data).toMatchObject({ activity: 'broadcast', title: 'Example broadcast' });
    expect(byKey('broadcast-chat:2090000000000000004')[0]?.data).toMatchObject({ activity: 'broadcast', text: 'test' });
    expect(byKey('news:2080756868147019827')[0]?.data).toMatchObject({ activity: 'news', title: 'ChatGPT Adds Custom Virtual Pets for Sharing', topics: ['Technology'] });
    expect(byKey('news:2080756868147019827')[0]?.data).not.toHaveProperty('author');

    // Profile updates: identity events for the filtered user, one per change.
    const profile = all.filter((event) => event.key.startsWith(`profile:${BRAND}:`)).map((event) => event.data);
    expect(profile).toHaveLength(6);
    expect(profile).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'identity', userId: BRAND, bio: 'Building with the X API @XDevelopers', partial: true }),
      expect.objectContaining({ kind: 'identity', userId: BRAND, displayName: 'Example' }),
      expect.objectContaining({ kind: 'identity', userId: BRAND, location: 'San Francisco, CA' }),
      expect.objectContaining({ kind: 'identity', userId: BRAND, avatarUrl: 'https://pbs.twimg.com/profile_images/0000000000000000001/example_normal.jpg' }),
    ]));
    expect(new Set(all.map((event) => `${event.source}/${event.key}`)).size).toBe(all.length);
  });

  it('stores one interaction for a post delivered twice under two event_uuids, and again by the Account Activity API', async () => {
    const sample = JSON.parse(raw('post.reply.create.json').toString('utf8'));
    const post = { data: { ...sample.data, payload: { ...sample.data.payload, id: '2090000000000000099' } } };
    const first = JSON.stringify(post);
    const second = JSON.stringify({ data: { ...post.data, event_uuid: '-5555555555555555555' } });
    const aaa = JSON.stringify({ for_user_id: BRAND, tweet_create_events: [{ id_str: '2090000000000000099', text: 'same post', user: { id_str: '2222222222222222222', screen_name: 'Other' } }] });
    for (const body of [first, second, aaa]) expect((await deliver(body)).status).toBe(200);
    const copies = (await events()).filter((event) => event.key === 'tweet:2090000000000000099');
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ kind: 'interaction', data: { activity: 'reply', networkId: '2090000000000000099' } });
    expect(await deadLetters()).toEqual([]);
  });

  it('refuses a sample with a changed byte (401), and keeps an unknown event type as a visible dead letter', async () => {
    const body = raw('post.create.json');
    const changed = Buffer.from(body);
    changed[changed.length - 5]! ^= 1;
    const refused = await postX(p.base, changed, { 'x-twitter-webhooks-signature': signX(p.secret, body) });
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe('PARLEY_INTAKE_BAD_SIGNATURE');

    const unknown = JSON.stringify({ data: { event_uuid: '1', filter: { user_id: BRAND }, event_type: 'post.edit', payload: {} } });
    expect((await deliver(unknown)).status).toBe(200);
    // The docs' generic envelope (post.create, payload {}) has nothing to keep: no event, no dead letter.
    expect((await deliver(raw('_envelope.json'))).status).toBe(200);
    await events(); // waits for derivation
    const letters = await deadLetters();
    expect(letters.map((letter) => letter.reasonCode)).toEqual(['PAYLOAD_INVALID']);
    expect(letters.map((letter) => letter.body)).toEqual([unknown]);
  });
});
