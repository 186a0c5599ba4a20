import { selectClaims, unknownOnClaim, waitsFor, type WaitFacts } from '../../outbox/rules/index.ts';
import type { OperationReference } from '../store.ts';
import type { OperationRow } from './rows.ts';
import type { Statements } from './statements.ts';

/**
 * `claimOperations`' work, inside the caller's transaction: the due operations in claim order
 * (live before resync jobs', each in plan order; only one kind given `only`), picked by
 * `selectClaims`, leased to `owner`.
 * @returns the leased rows as they now are
 */
export function claimRows(s: Statements, destination: string, options: { owner: string; now: number; leaseMs: number; limit: number; only?: 'live' | 'resync' | undefined }): OperationRow[] {
  const { now } = options;
  const live = options.only === undefined ? null : options.only === 'live' ? 1 : 0;
  const candidate = (row: OperationRow) => Object.assign(row, { recordKey: row.record_key });
  const claimed = selectClaims({
    due: mapIterable(s.due.iterate(destination, now, now, live, live) as Iterable<OperationRow>, candidate),
    laterOnRecord: (row) => mapIterable(s.laterOnRecord.iterate(destination, row.object, row.record_key, row.seq, now) as Iterable<OperationRow>, candidate),
    held: (row) => (JSON.parse(row.refs) as OperationReference[]).some((ref) => waitsFor(ref, waitFacts(s, destination, row, ref))),
  }, options.limit);
  const unknown = (row: OperationRow) => (unknownOnClaim({ state: row.state, sentAt: row.sent_at, outcomeUnknown: row.outcome_unknown === 1 }) ? 1 : 0);
  for (const row of claimed) s.lease.run(options.owner, now + options.leaseMs, unknown(row), now, row.id);
  return claimed.map((row) => ({ ...row, state: 'leased' as const, outcome_unknown: unknown(row), sent_at: null }));
}

/** What `waitsFor` asks about one reference of `row`, each answered by one indexed query when asked. */
function waitFacts(s: Statements, destination: string, row: OperationRow, ref: OperationReference): WaitFacts {
  return {
    firstRecordWritten: () => s.firstRecord.get(destination, row.ordering_key, ref.object) !== undefined,
    identityHasPendingWrite: () => s.pendingOfIdentity.get(destination, row.ordering_key, ref.object, row.seq) !== undefined,
    recordHasPendingWrite: () => s.pendingWriteOf.get(destination, ref.object, ref.key, row.seq) !== undefined,
    recordLinked: () => s.getLink.get(destination, ref.object, ref.key) !== undefined,
  };
}

function* mapIterable<T, U>(rows: Iterable<T>, map: (row: T) => U): Iterable<U> {
  for (const row of rows) yield map(row);
}
