import { MERGEABLE_OPERATIONS } from './lease.ts';

/** What claim selection reads of a due operation. */
export interface ClaimCandidate {
  operation: string;
  state: string;
  recordKey: string | null;
}

/** How a store answers claim selection's questions, in its own transaction. */
export interface ClaimSource<R extends ClaimCandidate> {
  /** Due operations of the destination in plan order, not behind an earlier undelivered one on their record. */
  due: Iterable<R>;
  /** Due writes after `row` on the same record, in plan order, up to the first that is not due yet. */
  laterOnRecord(row: R): Iterable<R>;
  /** Whether one of the row's `wait` references holds it (`waitsFor`). */
  held(row: R): boolean;
}

/**
 * Picks what one claim leases, about `limit` operations, in plan order: due operations not held by
 * a reference; behind each upsert or update, the due upserts and updates queued for the same record
 * come with it, in order (the dispatcher merges them into one write: a profile seen in 8 deliveries
 * costs one write, not 8 rounds of one), up to the first that is not pending or is held.
 */
export function selectClaims<R extends ClaimCandidate>(source: ClaimSource<R>, limit: number): R[] {
  const claimed: R[] = [];
  for (const row of source.due) {
    if (claimed.length >= limit) break;
    if (source.held(row)) continue;
    claimed.push(row);
    if (row.recordKey === null || !MERGEABLE_OPERATIONS.has(row.operation)) continue;
    for (const next of source.laterOnRecord(row)) {
      if (!MERGEABLE_OPERATIONS.has(next.operation) || next.state !== 'pending' || source.held(next)) break;
      claimed.push(next);
    }
  }
  return claimed;
}
