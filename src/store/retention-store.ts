import type { CanonicalData } from '../model/index.ts';

/**
 * What the retention job (src/policies/retention.ts) reads and removes. The store only reads in
 * store order and applies what the job decided, re-checking in the same statement what must never
 * go (an undelivered delivery, an event still needed, an operation not ended): the policy itself
 * is a pure function in src/policies/, tested apart from the databases.
 */

/** A delivery in commit order; only derived ones may be deleted. */
export interface RetentionDelivery {
  seq: number;
  /** Epoch ms. */
  receivedAt: number;
  derived: boolean;
}

/** An event in store order, with whether something still needs it as it is. */
export interface RetentionEvent {
  seq: number;
  id: string;
  /** When Parley stored it, epoch ms. */
  receivedAt: number;
  /** Not planned yet, deferred for a destination, or named by an operation still queued (pending, waiting or leased). */
  held: boolean;
  data: CanonicalData;
}

/** An operation in plan order, as far as retention looks at it. */
export interface RetentionOperation {
  seq: number;
  id: string;
  /** Ended: `done`, `dead` or `superseded`; only those are blanked. */
  ended: boolean;
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
  /** Its fields are `{}` already. */
  blank: boolean;
}

/** A dead letter in the order it was kept. `intake` ones hold a delivery's body, `mapping` ones a copy of their event. */
export interface RetentionDeadLetter {
  seq: number;
  stage: 'intake' | 'mapping' | 'delivery';
  /** Epoch ms. */
  createdAt: number;
}

export interface RetentionStore {
  /** Deliveries after `afterSeq`, in commit order, at most `limit`. */
  readDeliveries(query: { afterSeq: number; limit: number }): Promise<RetentionDelivery[]>;
  /** Deletes these deliveries (by seq), those derived only. @returns how many */
  deleteDeliveries(seqs: number[]): Promise<number>;
  /** Events after `afterSeq`, in store order, at most `limit`. */
  readEvents(query: { afterSeq: number; limit: number }): Promise<RetentionEvent[]>;
  /** Deletes these events, unless held now (see `RetentionEvent.held`), ONE transaction. @returns how many */
  deleteEvents(ids: string[]): Promise<number>;
  /** Replaces these events' data (anonymised), unless held now, ONE transaction. @returns how many */
  rewriteEvents(events: Array<{ id: string; data: CanonicalData }>): Promise<number>;
  /** Dead letters after `afterSeq`, in the order they were kept, at most `limit`. */
  readDeadLetters(query: { afterSeq: number; limit: number }): Promise<RetentionDeadLetter[]>;
  /** Deletes these dead letters (by seq), of stage `intake` or `mapping` only (a `delivery` one goes with its operation's fields). @returns how many */
  deleteDeadLetters(seqs: number[]): Promise<number>;
  /** Operations after `afterSeq`, in plan order, at most `limit`. */
  readOperations(query: { afterSeq: number; limit: number }): Promise<RetentionOperation[]>;
  /**
   * Blanks the fields of these operations, ended ones only, in ONE transaction. A dead one's dead
   * letter goes with its fields: replaying it would write an empty record. @returns how many
   */
  blankOperations(ids: string[]): Promise<number>;
}
