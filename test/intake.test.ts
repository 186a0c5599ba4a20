import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, listAll, postX, signX, startParley, tweetDelivery, type TestParley } from './helpers/parley.ts';

const fixtures = new URL('./fixtures/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(`x/${name}`, fixtures));
const vectors = JSON.parse(readFileSync(new URL('signature-vectors.json', fixtures), 'utf8')) as {
  x: { crc: Array<{ consumerSecret: string; crc_token: string; expectedResponseBody: { response_token: string } }>; post: Array<{ consumerSecret: string; file: string; expectedHeaderValue: string }> };
};

describe('X webhook intake', () => {
  let p: TestParley;
  beforeAll(async () => { p = await startParley(); });
  afterAll(async () => { await p.stop(); });
  const events = (query = '') => listAll(p.base, `/v1/events?source=x${query}`, p.adminKey);

  it('answers the CRC with an independently computed HMAC', async () => {
    const token = 'abc+/=token==';
    const response = await api(p.base, `/webhooks/x?crc_token=${encodeURIComponent(token)}`, null);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ response_token: 'sha256=' + createHmac('sha256', p.secret).update(token).digest('base64') });
    const missing = await api(p.base, '/webhooks/x', null);
    expect(missing.status).toBe(400);
    expect(missing.json.error.code).toBe('PARLEY_INTAKE_BAD_HANDSHAKE');
  });

  it('accepts every signed sample delivery, and their events appear in /v1/events', async () => {
    for (const name of readdirSync(new URL('x/', fixtures)).filter((f) => f.endsWith('.json')).sort()) {
      const body = fixture(name);
      const response = await postX(p.base, body, { 'x-twitter-webhooks-signature': signX(p.secret, body) });
      expect(response.status, name).toBe(200);
      expect(response.json.deliveryId).toMatch(/^[0-9a-f-]{36}$/);
    }
    const all = await events();
    const reply = all.find((e) => e.key === 'tweet:1065035365336141825');
    expect(reply?.data).toMatchObject({ kind: 'interaction', networkId: '1065035365336141825', activity: 'mention' });
    expect(reply?.data.text).toMatch(/Stet clita kasd gubergren, no sea takimata sanctus est Lore$/);
    const dm = all.find((e) => e.key === 'dm:954491830116155396');
    expect(dm?.data).toMatchObject({ activity: 'message', text: 'Hello World!', direction: 'inbound', author: { userId: '3001969357' } });
    const follow = all.find((e) => e.kind === 'interaction' && e.data.activity === 'follow');
    expect(follow?.data.recipient.userId).toBe('1205290247124217856');
    const deleted = all.find((e) => e.kind === 'erasure' && e.data.subject.type === 'post');
    expect(deleted?.data.subject).toEqual({ type: 'post', networkId: '1045405559317569537', userId: '930524282358325248' });
    // Typing and read indicators carry nothing to keep.
    expect(all.filter((e) => e.deliveryId === undefined)).toHaveLength(0);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
  });

  it('refuses the same body with one byte changed', async () => {
    const body = fixture('zammad-follow.json');
    const changed = Buffer.from(body);
    changed[changed.length - 5]! ^= 1;
    const response = await postX(p.base, changed, { 'x-twitter-webhooks-signature': signX(p.secret, body) });
    expect(response.status).toBe(401);
    expect(response.json.error).toMatchObject({ code: 'PARLEY_INTAKE_BAD_SIGNATURE', details: { header: 'x-twitter-webhooks-signature' } });
  });

  it('stores the same delivery once', async () => {
    const body = tweetDelivery(1);
    const first = await postX(p.base, body, { 'x-twitter-webhooks-signature': signX(p.secret, body) });
    expect(first.status).toBe(200);
    const before = (await events()).length;
    const again = await postX(p.base, body, { 'x-twitter-webhooks-signature': signX(p.secret, body) });
    expect(again.status).toBe(200);
    expect((await events()).length).toBe(before);
    expect((await events()).filter((e) => e.key === `tweet:${1_700_000_000_000_000_001n}`)).toHaveLength(1);
  });

  it('keeps a verified payload it cannot parse as a dead letter, once', async () => {
    const body = JSON.stringify({ for_user_id: '1', tweet_create_events: [{ id_str: '1' }] });
    for (let i = 0; i < 2; i++) {
      const response = await postX(p.base, body, { 'x-twitter-webhooks-signature': signX(p.secret, body) });
      expect(response.status).toBe(200);
    }
    await events(); // waits for derivation
    const letters = await listAll(p.base, '/v1/dead-letters?source=x', p.adminKey);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ stage: 'intake', source: 'x', reasonCode: 'PAYLOAD_INVALID', body });
    const one = await api(p.base, `/v1/dead-letters/${letters[0]!.id}`, p.adminKey);
    expect(one.json).toEqual(letters[0]);
  });
});

describe('signature vectors and secret rotation', () => {
  it('refuses the previous secret once the rotation is over (X_CONSUMER_SECRET_PREVIOUS removed)', async () => {
    const vector = vectors.x.post[0]!;
    const body = readFileSync(new URL(vector.file, fixtures));
    const p = await startParley({ x: { consumerSecret: 'a-brand-new-secret' } });
    try {
      const old = await postX(p.base, body, { 'x-twitter-webhooks-signature': vector.expectedHeaderValue });
      expect(old.status).toBe(401);
      expect(old.json.error.code).toBe('PARLEY_INTAKE_BAD_SIGNATURE');
      expect((await postX(p.base, body, { 'x-twitter-webhooks-signature': signX('a-brand-new-secret', body) })).status).toBe(200);
    } finally {
      await p.stop();
    }
  });

  it('matches the published CRC and delivery vectors, and accepts the previous secret during a rotation', async () => {
    const vector = vectors.x.post[0]!;
    const p = await startParley({ x: { consumerSecret: 'a-brand-new-secret', consumerSecretPrevious: vector.consumerSecret } });
    try {
      for (const crc of vectors.x.crc) {
        const response = await api(p.base, `/webhooks/x?crc_token=${encodeURIComponent(crc.crc_token)}`, null);
        // The CRC is always answered with the current secret.
        expect(response.json.response_token).toBe('sha256=' + createHmac('sha256', 'a-brand-new-secret').update(crc.crc_token).digest('base64'));
      }
      for (const post of vectors.x.post) {
        const body = readFileSync(new URL(post.file, fixtures));
        const response = await postX(p.base, body, { 'x-twitter-webhooks-signature': post.expectedHeaderValue });
        expect(response.status, post.file).toBe(200);
      }
    } finally {
      await p.stop();
    }
    const current = await startParley({ x: { consumerSecret: vectors.x.crc[0]!.consumerSecret } });
    try {
      for (const crc of vectors.x.crc) {
        const response = await api(current.base, `/webhooks/x?crc_token=${encodeURIComponent(crc.crc_token)}`, null);
        expect(response.json).toEqual(crc.expectedResponseBody);
      }
    } finally {
      await current.stop();
    }
  });
});
