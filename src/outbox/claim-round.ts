import { errors } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import type { Store, StoredOperation } from '../store/store.ts';
import type { DestinationRuntime } from './dispatcher-types.ts';
import { retryOutcome, type OutcomeContext } from './outcomes.ts';
import { budgetRemaining, type UsageProbe } from './usage-probe.ts';
import { mergeByRecord } from './write-plan.ts';

// The start of a round for a connected destination: whether its API budget allows one, and the
// operations it leases.

/** What claiming needs. */
export interface ClaimDeps {
  store: Pick<Store, 'claimOperations' | 'recordOutcomes'>;
  /** This instance's name in leases. */
  owner: string;
  /** How long a lease lasts, ms. */
  leaseMs: number;
  /** How long to pause when only the reserve of the API quota is left, ms. */
  budgetPauseMs: number;
  usageProbe: Pick<UsageProbe, 'refreshIfStale'>;
  /** The clock, the retry schedule and the jitter of held operations' outcomes (their `now` is read when they are recorded). */
  now: () => Date;
  outcomes: Omit<OutcomeContext, 'now'>;
  logger: Pick<Logger, 'warn'>;
}

/** Which operations a lane claims: at most `limit` (default four batches), only `live` or `resync` ones (default both, live first). */
export interface ClaimLane { limit?: number; only?: 'live' | 'resync' | undefined }

/** A round's claim: nothing to send, or the leased operations with writes of one record merged. */
export type ClaimedRound =
  | { kind: 'none' }
  | {
    kind: 'claimed';
    /** Every operation leased (what the round handled). */
    leased: StoredOperation[];
    /** The operations to write: consecutive writes of one record merged into their head. */
    heads: StoredOperation[];
    /** Head id → the ids merged into it. */
    followers: Map<string, string[]>;
  };

/** Calls Parley may still make before touching the reserve, from the last usage reading; undefined without one. */
export function budgetLeft(rt: Pick<DestinationRuntime, 'usage' | 'destination'>): number | undefined {
  return rt.usage ? budgetRemaining(rt.usage, rt.destination.budgetReserve) : undefined;
}

/**
 * Claims a round for a connected destination, at `now` (the round's start).
 *
 * - With no budget left above the reserve by the last reading, claims nothing: the destination is
 *   `paused` for `budgetPauseMs` with `PARLEY_OUTBOX_BUDGET_RESERVED` (the rest of the quota
 *   belongs to the org's other integrations; a usage probe may end the pause early).
 * - Otherwise leases up to four batches of due operations (`limits.maxBatchSize` × 4; `lane` may
 *   say another limit, and one kind of operations: the bulk lane's claim). After a
 *   quiet spell the reading may be stale: it is read again (usage-probe.ts `refreshIfStale`) before
 *   calls are spent on it, and when the fresh reading leaves no budget, the operations go back at
 *   once, held for the budget (no attempt spent), and the next round pauses.
 * - Then merges consecutive writes of one record (write-plan.ts `mergeByRecord`).
 *
 * An `unreachable` destination stays so until a call goes through; any other becomes `ready`.
 */
export async function claimRound(rt: DestinationRuntime, now: Date, deps: ClaimDeps, lane: ClaimLane = {}): Promise<ClaimedRound> {
  const id = rt.destination.id;
  const remaining = budgetLeft(rt);
  if (remaining !== undefined && remaining <= 0) {
    rt.pausedUntil = now.getTime() + deps.budgetPauseMs;
    rt.state = 'paused';
    rt.lastError = budgetReserved(rt);
    deps.logger.warn({ destination: id, used: rt.usage!.used, limit: rt.usage!.limit }, 'api budget reached; pausing this destination');
    return { kind: 'none' };
  }
  if (rt.state !== 'unreachable') rt.state = 'ready';
  const limit = lane.limit ?? rt.definition.limits.maxBatchSize * 4;
  const leased = await deps.store.claimOperations(id, { owner: deps.owner, now, leaseMs: deps.leaseMs, limit, ...(lane.only ? { only: lane.only } : {}) });
  if (leased.length === 0) return { kind: 'none' };
  if (await deps.usageProbe.refreshIfStale(rt) && (budgetLeft(rt) ?? 1) <= 0) {
    const held = { ...budgetReserved(rt), class: 'rate-limited' };
    const context = { ...deps.outcomes, now: deps.now() };
    await deps.store.recordOutcomes(leased.map((op) => retryOutcome(op, { error: held, spendAttempt: false, outcomeUnknown: op.outcomeUnknown, waitMs: 0 }, context)), { owner: deps.owner, now: deps.now() });
    return { kind: 'none' };
  }
  const { heads, followers } = mergeByRecord(leased);
  return { kind: 'claimed', leased, heads, followers };
}

/** The destination's `lastError` while only the reserve is left (`usage` is set). */
function budgetReserved(rt: Pick<DestinationRuntime, 'usage' | 'destination'>): { code: string; message: string } {
  const error = errors.OUTBOX_BUDGET_RESERVED({ used: rt.usage!.used, limit: rt.usage!.limit, reservePercent: Math.round(rt.destination.budgetReserve * 100) });
  return { code: error.code, message: error.message };
}
