import type { VendorError, WriteResult } from '../connectors/destination.ts';
import { errors } from '../errors.ts';
import type { OperationOutcome, StoredOperation } from '../store/store.ts';
import { pastRetryWindow, retryDelayMs, type RetrySchedule } from './backoff.ts';
import type { PlannedWrite } from './plan-writes.ts';
import type { SentBatch } from './send-batches.ts';
import { errorSummary } from './write-plan.ts';

// How each attempt of a round ends, as the store records it: done, retried (spending an attempt or
// not), or dead. Pure: the clock, the retry schedule and the random source of jitter are passed in,
// so the same inputs always give the same outcomes, in the same order.

/** What deciding an outcome needs besides the operation. */
export interface OutcomeContext {
  /** When the outcome is decided: retries are due from here, and the retry window ends here. */
  now: Date;
  schedule: RetrySchedule;
  /** [0, 1): the jitter of retry delays (backoff.ts). */
  random: () => number;
}

/** The error an operation is retried for: a vendor's, or one of the catalogue's; `class` as the connector classified it. */
export type RetryError = VendorError & { class?: string; scope?: string };

/** How a retry is made. */
export interface RetryHow {
  error: RetryError;
  /** False when the record was never tried (a rate limit, a wait on a parent): the attempt is not counted and the retry window does not apply. */
  spendAttempt: boolean;
  /** The write may have been carried out: look the record up before writing again. */
  outcomeUnknown?: boolean;
  /** The wait before the retry, ms; without it, the schedule's step for the next attempt, with jitter. */
  waitMs?: number;
}

/**
 * An operation tried again later, or dead once it is older than the schedule's `maxAgeMs` and the
 * retry spends an attempt (`error.gaveUp` then says for how long it was retried).
 */
export function retryOutcome(op: StoredOperation, how: RetryHow, context: OutcomeContext): OperationOutcome {
  const error = { ...how.error, class: how.error.class ?? 'retryable' };
  if (how.spendAttempt && pastRetryWindow(new Date(op.createdAt), context.now, context.schedule)) {
    return { id: op.id, outcome: 'dead', error: { ...error, gaveUp: `retried for ${Math.round(context.schedule.maxAgeMs / 3600_000)} h` } };
  }
  const delay = how.waitMs ?? retryDelayMs(op.attempts + 1, context.schedule, context.random);
  return {
    id: op.id, outcome: 'retry', nextAttemptAt: new Date(context.now.getTime() + delay), error, spendAttempt: how.spendAttempt,
    ...(how.outcomeUnknown ? { outcomeUnknown: true } : {}),
  };
}

/** What an outcome of a write result needs to know of the destination. */
export interface ResultContext extends OutcomeContext {
  /**
   * How long an operation refused for quota is held, ms, from the wait the CRM announced
   * (usage-probe.ts `heldOperationWaitMs`: no longer than the probe interval of a probed destination).
   */
  heldWaitMs(retryAfterMs: number): number;
}

/**
 * The outcome of one operation's write result. A missing result (a connector bug) is retried as
 * `PARLEY_OUTBOX_NO_RESULT`; a rate-limited one spends no attempt; a permanent one is dead at once.
 */
export function outcomeFor(op: StoredOperation, result: WriteResult | undefined, context: ResultContext): OperationOutcome {
  if (!result) return retryOutcome(op, { error: codeAndMessage(errors.OUTBOX_NO_RESULT({})), spendAttempt: true }, context);
  switch (result.status) {
    case 'done': return { id: op.id, outcome: 'done', crmId: result.recordId };
    case 'retryable': return retryOutcome(op, { error: { ...result.error, class: 'retryable' }, spendAttempt: true, outcomeUnknown: result.outcomeUnknown === true }, context);
    case 'rate-limited':
      return retryOutcome(op, { error: { ...result.error, class: 'rate-limited' }, spendAttempt: false, waitMs: context.heldWaitMs(result.retryAfterMs) }, context);
    case 'permanent':
      return { id: op.id, outcome: 'dead', error: { ...result.error, class: 'permanent', scope: result.scope } };
  }
}

/**
 * The outcomes of one sent batch, in the batch's order. A done write carries the `later`
 * references it went without (`unbound`) and the parent it was matched to (`links`). A batch the
 * connector rejected as a whole (it is not meant to) is retried, outcome unknown: it may have gone out.
 */
export function outcomesOfBatch(sent: SentBatch, context: ResultContext): OperationOutcome[] {
  if (!sent.results) {
    const error = { ...errorSummary(sent.error), class: 'retryable' };
    return sent.writes.map(({ op }) => retryOutcome(op, { error, spendAttempt: true, outcomeUnknown: true }, context));
  }
  const results = sent.results;
  return sent.writes.map((write: PlannedWrite) => {
    const outcome = outcomeFor(write.op, results.get(write.op.id), context);
    if (outcome.outcome !== 'done') return outcome;
    return { ...outcome, ...(write.unbound ? { unbound: write.unbound } : {}), ...(write.links ? { links: write.links } : {}) };
  });
}

/**
 * A merged write's outcome is every merged operation's (write-plan.ts `mergeByRecord`): one copy
 * per follower, in the order of `outcomes`. The copies leave out `unbound` (the head's row binds
 * those references once) and keep `links`.
 */
export function followerOutcomes(outcomes: readonly OperationOutcome[], followers: ReadonlyMap<string, readonly string[]>): OperationOutcome[] {
  const copies: OperationOutcome[] = [];
  for (const outcome of outcomes) {
    for (const follower of followers.get(outcome.id) ?? []) {
      const copy = { ...outcome, id: follower } as OperationOutcome & { unbound?: unknown };
      delete copy.unbound;
      copies.push(copy);
    }
  }
  return copies;
}

/** The `outcome` label of the dispatch results metric: `waiting` for a retry that spent no attempt. */
export function outcomeKind(outcome: OperationOutcome): 'done' | 'retry' | 'waiting' | 'dead' {
  if (outcome.outcome !== 'retry') return outcome.outcome;
  return outcome.spendAttempt ? 'retry' : 'waiting';
}

/**
 * The log line of an operation that went dead (a dead letter is kept): refused for good by the CRM,
 * or out of retries. Undefined for any other outcome.
 */
export function deadLetterLine(outcome: OperationOutcome, op: Pick<StoredOperation, 'object'>, destination: string): { fields: Record<string, unknown>; message: string } | undefined {
  if (outcome.outcome !== 'dead') return undefined;
  const fields = { destination, operationId: outcome.id, object: op.object, code: outcome.error.code };
  if (outcome.error.gaveUp !== undefined) return { fields, message: 'an operation ran out of retries; kept as a dead letter' };
  return { fields: { ...fields, scope: outcome.error.scope }, message: 'the CRM refused an operation for good; kept as a dead letter' };
}

/** The code and message of a catalogue error, as an operation's `lastError` keeps them. */
export function codeAndMessage(error: { code: string; message: string }): { code: string; message: string } {
  return { code: error.code, message: error.message };
}
