import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createDestinationLimiter, type DestinationLimiter } from './destination-limiter.ts';
import { callRecorder, capturingLogger, freePort, smallestGap, spacingShortfall, startPrivateRedis, uniquePrefix, waitFor, type PrivateRedis } from './test-kit.ts';

// A private redis-server, killed mid-traffic and started again on the same port: the limits fall
// back to per-instance ones (never to none) and come back to shared ones.

const haveRedisServer = (() => {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let server: PrivateRedis | undefined;
let limiter: DestinationLimiter | undefined;
afterEach(async () => {
  await limiter?.stop({ dropWaitingJobs: true });
  await server?.kill();
  limiter = undefined;
  server = undefined;
});

describe.skipIf(!haveRedisServer)(haveRedisServer ? 'losing Redis' : 'losing Redis: SKIPPED, no redis-server on PATH to start a private Redis', () => {
  it('keeps calls running once each, spaced locally, warns once, and shares again when Redis is back', async () => {
    const port = await freePort();
    server = await startPrivateRedis(port, 's3cret');
    const { logger, lines } = capturingLogger();
    limiter = createDestinationLimiter({
      destination: 'crm', maxConcurrent: 1, minTimeMs: 100, logger,
      redis: { url: server.url, keyPrefix: uniquePrefix(), probeIntervalMs: 200, timeoutMs: 500 },
    });
    const { call, record } = callRecorder(10);
    expect(await limiter.schedule(call('warm-up'))).toBe('warm-up');
    expect(limiter.mode()).toBe('shared');

    const names = Array.from({ length: 12 }, (_, i) => `q${i}`);
    const queued = names.map((name) => limiter!.schedule(call(name)));
    await waitFor(() => record.order.length >= 4, 2_000, 'a few queued calls to start');
    await server.kill();
    const startedBeforeLoss = record.order.length;

    // Every queued call settles with its own result, and none ran twice.
    expect(await Promise.all(queued)).toEqual(names);
    expect(record.order.slice().sort()).toEqual(['warm-up', ...names].sort());
    expect(limiter.mode()).toBe('local');
    expect(startedBeforeLoss).toBeLessThan(names.length);
    // Never unlimited: the local limiter spaces the calls as the shared one did.
    expect(spacingShortfall(record.starts.slice(1), 100)).toBeLessThanOrEqual(30);
    expect(smallestGap(record.starts.slice(1))).toBeGreaterThanOrEqual(60);
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings.map((line) => line.msg)).toEqual(['shared limits lost: per-instance limits until Redis answers']);
    expect(warnings[0]).toMatchObject({ component: 'limits', destination: 'crm', redis: `127.0.0.1:${port}` });

    // Calls made while Redis is gone run locally too.
    expect(await limiter.schedule(call('during'))).toBe('during');

    server = await startPrivateRedis(port, 's3cret');
    await waitFor(() => limiter!.mode() === 'shared', 5_000, 'the limiter to share its limits again');
    const infos = lines.filter((line) => line.level === 30 && typeof line.msg === 'string' && line.msg.startsWith('shared limits back'));
    expect(infos).toHaveLength(1);
    expect(await limiter.schedule(call('after'))).toBe('after');
    expect(limiter.mode()).toBe('shared');
    expect(lines.filter((line) => line.level === 40)).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain('s3cret');
  });

  it('does not wait on a Redis that stops answering: its calls run locally after the timeout', async () => {
    const port = await freePort();
    server = await startPrivateRedis(port);
    const { logger, lines } = capturingLogger();
    limiter = createDestinationLimiter({
      destination: 'crm', maxConcurrent: 1, minTimeMs: 50, logger,
      redis: { url: server.url, keyPrefix: uniquePrefix(), probeIntervalMs: 200, timeoutMs: 300 },
    });
    const { call, record } = callRecorder(5);
    expect(await limiter.schedule(call('warm-up'))).toBe('warm-up');
    expect(limiter.mode()).toBe('shared');

    server.freeze();
    const names = Array.from({ length: 6 }, (_, i) => `q${i}`);
    const startedAt = performance.now();
    expect(await Promise.all(names.map((name) => limiter!.schedule(call(name))))).toEqual(names);
    // Bounded by the command timeout (300 ms), plus the calls' own spacing locally.
    expect(performance.now() - startedAt).toBeLessThan(2_000);
    expect(limiter.mode()).toBe('local');
    expect(record.order.slice().sort()).toEqual(['warm-up', ...names].sort());
    expect(lines.filter((line) => line.level === 40)).toHaveLength(1);

    // A frozen Redis accepts connections but answers nothing: probes time out until it thaws.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(limiter.mode()).toBe('local');
    server.thaw();
    await waitFor(() => limiter!.mode() === 'shared', 5_000, 'the limiter to share its limits again');
    expect(await limiter.schedule(call('after'))).toBe('after');
    expect(lines.filter((line) => line.level === 40)).toHaveLength(1);
  });
});
