import { describe, expect, it } from 'vitest';
import type { UsageReading } from '../connectors/destination.ts';
import { errors } from '../errors.ts';
import { budgetLeft, claimRound, type ClaimDeps } from './claim-round.ts';
import type { DestinationRuntime } from './dispatcher-types.ts';
import { SCHEDULE, T0, fakeStore, operation, recordingLogger, runtime } from './testing/fakes.ts';

// A destination with batches of 3 and 10 % of its quota kept for the org's other integrations:
// with a limit of 1,000 calls, Parley may make 900.

const usage = (used: number): UsageReading => ({ used, limit: 1000, at: new Date(T0) });

function setup(options: { due?: number; usage?: UsageReading; freshUsage?: UsageReading; state?: DestinationRuntime['state'] } = {}) {
  const store = fakeStore({ due: Array.from({ length: options.due ?? 0 }, (_, i) => operation(`op${i}`, { attempts: 2 })) });
  const logger = recordingLogger();
  const rt = runtime({ ...(options.usage ? { usage: options.usage } : {}), state: options.state ?? 'ready' });
  let refreshed = 0;
  const deps: ClaimDeps = {
    store: store.store, owner: 'parley-1', leaseMs: 60_000, budgetPauseMs: 15 * 60_000, now: () => new Date(T0 + 1_000),
    outcomes: { schedule: SCHEDULE, random: () => 0.5 }, logger,
    usageProbe: {
      refreshIfStale: async (d) => {
        if (!options.freshUsage) return false;
        refreshed++;
        d.usage = options.freshUsage;
        return true;
      },
    },
  };
  return { store, logger, rt, deps, get refreshed() { return refreshed; } };
}

describe('claiming a round', () => {
  it('leases up to four batches of due operations, as this owner, at the round\'s start', async () => {
    const s = setup({ due: 20 });
    const claim = await claimRound(s.rt, new Date(T0), s.deps);
    expect(s.store.claims).toEqual([{ destination: 'crm', owner: 'parley-1', now: new Date(T0), leaseMs: 60_000, limit: 12 }]);
    expect(claim).toMatchObject({ kind: 'claimed' });
    if (claim.kind === 'claimed') expect(claim.leased.map((o) => o.id)).toEqual(Array.from({ length: 12 }, (_, i) => `op${i}`));
  });

  it('merges consecutive writes of one record into one, the others its followers', async () => {
    const s = setup();
    const store = fakeStore({ due: [operation('a1', { recordKey: 'x' }), operation('b', { recordKey: 'y' }), operation('a2', { recordKey: 'x', operation: 'update' })] });
    const claim = await claimRound(s.rt, new Date(T0), { ...s.deps, store: store.store });
    if (claim.kind !== 'claimed') throw new Error('nothing claimed');
    expect(claim.heads.map((o) => o.id)).toEqual(['a1', 'b']);
    expect(claim.followers).toEqual(new Map([['a1', ['a2']]]));
    expect(claim.leased).toHaveLength(3);
  });

  it('claims nothing when nothing is due, and makes the destination ready', async () => {
    const s = setup({ state: 'paused' });
    expect(await claimRound(s.rt, new Date(T0), s.deps)).toEqual({ kind: 'none' });
    expect(s.rt.state).toBe('ready');
  });

  it('leaves an unreachable destination unreachable until a call goes through', async () => {
    const s = setup({ due: 1, state: 'unreachable' });
    await claimRound(s.rt, new Date(T0), s.deps);
    expect(s.rt.state).toBe('unreachable');
  });
});

describe('the API budget', () => {
  it('is what the last reading leaves above the reserve', () => {
    expect(budgetLeft(runtime({ usage: usage(850) }))).toBe(50);
    expect(budgetLeft(runtime())).toBeUndefined();
  });

  it('once spent to the reserve, pauses the destination for budgetPauseMs and claims nothing', async () => {
    const s = setup({ due: 5, usage: usage(900) });
    expect(await claimRound(s.rt, new Date(T0), s.deps)).toEqual({ kind: 'none' });
    expect(s.store.claims).toEqual([]);
    expect(s.rt).toMatchObject({ state: 'paused', pausedUntil: T0 + 15 * 60_000, lastError: { code: errors.OUTBOX_BUDGET_RESERVED.code } });
    expect(s.rt.lastError!.message).toBe(errors.OUTBOX_BUDGET_RESERVED({ used: 900, limit: 1000, reservePercent: 10 }).message);
    expect(s.logger.lines).toMatchObject([{ level: 'warn', fields: { destination: 'crm', used: 900, limit: 1000 } }]);
  });

  it('read afresh and found spent gives the leased operations back at once, held for the budget, no attempt spent', async () => {
    const s = setup({ due: 2, usage: usage(100), freshUsage: usage(990) });
    expect(await claimRound(s.rt, new Date(T0), s.deps)).toEqual({ kind: 'none' });
    expect(s.refreshed).toBe(1);
    expect(s.store.recorded).toEqual([[0, 1].map((i) => ({
      id: `op${i}`, outcome: 'retry', spendAttempt: false, nextAttemptAt: new Date(T0 + 1_000),
      error: { code: errors.OUTBOX_BUDGET_RESERVED.code, message: errors.OUTBOX_BUDGET_RESERVED({ used: 990, limit: 1000, reservePercent: 10 }).message, class: 'rate-limited' },
    }))]);
  });

  it('read afresh and found left lets the round go on', async () => {
    const s = setup({ due: 2, usage: usage(899), freshUsage: usage(100) });
    expect(await claimRound(s.rt, new Date(T0), s.deps)).toMatchObject({ kind: 'claimed' });
    expect(s.store.recorded).toEqual([]);
  });
});
