import type { NewOperation, OperationState } from '../../store/store.ts';

/** What queueing one planned operation does to the outbox (`queueDecision`). */
export interface QueueDecision {
  /** The state the operation is stored in: `superseded` is kept but never sent. */
  state: Extract<OperationState, 'pending' | 'superseded'>;
  /** Supersede what is still pending for the same record (destination, object, record key). */
  supersedePending: boolean;
  /** Leave a tombstone for the record: anything planned for it later is superseded. */
  tombstone: boolean;
}

/**
 * Erasure is final: a delete supersedes what is still queued for its record and leaves a
 * tombstone, and anything planned later for a tombstoned record is kept but never sent. An
 * operation without a record key (nothing to erase or to be erased) is simply pending.
 * @param tombstoned whether the operation's record already has a tombstone
 */
export function queueDecision(op: Pick<NewOperation, 'operation' | 'recordKey'>, tombstoned: boolean): QueueDecision {
  if (op.recordKey === undefined) return { state: 'pending', supersedePending: false, tombstone: false };
  if (op.operation === 'delete') return { state: 'pending', supersedePending: true, tombstone: true };
  return { state: tombstoned ? 'superseded' : 'pending', supersedePending: false, tombstone: false };
}
