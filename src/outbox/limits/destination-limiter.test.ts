import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../logging/logger.ts';
import { createDestinationLimiter, type DestinationLimiter, type DestinationLimiterOptions } from './destination-limiter.ts';
import { callRecorder, capturingLogger, deleteLimiterKeys, freePort, redisAnswers, SHARED_REDIS_URL, smallestGap, spacingShortfall, spread, uniquePrefix, waitFor } from './test-kit.ts';

// Against the real Redis on 127.0.0.1:6379; each test has its own key prefix, so its limiters share
// limits with each other only.

// In CI (which starts Redis) a Redis that does not answer fails these tests rather than skipping them.
const redisUp = (await redisAnswers(SHARED_REDIS_URL)) || process.env.CI === 'true';
/** Names a Redis test, or says why it is skipped. */
const needsRedis = (title: string) => (redisUp ? title : `${title}: SKIPPED, Redis does not answer at ${SHARED_REDIS_URL}`);

const made: DestinationLimiter[] = [];
const prefixes: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((limiter) => limiter.stop({ dropWaitingJobs: true })));
  if (redisUp) await Promise.all(prefixes.splice(0).map((prefix) => deleteLimiterKeys(SHARED_REDIS_URL, prefix)));
});

/** Two instances' limiters for destination `crm`: sharing one Redis prefix, or (`shared: false`) each its own. */
function twoInstances(settings: { maxConcurrent: number; minTimeMs: number }, shared: boolean): DestinationLimiter[] {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  return [1, 2].map(() => limiter({ ...settings, ...(shared ? { redis: { url: SHARED_REDIS_URL, keyPrefix: prefix } } : {}) }));
}

function limiter(options: Partial<DestinationLimiterOptions> & { maxConcurrent: number; minTimeMs: number }): DestinationLimiter {
  const made1 = createDestinationLimiter({ destination: 'crm', logger: createLogger('silent'), ...options });
  made.push(made1);
  return made1;
}

describe.skipIf(!redisUp)(needsRedis('shared limits (Redis)'), () => {
  it('spaces the starts of two instances\' calls by minTime in total; without Redis each spaces only its own', async () => {
    const shared = callRecorder(5);
    const results = await spread(twoInstances({ maxConcurrent: 1, minTimeMs: 100 }, true), 20, shared.call);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => `c${i}`));
    // Bottleneck spaces the registrations in Redis and starts each call after the reply: a start
    // can be some ms late (a busy event loop), which shrinks one gap but not the sum.
    expect(spacingShortfall(shared.record.starts, 100)).toBeLessThanOrEqual(30);
    expect(smallestGap(shared.record.starts)).toBeGreaterThanOrEqual(60);

    const apart = callRecorder(5);
    await spread(twoInstances({ maxConcurrent: 1, minTimeMs: 100 }, false), 20, apart.call);
    // Each instance starts its 10 calls 100 ms apart, both at once: pairs start together, in half the time.
    expect(smallestGap(apart.record.starts)).toBeLessThan(50);
    expect(spacingShortfall(apart.record.starts, 100)).toBeGreaterThan(500);
  });

  it('never runs more than maxConcurrent calls at once across instances', async () => {
    const shared = callRecorder(60);
    await spread(twoInstances({ maxConcurrent: 2, minTimeMs: 0 }, true), 16, shared.call);
    expect(shared.record.maxRunning).toBe(2);

    const apart = callRecorder(60);
    await spread(twoInstances({ maxConcurrent: 2, minTimeMs: 0 }, false), 16, apart.call);
    expect(apart.record.maxRunning).toBe(4);
  });

  it('says where calls go', async () => {
    const [one] = twoInstances({ maxConcurrent: 1, minTimeMs: 0 }, true);
    expect(one!.mode()).toBe('shared');
    await one!.schedule(async () => 'ok');
    expect(one!.mode()).toBe('shared');
    expect(limiter({ maxConcurrent: 1, minTimeMs: 0 }).mode()).toBe('local');
  });
});

describe.each([
  { mode: 'local', shared: false },
  { mode: 'shared', shared: true },
])('priority ($mode)', ({ shared }) => {
  it.skipIf(shared && !redisUp)(shared ? needsRedis('starts a live call queued behind resync calls before them') : 'starts a live call queued behind resync calls before them', async () => {
    const [busy] = twoInstances({ maxConcurrent: 1, minTimeMs: 0 }, shared);
    let release: () => void = () => undefined;
    let blockerStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => { blockerStarted = resolve; });
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const order: string[] = [];
    const blocker = busy!.schedule(async () => { blockerStarted(); await gate; });
    await started;
    const queued = [
      ...['r1', 'r2', 'r3'].map((name) => busy!.schedule(async () => { order.push(name); }, { priority: 'resync' })),
      busy!.schedule(async () => { order.push('live'); }, { priority: 'live' }),
    ];
    // Let every call reach the limiter's queue before the running one ends.
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await Promise.all([blocker, ...queued]);
    expect(order).toEqual(['live', 'r1', 'r2', 'r3']);
  });
});

describe('stop', () => {
  it('lets waiting calls run with dropWaitingJobs false, then refuses new ones', async () => {
    const one = limiter({ maxConcurrent: 1, minTimeMs: 20 });
    const { call, record } = callRecorder(5);
    const calls = ['a', 'b', 'c'].map((name) => one.schedule(call(name)));
    await one.stop({ dropWaitingJobs: false });
    expect(await Promise.all(calls)).toEqual(['a', 'b', 'c']);
    expect(record.order).toEqual(['a', 'b', 'c']);
    await expect(one.schedule(call('late'))).rejects.toThrow(/stopped/);
  });

  it('rejects the calls not started yet by default, and waits for the running one', async () => {
    const one = limiter({ maxConcurrent: 1, minTimeMs: 0 });
    const { call, record } = callRecorder(50);
    const first = one.schedule(call('a'));
    await waitFor(() => record.order.length === 1, 1_000, 'the first call to start');
    const second = expect(one.schedule(call('b'))).rejects.toThrow(/stopped/);
    await one.stop();
    expect(await first).toBe('a');
    await second;
    expect(record.order).toEqual(['a']);
  });

  it('passes a call\'s own failure to its caller', async () => {
    const one = limiter({ maxConcurrent: 1, minTimeMs: 0 });
    await expect(one.schedule(async () => { throw new Error('CRM said no'); })).rejects.toThrow('CRM said no');
  });
});

describe('Redis not there at start', () => {
  it('runs calls on per-instance limits, one warning naming host:port only', async () => {
    const port = await freePort();
    const { logger, lines } = capturingLogger();
    const one = createDestinationLimiter({ destination: 'crm', maxConcurrent: 1, minTimeMs: 100, logger, redis: { url: `redis://:s3cret@127.0.0.1:${port}`, keyPrefix: uniquePrefix(), probeIntervalMs: 200, timeoutMs: 300 } });
    made.push(one);
    const { call, record } = callRecorder(5);
    expect(await Promise.all(['a', 'b', 'c', 'd'].map((name) => one.schedule(call(name))))).toEqual(['a', 'b', 'c', 'd']);
    expect(one.mode()).toBe('local');
    expect(spacingShortfall(record.starts, 100)).toBeLessThanOrEqual(30);
    // Probes keep failing meanwhile; they log no more warnings.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings.map((line) => line.msg)).toEqual(['shared limits lost: per-instance limits until Redis answers']);
    expect(warnings[0]).toMatchObject({ destination: 'crm', redis: `127.0.0.1:${port}` });
    expect(JSON.stringify(lines)).not.toContain('s3cret');
  });
});
