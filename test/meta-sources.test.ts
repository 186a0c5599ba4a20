import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, listAll, startParley, type TestParley } from './helpers/parley.ts';

const fixtures = new URL('./fixtures/', import.meta.url);
const fixture = (path: string) => readFileSync(new URL(path, fixtures));
const fixtureNames = (dir: string) => readdirSync(new URL(`${dir}/`, fixtures)).filter((name) => name.endsWith('.json')).sort().map((name) => `${dir}/${name}`);
interface Vectors { meta: { post: Array<{ appSecret: string; file: string; expectedHeaderValue: string }>; verification: Array<{ request: string; configuredVerifyToken: string; expectedResponseBody: string; wrongTokenRequest: string }> } }
const vectors = JSON.parse(readFileSync(new URL('signature-vectors.json', fixtures), 'utf8')) as Vectors;

/** `X-Hub-Signature-256` for `body`, computed here, apart from the connector. */
const sign256 = (secret: string, body: string | Buffer) => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
const sign1 = (secret: string, body: string | Buffer) => 'sha1=' + createHmac('sha1', secret).update(body).digest('hex');
const random = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

/** Both Meta sources, keyed by the same app secret and verify token (as one Meta app serves both). */
function metaSources(appSecret: string, verifyToken: string, more: Record<string, string> = {}) {
  const block = { appSecret, verifyToken, ...more };
  return { facebook: { connector: 'facebook', ...block }, instagram: { connector: 'instagram', ...block } };
}

async function post(base: string, source: string, body: string | Buffer, headers: Record<string, string>) {
  const response = await fetch(`${base}/webhooks/${source}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text) as Record<string, any> };
}

describe('facebook and instagram sources in the service', () => {
  const appSecret = random('meta-secret');
  const verifyToken = random('verify');
  let p: TestParley;
  beforeAll(async () => { p = await startParley({ sources: metaSources(appSecret, verifyToken) }); });
  afterAll(async () => { await p.stop(); });
  const events = (source: string, query = '') => listAll(p.base, `/v1/events?source=${source}${query}`, p.adminKey);
  const signed = (source: string, body: string | Buffer) => post(p.base, source, body, { 'x-hub-signature-256': sign256(appSecret, body) });

  it('answers the verification request with the bare challenge, and 403s a wrong token, on both routes', async () => {
    for (const source of ['facebook', 'instagram']) {
      const ok = await api(p.base, `/webhooks/${source}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=1158201444`, null);
      expect(ok.status, source).toBe(200);
      expect(ok.text).toBe('1158201444');
      expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
      const wrong = await api(p.base, `/webhooks/${source}?hub.mode=subscribe&hub.verify_token=not-${verifyToken}&hub.challenge=1158201444`, null);
      expect(wrong.status).toBe(403);
      expect(wrong.json.error.code).toBe('PARLEY_INTAKE_HANDSHAKE_REFUSED');
      const missing = await api(p.base, `/webhooks/${source}?hub.mode=subscribe&hub.challenge=1`, null);
      expect(missing.status).toBe(400);
      expect(missing.json.error.code).toBe('PARLEY_INTAKE_BAD_HANDSHAKE');
      const reflected = await api(p.base, `/webhooks/${source}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=${encodeURIComponent('<b>hi</b>')}`, null);
      expect(reflected.status).toBe(400);
    }
  });

  it('accepts every signed fixture on its route, and its events appear in /v1/events', async () => {
    for (const name of [...fixtureNames('facebook'), ...fixtureNames('messenger')]) expect((await signed('facebook', fixture(name))).status, name).toBe(200);
    for (const name of fixtureNames('instagram')) expect((await signed('instagram', fixture(name))).status, name).toBe(200);

    const facebook = await events('facebook');
    const byKey = new Map(facebook.map((event) => [event.key, event]));
    expect(byKey.get('post:1234567890321_930145403745849')?.data).toMatchObject({ network: 'facebook', activity: 'post', text: 'This is just a short test message', occurredAt: '2015-11-27T14:03:58.000Z' });
    expect(byKey.get('post:1234567890321_98735342324352')?.data).toMatchObject({ activity: 'share', attachments: [{ type: 'link', url: 'http://www.google.com/' }] });
    expect(byKey.get('comment:901097836652708_903438993085259')?.data).toMatchObject({ activity: 'comment', inReplyTo: { networkId: '1234567890321_901097836652708' } });
    expect(byKey.get('comment:905578656204626_905579239537901/removed')?.data).toMatchObject({ kind: 'erasure', subject: { type: 'post', networkId: '905578656204626_905579239537901' } });
    expect([...byKey.values()].find((event) => event.data.activity === 'reaction')?.data).toMatchObject({ reaction: 'love', subject: { networkId: '1234567890321_98735342324352' } });
    expect(byKey.get('message:OJNsdcNtKglZvaa3FlPKYy67x9QLy11Ivvc')?.data).toMatchObject({ network: 'messenger', activity: 'message', text: 'Can we meet in Los Angeles?', direction: 'inbound' });
    expect(byKey.get('message:OJNsdcNtKglZvaa3FlPKYy67x9QLy11Ivvc/identity:987654321432')?.data).toMatchObject({ kind: 'identity', key: 'messenger:987654321432' });
    expect(facebook.filter((event) => event.key.startsWith('message:ld5jgfQP8TLBX9FFc3AETshZgE6Zn5UjpY3vY00t3A_'))).toHaveLength(2);
    expect([...byKey.values()].find((event) => event.data.activity === 'postback')?.data).toMatchObject({ title: 'postback title', text: 'postback payload' });
    // 5 feed items, 3 Messenger messages/postbacks (plus their 3 identities); the read receipt gives nothing.
    expect(facebook.filter((event) => event.kind !== 'identity')).toHaveLength(8);
    expect(facebook).toHaveLength(11);

    // Instagram: the direct message; the two test notifications (entry.id "0") are accepted and keep nothing.
    const instagram = await events('instagram');
    expect(instagram.map((event) => event.key)).toEqual(['message:external_id/identity:5678', 'message:external_id']);
    expect(instagram[1]!.data).toMatchObject({ network: 'instagram', activity: 'message', text: 'Hello World', author: { key: 'instagram:5678' } });
    expect(await listAll(p.base, '/v1/dead-letters?source=instagram', p.adminKey)).toEqual([]);
  });

  it('keeps the comment and mention of a real Instagram account', async () => {
    for (const name of ['restfb-comments.json', 'restfb-mentions.json']) {
      const body = Buffer.from(fixture(`instagram/${name}`).toString('utf8').replace('"id": "0"', '"id": "17841400008460056"'));
      expect((await signed('instagram', body)).status, name).toBe(200);
    }
    const byKey = new Map((await events('instagram')).map((event) => [event.key, event]));
    expect(byKey.get('comment:123456789')?.data).toMatchObject({ activity: 'comment', text: 'This is an example.', author: { handle: 'testuser' }, threadId: '76543987', inReplyTo: { networkId: '987654321' } });
    expect(byKey.get('comment:123456789/identity:1234536447')?.data).toMatchObject({ kind: 'identity', handle: 'testuser' });
    expect(byKey.get('mention:17887498072083520')?.data).toMatchObject({ activity: 'mention', threadId: '17887498072083520' });
    expect(byKey.get('mention:17887498072083520')?.data).not.toHaveProperty('author');
  });

  it('refuses one changed byte, the SHA-1 header alone, and a malformed signature (401)', async () => {
    const body = fixture('facebook/restfb-feed-status-add.json');
    const changed = Buffer.from(body);
    changed[changed.indexOf('short')]! ^= 0x20;
    const bad = await post(p.base, 'facebook', changed, { 'x-hub-signature-256': sign256(appSecret, body) });
    expect(bad.status).toBe(401);
    expect(bad.json.error).toMatchObject({ code: 'PARLEY_INTAKE_BAD_SIGNATURE', details: { header: 'x-hub-signature-256' } });
    const sha1Only = await post(p.base, 'instagram', body, { 'x-hub-signature': sign1(appSecret, body) });
    expect(sha1Only.status).toBe(401);
    expect(sha1Only.json.error).toMatchObject({ code: 'PARLEY_INTAKE_MISSING_SIGNATURE', details: { header: 'x-hub-signature-256' } });
    const upper = await post(p.base, 'facebook', body, { 'x-hub-signature-256': sign256(appSecret, body).toUpperCase() });
    expect(upper.json.error.code).toBe('PARLEY_INTAKE_MALFORMED_SIGNATURE');
  });

  it('stores the same delivery once, and the same item in a differently batched delivery once', async () => {
    const comment = { item: 'comment', verb: 'add', comment_id: '555_1', post_id: '1234567890321_555', parent_id: '1234567890321_555', from: { id: '4242', name: 'Retry Tester' }, created_time: 1700000000, message: 'twice?' };
    const body = JSON.stringify({ object: 'page', entry: [{ id: '1234567890321', time: 1700000001, changes: [{ field: 'feed', value: comment }] }] });
    expect((await signed('facebook', body)).status).toBe(200);
    const before = (await events('facebook')).length;
    expect((await signed('facebook', body)).status).toBe(200);
    // Meta retries in other batches: another entry time, beside an unmodelled field.
    const rebatched = JSON.stringify({ object: 'page', entry: [{ id: '1234567890321', time: 1700000999, changes: [{ field: 'ratings', value: {} }, { field: 'feed', value: comment }] }] });
    expect((await signed('facebook', rebatched)).status).toBe(200);
    const after = await events('facebook');
    expect(after.length).toBe(before);
    expect(after.filter((event) => event.key === 'comment:555_1')).toHaveLength(1);
  });

  it('keeps a verified delivery with a malformed item as a dead letter naming the item', async () => {
    const body = JSON.stringify({ object: 'page', entry: [{ id: '1', changes: [{ field: 'feed', value: { item: 'comment', verb: 'add', post_id: '1_2' } }] }] });
    expect((await signed('facebook', body)).status).toBe(200);
    await events('facebook');
    const letters = await listAll(p.base, '/v1/dead-letters?source=facebook', p.adminKey);
    expect(letters.find((letter) => letter.body === body)).toMatchObject({ stage: 'intake', reasonCode: 'PAYLOAD_INVALID', details: { path: 'entry[0].changes[0].value.comment_id' } });
  });

  it('stores a 1,000-entry delivery (over 1 MiB) as 1,000 interactions', async () => {
    const entries = Array.from({ length: 1000 }, (_, i) => ({
      id: '1234567890321', time: 1700000000 + i,
      changes: [{ field: 'feed', value: {
        item: 'comment', verb: 'add', comment_id: `777_${i}`, post_id: '1234567890321_777', parent_id: '1234567890321_777',
        from: { id: String(900000 + i), name: `Customer ${i}` }, created_time: 1700000000 + i, message: `comment ${i} `.padEnd(1200, '.'),
      } }],
    }));
    const body = JSON.stringify({ object: 'page', entry: entries });
    expect(Buffer.byteLength(body)).toBeGreaterThan(1024 * 1024);
    const response = await signed('facebook', body);
    expect(response.status).toBe(200);
    const stored = (await events('facebook', '&kind=interaction')).filter((event) => event.deliveryId === response.json.deliveryId);
    expect(stored).toHaveLength(1000);
    expect(new Set(stored.map((event) => event.data.networkId)).size).toBe(1000);
    expect((await events('facebook', '&kind=identity')).filter((event) => event.deliveryId === response.json.deliveryId)).toHaveLength(1000);
  });
});

describe('Meta signature vectors and secret rotation', () => {
  it('accepts the published vectors, and both secrets during a rotation; after it, the old one is refused', async () => {
    const vector = vectors.meta.post[0]!;
    const verification = vectors.meta.verification[0]!;
    const newSecret = random('new-meta-secret');
    const rotating = await startParley({ sources: metaSources(newSecret, verification.configuredVerifyToken, { appSecretPrevious: vector.appSecret }) });
    try {
      for (const post of vectors.meta.post) {
        const source = post.file.startsWith('instagram/') ? 'instagram' : 'facebook';
        expect((await postTo(rotating, source, fixture(post.file), post.expectedHeaderValue)).status, post.file).toBe(200);
      }
      const body = fixture('facebook/restfb-feed-share-add.json');
      expect((await postTo(rotating, 'facebook', body, sign256(newSecret, body))).status).toBe(200);
      const ok = await api(rotating.base, `/webhooks/facebook${new URL(verification.request.replace('GET <webhook-url>', 'http://x/')).search}`, null);
      expect(ok.text).toBe(verification.expectedResponseBody);
    } finally {
      await rotating.stop();
    }
    const rotated = await startParley({ sources: metaSources(newSecret, verification.configuredVerifyToken) });
    try {
      const old = await postTo(rotated, 'facebook', fixture(vector.file), vector.expectedHeaderValue);
      expect(old.status).toBe(401);
      expect(old.json.error.code).toBe('PARLEY_INTAKE_BAD_SIGNATURE');
      const body = fixture(vector.file);
      expect((await postTo(rotated, 'facebook', body, sign256(newSecret, body))).status).toBe(200);
    } finally {
      await rotated.stop();
    }
  });

  it('accepts the previous verify token during its rotation only', async () => {
    const secret = random('meta-secret');
    const rotating = await startParley({ sources: metaSources(secret, 'new-token', { verifyTokenPrevious: 'old-token' }) });
    try {
      for (const token of ['new-token', 'old-token']) {
        expect((await api(rotating.base, `/webhooks/instagram?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=42`, null)).text).toBe('42');
      }
    } finally {
      await rotating.stop();
    }
    const rotated = await startParley({ sources: metaSources(secret, 'new-token') });
    try {
      expect((await api(rotated.base, '/webhooks/instagram?hub.mode=subscribe&hub.verify_token=old-token&hub.challenge=42', null)).status).toBe(403);
    } finally {
      await rotated.stop();
    }
  });
});

function postTo(p: TestParley, source: string, body: Buffer, signature: string) {
  return post(p.base, source, body, { 'x-hub-signature-256': signature });
}
