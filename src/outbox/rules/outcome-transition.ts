import type { OperationOutcome } from '../../store/store.ts';

/** What `recordOutcomes` reads of an operation before recording how its attempt ended. */
export interface LeasedOperation {
  state: string;
  leaseOwner: string | null;
  attempts: number;
  destination: string;
  object: string;
  recordKey: string | null;
  operation: string;
}

/** One kept attempt (`operation_attempts`). */
export interface AttemptRecord {
  attempt: number;
  /** `done`, the error's class (`retryable`, `rate-limited`, `permanent`), or the fallback. */
  outcome: string;
  error: Record<string, unknown> | null;
}

/** A record's CRM id learnt from a write: kept as a link, and bound into writes that went without it. */
export interface LearntLink { object: string; key: string; crmId: string }

/** What recording one outcome does; the store applies it in its transaction. */
export type OutcomeTransition =
  /** The lease expired or went to another owner: the outcome changes nothing. */
  | { kind: 'ignored' }
  | {
    kind: 'done'; attempts: number; crmId: string; attempt: AttemptRecord;
    /** Links to keep (the record's own, then those the connector reported), each binding what waits on it. */
    links: LearntLink[];
    /** A delete: the record's link goes. */
    unlink?: { object: string; key: string };
    /** Operations of the identity waiting for a first record to be their parent are due now. */
    wakeParentWaits: boolean;
    /** `later` references the write went without: remembered, bound at once if their record is linked. */
    unbound: Array<{ field: string; object: string; key: string }>;
  }
  | { kind: 'retry'; attempts: number; nextAttemptAt: number; outcomeUnknown: boolean; lastError: Record<string, unknown>; attempt?: AttemptRecord }
  | { kind: 'dead'; attempts: number; lastError: Record<string, unknown>; attempt: AttemptRecord };

/**
 * How one attempt's end changes its operation. Only an operation still leased by `owner` changes
 * (a lease that expired and was taken over is not this owner's to settle). An attempt is spent,
 * except by a retry that says the record was never tried (a rate limit). A retry with an unknown
 * outcome keeps the operation's outcome unknown (the store ORs it with what was known).
 */
export function outcomeTransition(row: LeasedOperation | undefined, outcome: OperationOutcome, owner: string): OutcomeTransition {
  if (!row || row.state !== 'leased' || row.leaseOwner !== owner) return { kind: 'ignored' };
  const attempts = outcome.outcome === 'retry' && !outcome.spendAttempt ? row.attempts : row.attempts + 1;
  if (outcome.outcome === 'done') {
    const own = row.recordKey !== null && row.operation !== 'delete' ? [{ object: row.object, key: row.recordKey, crmId: outcome.crmId }] : [];
    return {
      kind: 'done', attempts, crmId: outcome.crmId, attempt: { attempt: attempts, outcome: 'done', error: null },
      links: [...own, ...(outcome.links ?? [])],
      ...(row.recordKey !== null && row.operation === 'delete' ? { unlink: { object: row.object, key: row.recordKey } } : {}),
      wakeParentWaits: row.recordKey !== null,
      unbound: outcome.unbound ?? [],
    };
  }
  if (outcome.outcome === 'retry') {
    return {
      kind: 'retry', attempts, nextAttemptAt: outcome.nextAttemptAt.getTime(), outcomeUnknown: outcome.outcomeUnknown === true, lastError: outcome.error,
      ...(outcome.spendAttempt ? { attempt: { attempt: attempts, outcome: String(outcome.error.class ?? 'retryable'), error: outcome.error } } : {}),
    };
  }
  return { kind: 'dead', attempts, lastError: outcome.error, attempt: { attempt: attempts, outcome: String(outcome.error.class ?? 'permanent'), error: outcome.error } };
}
