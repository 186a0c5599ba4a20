import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAll, startParley, type TestParley } from './helpers/parley.ts';

const fixtures = new URL('./fixtures/', import.meta.url);
const sample = (name: string) => readFileSync(new URL(`standard/${name}`, fixtures));
const newSecret = () => 'whsec_' + randomBytes(24).toString('base64');

/** A Standard Webhooks `v1` signature, computed here from the spec: base64 HMAC-SHA256 over `id.timestamp.body` under the decoded secret. */
function signV1(secret: string, id: string, timestamp: number | string, body: Buffer): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return 'v1,' + createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
}
const nowSeconds = () => Math.floor(Date.now() / 1000);

async function deliver(base: string, body: Buffer, headers: Record<string, string>) {
  const response = await fetch(`${base}/webhooks/standard`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: new Uint8Array(body) });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text) as Record<string, any> };
}
/** Signs `body` as a sender holding `secret` would, now, under `id`. */
const signed = (secret: string, id: string, body: Buffer, timestamp = nowSeconds()) =>
  ({ 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signV1(secret, id, timestamp, body) });

// A user's own profile, as data: the one the in-service tests add through profilesDir. It names no
// item id, so its events are keyed by the delivery's webhook-id.
const ACME_PROFILE = `# Acme Listener: {"acme": {"hits": [...]}}
description: Acme Listener hits
match: $exists(acme.hits)
items: acme.hits
fields:
  networkId: hitId
  network: site
  text: body
  occurredAt: at
  reach: audience
sentiment:
  value: mood
  scale: [0, 100]
author:
  userId: who.id
  displayName: who.name
  followers: who.fans
`;
const acmeBody = (hits: Array<Record<string, unknown>>) => Buffer.from(JSON.stringify({ acme: { hits } }));

describe('Standard Webhooks source, in the service', () => {
  const secret = newSecret();
  const previous = newSecret();
  let profilesDir: string;
  let p: TestParley;
  beforeAll(async () => {
    profilesDir = mkdtempSync(join(tmpdir(), 'parley-profiles-'));
    writeFileSync(join(profilesDir, 'acme-listener.yaml'), ACME_PROFILE);
    p = await startParley({ sources: { standard: { connector: 'standard', secret, secretPrevious: previous, profilesDir } } });
  });
  afterAll(async () => {
    await p.stop();
    rmSync(profilesDir, { recursive: true, force: true });
  });
  const events = () => listAll(p.base, '/v1/events?source=standard', p.adminKey);
  const eventsOf = async (deliveryId: string) => (await events()).filter((e) => e.deliveryId === deliveryId);

  it('accepts every signed sample and derives the events a user expects, field by field', async () => {
    const ids: Record<string, string> = {};
    const names = readdirSync(new URL('standard/', fixtures)).filter((name) => name.endsWith('.json')).sort();
    expect(names).toEqual(['brandwatch-mentions-page.json', 'spec-contact-created-full.json', 'spec-example-event.json', 'talkwalker-stream-result-reddit-comment.json']);
    for (const name of names) {
      const body = sample(name);
      const response = await deliver(p.base, body, signed(secret, `msg_${name}`, body));
      expect(response.status, name).toBe(200);
      ids[name] = response.json.deliveryId;
    }

    const talkwalker = await eventsOf(ids['talkwalker-stream-result-reddit-comment.json']!);
    const url = 'http://www.reddit.com/r/PetTheDamnCat/comments/tfmzmh/how_can_anyone_hate_cats/i0zu1ev';
    expect(talkwalker.map((e) => e.kind)).toEqual(['identity', 'interaction']);
    expect(talkwalker[0]!.data).toEqual({
      kind: 'identity', network: 'reddit', userId: 'ex:www.reddit.com-586249831', key: 'reddit:ex:www.reddit.com-586249831',
      displayName: 'Nineteen66galaxie', observedAt: '2022-03-17T08:24:21.000Z',
    });
    expect(talkwalker[1]!.key).toBe(`talkwalker:${url}`);
    expect(talkwalker[1]!.data).toMatchObject({
      network: 'reddit', networkId: url, url, activity: 'mention', direction: 'inbound', title: 'How can anyone hate cats?',
      occurredAt: '2022-03-17T08:24:21.000Z', language: 'en', sentiment: -1, topics: ['TEXT'], context: { page: 'PetTheDamnCat' },
      author: { key: 'reddit:ex:www.reddit.com-586249831', userId: 'ex:www.reddit.com-586249831' },
    });
    expect(talkwalker[1]!.data.text).toContain('I was in line at the pet store');

    const brandwatch = await eventsOf(ids['brandwatch-mentions-page.json']!);
    expect(brandwatch.map((e) => e.data)).toEqual([
      {
        kind: 'identity', network: 'twitter', userId: 'edwards0819', key: 'twitter:edwards0819', handle: 'edwards0819',
        displayName: 'Jan Edwards', profileUrl: 'https://twitter.com/edwards0819', observedAt: '2019-10-10T17:48:54.588Z',
      },
      {
        kind: 'interaction', network: 'twitter', networkId: 'c54d12f5107496bac30b5ddc3478bbab', activity: 'mention', direction: 'inbound',
        author: { key: 'twitter:edwards0819', userId: 'edwards0819', handle: 'edwards0819' },
        url: 'http://twitter.com/1/statuses/1168312574590509056', occurredAt: '2019-10-10T17:48:54.588Z', language: 'en', sentiment: 0, reach: 0,
      },
    ]);

    const contact = await eventsOf(ids['spec-contact-created-full.json']!);
    expect(contact.map((e) => e.data)).toEqual([{
      kind: 'identity', network: 'web', userId: '1f81eb52-5198-4599-803e-771906343485', key: 'web:1f81eb52-5198-4599-803e-771906343485',
      displayName: 'John Smith', observedAt: '2022-11-03T20:26:10.344Z',
    }]);

    // Nothing in example.event to keep: no events, and no dead letter either.
    expect(await eventsOf(ids['spec-example-event.json']!)).toEqual([]);
    expect(await listAll(p.base, '/v1/dead-letters?source=standard', p.adminKey)).toEqual([]);
  });

  it('a user profile from profilesDir reads its format, without code', async () => {
    const body = acmeBody([
      { hitId: 'h-1', site: 'Mastodon', body: 'Parley is neat', at: '2026-02-01T09:30:00+0100', audience: 1200, mood: 90, who: { id: 'u-7', name: 'Ann', fans: 31 } },
      { hitId: 'h-2', site: 'HackerNews', body: 'meh', at: 1769935800, mood: 10 },
    ]);
    const response = await deliver(p.base, body, signed(secret, 'msg_acme_1', body));
    expect(response.status).toBe(200);
    const stored = await eventsOf(response.json.deliveryId);
    expect(stored.map((e) => e.key)).toEqual(['webhook:msg_acme_1/0/identity:u-7', 'webhook:msg_acme_1/0', 'webhook:msg_acme_1/1']);
    expect(stored[0]!.data).toEqual({ kind: 'identity', network: 'mastodon', userId: 'u-7', key: 'mastodon:u-7', displayName: 'Ann', followers: 31, observedAt: '2026-02-01T08:30:00.000Z' });
    expect(stored[1]!.data).toEqual({
      kind: 'interaction', network: 'mastodon', networkId: 'h-1', activity: 'mention', direction: 'inbound',
      author: { key: 'mastodon:u-7', userId: 'u-7', followers: 31 }, text: 'Parley is neat', occurredAt: '2026-02-01T08:30:00.000Z', sentiment: 0.8, reach: 1200,
    });
    expect(stored[2]!.data).toEqual({
      kind: 'interaction', network: 'hackernews', networkId: 'h-2', activity: 'mention', direction: 'inbound',
      text: 'meh', occurredAt: '2026-02-01T08:50:00.000Z', sentiment: -0.8,
    });
  });

  it('a redelivery with the same webhook-id is answered 200 and stored once; another webhook-id is another delivery', async () => {
    const body = acmeBody([{ hitId: 'h-9', site: 'web', body: 'again' }]);
    const first = await deliver(p.base, body, signed(secret, 'msg_retry', body));
    const retry = await deliver(p.base, body, signed(secret, 'msg_retry', body, nowSeconds() - 60));
    expect([first.status, retry.status]).toEqual([200, 200]);
    const keys = (await events()).map((e) => e.key);
    expect(keys.filter((key) => key.startsWith('webhook:msg_retry/'))).toEqual(['webhook:msg_retry/0']);
    const other = await deliver(p.base, body, signed(secret, 'msg_other', body));
    expect(other.status).toBe(200);
    expect((await eventsOf(other.json.deliveryId)).map((e) => e.key)).toEqual(['webhook:msg_other/0']);
  });

  it('refuses one changed byte', async () => {
    const body = sample('spec-example-event.json');
    const changed = Buffer.from(body);
    changed[20]! ^= 1;
    const response = await deliver(p.base, changed, signed(secret, 'msg_changed', body));
    expect(response.status).toBe(401);
    expect(response.json.error).toMatchObject({ code: 'PARLEY_INTAKE_BAD_SIGNATURE', details: { header: 'webhook-signature' } });
  });

  it('refuses a timestamp 15 minutes old or 15 minutes ahead, and one that is not a number', async () => {
    const body = sample('spec-example-event.json');
    for (const offset of [-15 * 60, 15 * 60]) {
      const response = await deliver(p.base, body, signed(secret, `msg_skew_${offset}`, body, nowSeconds() + offset));
      expect(response.status, String(offset)).toBe(401);
      expect(response.json.error).toMatchObject({ code: 'PARLEY_INTAKE_BAD_SIGNATURE', details: { header: 'webhook-timestamp' } });
    }
    const nan = await deliver(p.base, body, { ...signed(secret, 'msg_nan', body), 'webhook-timestamp': 'NaN', 'webhook-signature': signV1(secret, 'msg_nan', 'NaN', body) });
    expect(nan.status).toBe(401);
    expect(nan.json.error).toMatchObject({ code: 'PARLEY_INTAKE_MALFORMED_SIGNATURE', details: { header: 'webhook-timestamp' } });
  });

  it('accepts a header with several signatures when one is good', async () => {
    const body = acmeBody([{ hitId: 'h-multi', site: 'web' }]);
    const timestamp = nowSeconds();
    const bad = signV1(newSecret(), 'msg_multi', timestamp, body);
    const good = signV1(secret, 'msg_multi', timestamp, body);
    const headers = { 'webhook-id': 'msg_multi', 'webhook-timestamp': String(timestamp) };
    expect((await deliver(p.base, body, { ...headers, 'webhook-signature': `${bad} v1a,${good.slice(3)} ${good}` })).status).toBe(200);
    expect((await deliver(p.base, body, { ...headers, 'webhook-signature': bad })).status).toBe(401);
  });

  it('during a rotation accepts the previous secret too, and no other', async () => {
    const body = acmeBody([{ hitId: 'h-rot', site: 'web' }]);
    expect((await deliver(p.base, body, signed(previous, 'msg_rot_old', body))).status).toBe(200);
    expect((await deliver(p.base, body, signed(secret, 'msg_rot_new', body))).status).toBe(200);
    expect((await deliver(p.base, body, signed(newSecret(), 'msg_rot_bad', body))).status).toBe(401);
  });
});

describe('Standard Webhooks source configuration', () => {
  it('after the previous secret is removed, it is refused', async () => {
    const current = newSecret();
    const removed = newSecret();
    const p = await startParley({ sources: { standard: { connector: 'standard', secret: current } } });
    try {
      const body = sample('spec-contact-created-full.json');
      expect((await deliver(p.base, body, signed(removed, 'msg_after', body))).status).toBe(401);
      expect((await deliver(p.base, body, signed(current, 'msg_after', body))).status).toBe(200);
    } finally {
      await p.stop();
    }
  });

  it('a broken user profile stops the start with a config error naming its file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-profiles-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-test-'));
    try {
      writeFileSync(join(dir, 'broken.yaml'), 'match: $exists(a)\nfields:\n  text: content &\n');
      const failure = await startParley({ dataDir, sources: { standard: { connector: 'standard', secret: newSecret(), profilesDir: dir } } }).then(
        async (p) => { await p.stop(); return undefined; },
        (error: unknown) => error as { code?: string; details?: { issues?: Array<{ key: string; problem: string }> } },
      );
      expect(failure?.code).toBe('PARLEY_CONFIG_INVALID');
      expect(failure?.details?.issues).toEqual([{ key: 'sources.standard.profilesDir', problem: expect.stringMatching(/broken\.yaml line 3 \(fields\.text\): cannot compile "content &"/), line: expect.any(Number) }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
