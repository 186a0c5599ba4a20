import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyChecker } from '../src/api/api-keys.ts';
import { isParleyError } from '../src/errors.ts';
import { migrations } from '../src/store/sqlite/migrations/index.ts';
import { api, listAll, postX, signX, startParley, tweetDelivery, type TestParley } from './helpers/parley.ts';

describe('ops API', () => {
  let p: TestParley;
  const readKey = 'read-only-key-0123456789';
  beforeAll(async () => {
    p = await startParley({ apiKeys: [{ name: 'reader', key: readKey, scope: 'read' }] });
    for (let i = 0; i < 5; i++) {
      const body = tweetDelivery(100 + i);
      expect((await postX(p.base, body, { 'x-twitter-webhooks-signature': signX(p.secret, body) })).status).toBe(200);
    }
  });
  afterAll(async () => { await p.stop(); });

  it('needs a known bearer key', async () => {
    expect((await api(p.base, '/v1/events', null)).json.error.code).toBe('PARLEY_API_UNAUTHORIZED');
    const unknown = await api(p.base, '/v1/events', 'not-a-key-of-ours-at-all');
    expect(unknown.status).toBe(401);
    expect(unknown.json.error).toMatchObject({ code: 'PARLEY_API_UNAUTHORIZED', details: { reason: 'unknown API key' } });
    expect((await api(p.base, '/v1/events', readKey)).status).toBe(200);
  });

  it('refuses a key whose scope is too small', async () => {
    const checker = createApiKeyChecker([{ name: 'r', key: readKey, scope: 'read' }, { name: 'o', key: 'operate-key-0123456789', scope: 'operate' }]);
    const request = (key: string) => ({ headers: { authorization: `Bearer ${key}` } }) as never;
    const refused = await checker.require('operate')(request(readKey)).then(() => null, (e: unknown) => e);
    expect(isParleyError(refused) && refused.code).toBe('PARLEY_API_FORBIDDEN');
    expect(isParleyError(refused) && refused.status).toBe(403);
    await expect(checker.require('read')(request('operate-key-0123456789'))).resolves.toBeUndefined();
  });

  it('filters and pages events', async () => {
    const all = await listAll(p.base, '/v1/events', p.adminKey);
    expect(all.length).toBe(10); // 5 interactions + 5 identities
    expect((await listAll(p.base, '/v1/events?kind=identity', p.adminKey)).every((e) => e.kind === 'identity')).toBe(true);
    expect(await listAll(p.base, '/v1/events?source=facebook', p.adminKey)).toEqual([]);
    expect(await listAll(p.base, `/v1/events?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, p.adminKey)).toEqual([]);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await api(p.base, `/v1/events?limit=3${cursor ? `&cursor=${cursor}` : ''}`, p.adminKey);
      expect(page.json.items.length).toBeLessThanOrEqual(3);
      walked.push(...page.json.items.map((e: { id: string }) => e.id));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(walked).toEqual(all.map((e) => e.id));
    const clamped = await api(p.base, '/v1/events?limit=1000', p.adminKey);
    expect(clamped.status).toBe(200);
    expect(clamped.json.items).toHaveLength(10);
  });

  it('refuses bad filters and forged cursors', async () => {
    for (const query of ['kind=bogus', 'since=yesterday', 'limit=0', 'limit=abc', 'colour=blue']) {
      const response = await api(p.base, `/v1/events?${query}`, p.adminKey);
      expect(response.status, query).toBe(400);
      expect(response.json.error.code, query).toBe('PARLEY_API_INVALID_REQUEST');
    }
    const noZone = await api(p.base, '/v1/events?since=2026-11-30T10:00:00', p.adminKey);
    expect(noZone.json.error.details.issues).toEqual([{ key: 'querystring.since', problem: expect.stringContaining('with Z or an offset') }]);
    const forged = await api(p.base, `/v1/events?cursor=${Buffer.from('dead-letters:1').toString('base64url')}`, p.adminKey);
    expect(forged.json.error.code).toBe('PARLEY_API_BAD_CURSOR');
  });

  it('shows one event with its delivery id and no signature', async () => {
    const [first] = await listAll(p.base, '/v1/events?kind=interaction', p.adminKey);
    const one = await api(p.base, `/v1/events/${first!.id}`, p.adminKey);
    expect(one.json).toEqual(first);
    expect(one.json.deliveryId).toMatch(/^[0-9a-f-]{36}$/);
    expect(one.text).not.toMatch(/sha256=|signature/i);
    expect((await api(p.base, '/v1/events/nope', p.adminKey)).json.error).toMatchObject({ code: 'PARLEY_API_EVENT_NOT_FOUND', details: { id: 'nope' } });
    expect((await api(p.base, '/v1/dead-letters/nope', p.adminKey)).json.error.code).toBe('PARLEY_API_DEAD_LETTER_NOT_FOUND');
  });

  it('serves health, readiness, metrics, docs and a clear 404', async () => {
    expect((await api(p.base, '/health', null)).json).toEqual({ status: 'ok' });
    expect((await api(p.base, '/ready', null)).json).toMatchObject({ status: 'ready', store: { driver: 'sqlite', schemaVersion: migrations.at(-1)!.version } });
    const metrics = (await api(p.base, '/metrics', null)).text;
    for (const name of ['parley_http_requests_total', 'parley_intake_accepted_total', 'parley_intake_commit_seconds_bucket', 'parley_intake_pending_deliveries', 'parley_process_cpu_seconds_total', 'parley_nodejs_heap_size_used_bytes']) expect(metrics).toContain(name);
    // One prefix: every metric name starts with parley_ once (the process metrics were once parley_process_process_…).
    const names = [...metrics.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => !/^parley_(?!parley_|process_process_)/.test(n))).toEqual([]);
    expect((await fetch(`${p.base}/docs`)).status).toBe(200);
    const missing = await api(p.base, '/v2/nothing', null);
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('PARLEY_HTTP_NOT_FOUND');
  });
});
