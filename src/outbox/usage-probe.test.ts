import { describe, expect, it } from 'vitest';
import type { UsageReading } from '../connectors/destination.ts';
import {
  BUDGET_RESERVED, budgetRemaining, createUsageProbe, heldOperationWaitMs, probeApplies, probeIntervalMs,
  USAGE_PROBE_DEFAULT_MS, type ProbedDestination,
} from './usage-probe.ts';

const T0 = Date.parse('2026-12-02T10:00:00Z');
const silent = { debug: () => undefined, info: () => undefined };

/** A fake clock, and a CRM whose usage the test sets, read through the kit's client (which counts the calls made). */
function setup(options: { usageProbeMs?: number; probe?: boolean } = {}) {
  let now = T0;
  let usage: UsageReading | Error = { used: 950, limit: 1000, at: new Date(T0) };
  const calls: number[] = [];
  let scheduled = 0;
  const destination: ProbedDestination = {
    destination: { id: 'crm', budgetReserve: 0.1, ...(options.usageProbeMs !== undefined ? { usageProbeMs: options.usageProbeMs } : {}) },
    state: 'paused',
    pausedUntil: T0 + 15 * 60_000,
    lastError: { code: BUDGET_RESERVED, message: '950 of 1000 API calls used' },
    usage: { used: 950, limit: 1000, at: new Date(T0) },
    client: options.probe === false ? {} : {
      refreshUsage: async () => {
        scheduled++;
        calls.push(now);
        if (usage instanceof Error) throw usage;
        return { ...usage, at: new Date(now) };
      },
    },
  };
  const probe = createUsageProbe({ now: () => new Date(now), logger: silent });
  return {
    destination, probe, calls,
    get scheduled() { return scheduled; },
    at: (ms: number) => { now = T0 + ms; },
    crmReports: (reading: { used: number; limit: number } | Error) => { usage = reading instanceof Error ? reading : { ...reading, at: new Date(now) }; },
  };
}

describe('which pauses a usage reading can end', () => {
  const base = { state: 'paused' as const, now: T0 };
  it('a pause for the budget reserve, however short', () => {
    expect(probeApplies({ ...base, pausedUntil: T0 + 1_000, lastErrorCode: BUDGET_RESERVED })).toBe(true);
  });
  it('a rate-limit pause longer than a minute (a daily quota window such as REQUEST_LIMIT_EXCEEDED)', () => {
    expect(probeApplies({ ...base, pausedUntil: T0 + 15 * 60_000, lastErrorCode: undefined })).toBe(true);
  });
  it('not a burst limit of seconds, whose end usage figures do not tell', () => {
    expect(probeApplies({ ...base, pausedUntil: T0 + 5_000, lastErrorCode: undefined })).toBe(false);
  });
  it('not an unreachable or misconfigured destination, nor a pause that is over', () => {
    expect(probeApplies({ ...base, state: 'unreachable', pausedUntil: T0 + 5 * 60_000, lastErrorCode: 'PARLEY_DESTINATION_UNREACHABLE' })).toBe(false);
    expect(probeApplies({ ...base, state: 'misconfigured', pausedUntil: T0 + 5 * 60_000, lastErrorCode: BUDGET_RESERVED })).toBe(false);
    expect(probeApplies({ ...base, pausedUntil: T0, lastErrorCode: BUDGET_RESERVED })).toBe(false);
  });
});

describe('the probe interval', () => {
  it('defaults to 15 s and stays within 5 s to 5 min whatever is configured', () => {
    expect(probeIntervalMs(undefined)).toBe(USAGE_PROBE_DEFAULT_MS);
    expect(USAGE_PROBE_DEFAULT_MS).toBe(15_000);
    expect(probeIntervalMs(60_000)).toBe(60_000);
    expect(probeIntervalMs(1)).toBe(5_000);
    expect(probeIntervalMs(10 ** 9)).toBe(300_000);
    expect(probeIntervalMs(Number.NaN)).toBe(15_000);
  });

  it('the budget left above the reserve is ⌊limit × (1 − reserve)⌋ − used', () => {
    expect(budgetRemaining({ used: 950, limit: 1000 }, 0.1)).toBe(-50);
    expect(budgetRemaining({ used: 899, limit: 1000 }, 0.1)).toBe(1);
    expect(budgetRemaining({ used: 900, limit: 1000 }, 0.1)).toBe(0);
  });
});

describe('a destination paused for its budget reserve', () => {
  it('reads its usage one interval after the pause, not before, and stays paused while still over the reserve', async () => {
    const t = setup();
    expect(await t.probe.tryResume(t.destination)).toBe(false);
    expect(t.probe.waitMs(t.destination)).toBe(15_000);
    t.at(14_999);
    expect(await t.probe.tryResume(t.destination)).toBe(false);
    expect(t.calls).toEqual([]);
    t.crmReports({ used: 951, limit: 1000 });
    t.at(15_000);
    expect(await t.probe.tryResume(t.destination)).toBe(false);
    expect(t.calls).toEqual([T0 + 15_000]);
    expect(t.destination).toMatchObject({ state: 'paused', pausedUntil: T0 + 15 * 60_000, usage: { used: 951, limit: 1000 }, lastError: { code: BUDGET_RESERVED } });
  });

  it('never probes faster than the interval, however often it is asked', async () => {
    const t = setup();
    expect(t.probe.waitMs(t.destination)).toBe(15_000);
    for (let ms = 0; ms <= 60_000; ms += 1_000) {
      t.at(ms);
      await t.probe.tryResume(t.destination);
    }
    expect(t.calls).toEqual([T0 + 15_000, T0 + 30_000, T0 + 45_000, T0 + 60_000]);
    expect(t.probe.waitMs(t.destination)).toBe(15_000);
  });

  it('resumes at the first probe that finds budget above the reserve', async () => {
    const t = setup();
    t.probe.waitMs(t.destination);
    t.at(3_000);
    // The org's quota resets.
    t.crmReports({ used: 0, limit: 15_000 });
    t.at(15_000);
    expect(await t.probe.tryResume(t.destination)).toBe(true);
    expect(t.destination).toMatchObject({ state: 'ready', pausedUntil: 0, lastError: undefined, usage: { used: 0, limit: 15_000 } });
    expect(t.probe.waitMs(t.destination)).toBeUndefined();
  });

  it('asks once while a probe is still held (by the destination\'s limiter, in the kit)', async () => {
    const t = setup();
    let release: () => void = () => undefined;
    const inner = t.destination.client!.refreshUsage!;
    t.destination.client = { refreshUsage: () => new Promise((resolve, reject) => { release = () => { inner().then(resolve, reject); }; }) };
    t.probe.waitMs(t.destination);
    t.crmReports({ used: 0, limit: 1000 });
    t.at(15_000);
    const resumed = t.probe.tryResume(t.destination);
    // Asked again while the limiter still holds the probe: no second probe.
    expect(await t.probe.tryResume(t.destination)).toBe(false);
    await Promise.resolve();
    expect(t.calls).toEqual([]);
    release();
    expect(await resumed).toBe(true);
    expect(t.calls).toEqual([T0 + 15_000]);
  });

  it('a probe that fails leaves the pause as it is and waits a whole interval before the next', async () => {
    const t = setup();
    t.probe.waitMs(t.destination);
    t.crmReports(new Error('403 REQUEST_LIMIT_EXCEEDED'));
    t.at(15_000);
    expect(await t.probe.tryResume(t.destination)).toBe(false);
    expect(t.destination).toMatchObject({ state: 'paused', pausedUntil: T0 + 15 * 60_000 });
    t.crmReports({ used: 10, limit: 1000 });
    t.at(29_999);
    expect(await t.probe.tryResume(t.destination)).toBe(false);
    t.at(30_000);
    expect(await t.probe.tryResume(t.destination)).toBe(true);
    expect(t.calls).toEqual([T0 + 15_000, T0 + 30_000]);
  });

  it('follows the configured interval', async () => {
    const t = setup({ usageProbeMs: 60_000 });
    t.probe.waitMs(t.destination);
    t.crmReports({ used: 0, limit: 1000 });
    t.at(59_999);
    expect(await t.probe.tryResume(t.destination)).toBe(false);
    t.at(60_000);
    expect(await t.probe.tryResume(t.destination)).toBe(true);
  });

  it('is never probed when the connector has no usage call: the pause runs its course', async () => {
    const t = setup({ probe: false });
    expect(t.probe.waitMs(t.destination)).toBeUndefined();
    t.at(60_000);
    expect(await t.probe.tryResume(t.destination)).toBe(false);
    expect(t.scheduled).toBe(0);
    expect(heldOperationWaitMs(15 * 60_000, t.destination)).toBe(15 * 60_000);
  });
});

describe('a destination paused by the CRM for its daily quota (REQUEST_LIMIT_EXCEEDED)', () => {
  it('ends the pause early once a probe shows the quota back', async () => {
    const t = setup();
    t.destination.lastError = undefined;
    t.destination.pausedUntil = T0 + 15 * 60_000;
    t.probe.waitMs(t.destination);
    t.crmReports({ used: 120, limit: 15_000 });
    t.at(15_000);
    expect(await t.probe.tryResume(t.destination)).toBe(true);
    expect(t.destination).toMatchObject({ state: 'ready', pausedUntil: 0 });
  });

  it('its refused operations wait one probe interval, not the whole announced wait, so they go out once it resumes', () => {
    const t = setup();
    expect(heldOperationWaitMs(15 * 60_000, t.destination)).toBe(15_000);
    expect(heldOperationWaitMs(5_000, t.destination)).toBe(5_000);
  });

  it('a probe is not made for a pause that is only seconds long', async () => {
    const t = setup();
    t.destination.lastError = undefined;
    t.destination.pausedUntil = T0 + 30_000;
    expect(t.probe.waitMs(t.destination)).toBeUndefined();
    t.at(20_000);
    expect(await t.probe.tryResume(t.destination)).toBe(false);
    expect(t.scheduled).toBe(0);
  });
});

describe('a reading left stale by a quiet spell', () => {
  it('is read again before writing once it is older than the probe interval', async () => {
    const t = setup();
    t.destination.state = 'ready';
    t.destination.pausedUntil = 0;
    t.destination.lastError = undefined;
    // The first write of the run reads afresh, whatever the age of the connect's reading.
    t.crmReports({ used: 10, limit: 1000 });
    expect(await t.probe.refreshIfStale(t.destination)).toBe(true);
    expect(t.calls).toEqual([T0]);
    t.at(14_999);
    expect(await t.probe.refreshIfStale(t.destination)).toBe(false);
    expect(t.calls).toEqual([T0]);
    // Meanwhile the org's other integrations used the quota up to the reserve.
    t.crmReports({ used: 950, limit: 1000 });
    t.at(15_000);
    expect(await t.probe.refreshIfStale(t.destination)).toBe(true);
    expect(t.scheduled).toBe(2);
    expect(t.destination.usage).toMatchObject({ used: 950, limit: 1000, at: new Date(T0 + 15_000) });
    // Now fresh: no second read within the interval.
    t.at(20_000);
    expect(await t.probe.refreshIfStale(t.destination)).toBe(false);
    expect(t.calls).toEqual([T0, T0 + 15_000]);
  });

  it('the first write of a run reads the usage afresh even when the connect\'s reading is seconds old', async () => {
    const t = setup();
    t.destination.state = 'ready';
    t.destination.pausedUntil = 0;
    t.destination.lastError = undefined;
    t.destination.usage = { used: 10, limit: 15_000, at: new Date(T0) };
    // The org's quota was lowered (or used by other integrations) right after the connect.
    t.crmReports({ used: 950, limit: 1000 });
    t.at(2_000);
    expect(await t.probe.refreshIfStale(t.destination)).toBe(true);
    expect(t.destination.usage).toMatchObject({ used: 950, limit: 1000 });
  });

  it('a failed read leaves the last reading and lets the write go on', async () => {
    const t = setup();
    t.destination.usage = { used: 10, limit: 1000, at: new Date(T0) };
    t.crmReports(new Error('socket hang up'));
    t.at(60_000);
    expect(await t.probe.refreshIfStale(t.destination)).toBe(false);
    expect(t.destination.usage).toMatchObject({ used: 10 });
  });

  it('is not read by a connector without a usage call', async () => {
    const t = setup({ probe: false });
    t.at(60_000);
    expect(await t.probe.refreshIfStale(t.destination)).toBe(false);
    expect(t.scheduled).toBe(0);
  });
});
