import type { OperationReference } from '../../store/store.ts';

/**
 * What a store knows about a reference when deciding whether it holds its operation back. Lazy:
 * each is asked only when the rule needs it (a store answers each with one indexed query).
 */
export interface WaitFacts {
  /** `firstOfIdentity`: a record of `ref.object` is already written for the operation's identity. */
  firstRecordWritten(): boolean;
  /** `firstOfIdentity`: the identity has another write of `ref.object` pending or leased. */
  identityHasPendingWrite(): boolean;
  /** `key`: another write (not a delete) of the referenced record is pending or leased. */
  recordHasPendingWrite(): boolean;
  /** `key`: the referenced record is in the CRM already (a link). */
  recordLinked(): boolean;
}

/**
 * Whether a reference holds its operation: a `wait` reference holds it while the record it names is
 * planned and not yet written; for `firstOfIdentity`, while the identity has such records planned
 * but none written. A record already written (linked) is never waited for: its id is known, and an
 * update queued for it (a profile refreshed by every post of its author) would otherwise cost a
 * round each time. `later` references never hold (they are bound after the write).
 */
export function waitsFor(ref: OperationReference, facts: WaitFacts): boolean {
  if (ref.bind !== 'wait') return false;
  if (ref.firstOfIdentity) return !facts.firstRecordWritten() && facts.identityHasPendingWrite();
  if (ref.key === undefined || !facts.recordHasPendingWrite()) return false;
  return !facts.recordLinked();
}
