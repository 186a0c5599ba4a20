import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSources } from '../src/connectors/registry.ts';
import { createDeriver } from '../src/intake/deriver.ts';
import { createLogger } from '../src/logging/logger.ts';
import { createMetrics } from '../src/metrics/metrics.ts';
import { compileIntakeDrops } from '../src/policies/intake-drops.ts';
import { PoliciesConfig } from '../src/policies/policy-schema.ts';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { listAll, postX, signX, startParley, type TestParley } from './helpers/parley.ts';

// "A field the policy drops never reaches the store": an X profile with a location, through the
// intake, shows no location in the stored events; the raw delivery keeps the vendor's payload
// until `retention.deliveries` removes it.

const policies = {
  intake: [
    { source: 'x', kind: 'identity', drop: ['location', 'bio'] },
    { source: '*', kind: 'interaction', drop: ['attachments'] },
  ],
};

/** A tweet by a user whose profile has a location and a bio, with a photo attached. */
const tweet = (id: string) => JSON.stringify({
  for_user_id: '2244994945',
  tweet_create_events: [{
    created_at: 'Mon Nov 23 10:00:00 +0000 2026', id_str: id, text: 'hello from Berlin', truncated: false, in_reply_to_status_id_str: null,
    user: { id_str: '777', screen_name: 'ann', name: 'Ann', followers_count: 3, location: 'Berlin, Germany', description: 'Coffee and code' },
    entities: { hashtags: [], urls: [], user_mentions: [], media: [{ id_str: '55', type: 'photo', media_url_https: 'https://pbs.twimg.com/media/a.jpg' }] },
    timestamp_ms: '1795946400000', lang: 'en',
  }],
});

describe('intake drops, on the deriver with the X source', () => {
  it('stores the events without the dropped fields', async () => {
    const store = new SqliteStore({ file: ':memory:', synchronous: 'normal' });
    await store.migrate();
    try {
      const sources = await loadSources({ x: { connector: 'x', consumerSecret: 'test-secret-0123456789', enabled: true } }, { configPath: 'parley.yaml', cwd: process.cwd() });
      const deriver = createDeriver({
        store, sources, metrics: createMetrics(), logger: createLogger('silent'), now: () => new Date(), newId: (() => { let n = 0; return () => `id-${++n}`; })(),
        dedupWindowMs: 3_600_000, dropFields: compileIntakeDrops(PoliciesConfig.parse({ policies }.policies).intake)!,
      });
      await store.appendDeliveries([{ id: 'd1', source: 'x', receivedAt: new Date(), contentType: 'application/json', body: Buffer.from(tweet('1900000000000000001')) }]);
      expect(await deriver.step(10)).toBe(1);
      const { items } = await store.listEvents({ limit: 10 });
      const profile = items.find((e) => e.kind === 'identity')!;
      expect(profile.data).toMatchObject({ key: 'x:777', handle: 'ann' });
      expect(profile.data).not.toHaveProperty('location');
      expect(profile.data).not.toHaveProperty('bio');
      const post = items.find((e) => e.kind === 'interaction')!;
      expect(post.data).toMatchObject({ text: 'hello from Berlin' });
      expect(post.data).not.toHaveProperty('attachments');
      expect(JSON.stringify(items)).not.toContain('Berlin, Germany');
      await deriver.stop();
    } finally {
      await store.close();
    }
  });
});

// Needs src/start.ts to pass `dropFields: compileIntakeDrops(config.policies.intake)` to createDeriver.
describe('intake drops through the HTTP intake of a running Parley', () => {
  let p: TestParley;
  beforeAll(async () => { p = await startParley({ extra: { policies } }); });
  afterAll(async () => { await p.stop(); });

  it('GET /v1/events shows no dropped field; the raw delivery still holds it until retention', async () => {
    const body = tweet('1900000000000000002');
    const response = await postX(p.base, body, { 'x-twitter-webhooks-signature': signX(p.secret, body) });
    expect(response.status).toBe(200);
    const events = await listAll(p.base, '/v1/events?source=x', p.adminKey);
    const profile = events.find((e) => e.kind === 'identity' && e.data.key === 'x:777');
    expect(profile?.data).toMatchObject({ handle: 'ann' });
    expect(profile?.data).not.toHaveProperty('location');
    expect(profile?.data).not.toHaveProperty('bio');
    expect(events.find((e) => e.kind === 'interaction')?.data).not.toHaveProperty('attachments');
    expect(JSON.stringify(events)).not.toContain('Berlin, Germany');
    // Documented: the vendor's payload is kept as received until `retention.deliveries` deletes it.
    const [delivery] = await p.parley.store.retention.readDeliveries({ afterSeq: 0, limit: 10 });
    expect(delivery?.derived).toBe(true);
  });
});
