import { join } from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { api, postX, signX, startParley, tweetDelivery, type TestParley } from './helpers/parley.ts';
import { until } from './helpers/wait.ts';

// Usage that stays true (issue 17, item 9): a destination paused for its API budget reserve, or by
// the CRM's daily limit, reads its usage with Salesforce's cheapest call (GET /limits) while paused
// and resumes by itself once budget is back — no restart. The sandbox is mounted by the same
// service; `_faults` sets its daily limit and usage, `_stats` counts calls without being counted.
const PROBE_SECONDS = 5;
const SLACK_MS = 10_000;

/**
 * Starts Parley with the mounted sandbox and stops it when the test ends. The two cases below run
 * at once (each mostly waits out probe intervals, at least 5 s by the config's bounds), each on a
 * service and a sandbox of its own, so each stops its own.
 */
async function start(onTestFinished: TestContext['onTestFinished']) {
  const parley = await startParley({
    extra: { mappingsDir: join(process.cwd(), 'mappings'), outbox: { lingerMs: 20, retryStepsMs: [200, 400] } },
    sandboxes: { salesforce: {} },
    destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret', usageProbeSeconds: PROBE_SECONDS, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5 } } },
  });
  onTestFinished(() => parley.stop());
  return parley;
}

interface Stats { calls: Record<string, number>; records: Record<string, number>; errors: Record<string, number> }
const stats = async (parley: TestParley) => (await api(parley.base, '/sandbox/salesforce/_stats', null)).json as unknown as Stats;
const faults = async (parley: TestParley, body: Record<string, unknown>) => {
  const answer = await api(parley.base, '/sandbox/salesforce/_faults', null, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(answer.status).toBe(200);
};
const connector = async (parley: TestParley) => ((await api(parley.base, '/v1/connectors', parley.adminKey)).json.items as Array<Record<string, any>>).find((c) => c.id === 'salesforce')!;
const writeCalls = (s: Stats) => Object.entries(s.calls).filter(([label]) => label.includes('/composite')).reduce((n, [, count]) => n + count, 0);
const send = async (parley: TestParley, from: number, count: number) => {
  for (let i = from; i < from + count; i++) {
    const body = tweetDelivery(i, String(800 + (i % 4)));
    expect((await postX(parley.base, body, { 'x-twitter-webhooks-signature': signX(parley.secret, body) })).status).toBe(200);
  }
};

describe.concurrent('a destination paused for its API budget', () => {
  it('holds tweets back while the org is over the reserve, and delivers them all within a probe interval of the quota coming back', async ({ onTestFinished }) => {
    const parley = await start(onTestFinished);
    // 950 of 1,000 daily calls used by the org's other integrations while Parley was quiet: past the 10 % reserve.
    await faults(parley, { dailyLimit: 1000, apiUsage: 950 });
    // Parley's own reading, from connecting (start-up waits for it), still shows budget: it no longer
    // holds. The first write of a run reads the usage again whatever the reading's age
    // (usage-probe.ts `refreshIfStale`), so no tweet may be written. Waiting for the reading to grow
    // stale would change nothing here; a reading left stale by a quiet spell is the unit tests' case.
    const connected = await connector(parley);
    expect(connected.state).toBe('ready');
    expect(connected.budgetRemaining).toBeGreaterThan(0);
    const before = await stats(parley);
    await send(parley, 9_000, 20);

    const paused = await until('the destination to pause for its budget', async () => {
      const c = await connector(parley);
      return c.state === 'paused' && c.lastError?.code === 'PARLEY_OUTBOX_BUDGET_RESERVED' ? c : undefined;
    });
    expect(paused.usage).toMatchObject({ limit: 1000 });
    expect(paused.budgetRemaining).toBe(0);
    const pausedAt = Date.now();
    // Paused through at least two probe intervals: still no write, and the usage read at most once per interval.
    await until('two probes of the paused destination', async () => ((await stats(parley)).calls['GET /limits'] ?? 0) - (before.calls['GET /limits'] ?? 0) >= 3 ? true : undefined, 3 * PROBE_SECONDS * 1000 + SLACK_MS);
    const held = await stats(parley);
    expect(writeCalls(held)).toBe(writeCalls(before));
    expect(held.records.SocialPost ?? 0).toBe(before.records.SocialPost ?? 0);
    const probes = (held.calls['GET /limits'] ?? 0) - (before.calls['GET /limits'] ?? 0);
    // The read before the first write, then one per interval since the pause began.
    expect(probes).toBeLessThanOrEqual(2 + Math.floor((Date.now() - pausedAt) / (PROBE_SECONDS * 1000)));
    expect((await connector(parley)).state).toBe('paused');

    // The org's quota resets: budget is back, and nothing else tells Parley so.
    await faults(parley, { dailyLimit: 15000, apiUsage: 0 });
    await until('all 20 SocialPosts written without a restart', async () => ((await stats(parley)).records.SocialPost ?? 0) - (before.records.SocialPost ?? 0) === 20 ? true : undefined, PROBE_SECONDS * 1000 + SLACK_MS);
    expect(await connector(parley)).toMatchObject({ state: 'ready' });
    expect((await connector(parley)).lastError).toBeUndefined();
  }, 60_000);
});

describe.concurrent('a destination paused by the CRM\'s daily limit (REQUEST_LIMIT_EXCEEDED)', () => {
  it('ends the 15-minute pause as soon as a probe finds the quota back, and its refused tweets go out then', async ({ onTestFinished }) => {
    const parley = await start(onTestFinished);
    // The org's whole quota is spent: every call, /limits too, is refused with 403 REQUEST_LIMIT_EXCEEDED.
    await faults(parley, { dailyLimit: 1000, apiUsage: 1000 });
    const before = await stats(parley);
    await send(parley, 9_500, 10);
    const paused = await until('the destination to pause for the CRM\'s limit', async () => {
      const c = await connector(parley);
      return c.state === 'paused' && c.pausedUntil !== undefined ? c : undefined;
    });
    // Salesforce's TotalRequests wait (rateLimitWaits.totalRequestsMs, 15 min by default).
    expect(Date.parse(paused.pausedUntil as string) - Date.now()).toBeGreaterThan(10 * 60_000);
    expect((await stats(parley)).errors.REQUEST_LIMIT_EXCEEDED ?? 0).toBeGreaterThan(before.errors.REQUEST_LIMIT_EXCEEDED ?? 0);

    await faults(parley, { dailyLimit: 15000, apiUsage: 0 });
    await until('all 10 SocialPosts written long before the announced wait ends', async () => ((await stats(parley)).records.SocialPost ?? 0) - (before.records.SocialPost ?? 0) === 10 ? true : undefined, 2 * PROBE_SECONDS * 1000 + SLACK_MS);
    expect(await connector(parley)).toMatchObject({ state: 'ready' });
  }, 60_000);
});
