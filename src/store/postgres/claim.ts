import { selectClaims, unknownOnClaim, waitsFor, MERGEABLE_OPERATIONS, type ClaimCandidate } from '../../outbox/rules/index.ts';
import type { ClaimOptions, OperationReference, StoredOperation } from '../store.ts';
import type { Database, Tx } from './database.ts';
import { toStoredOperation, type OperationRow } from './rows.ts';

/** A due operation as claim selection sees it. */
interface Candidate extends ClaimCandidate { row: OperationRow; refs: OperationReference[] }

// Due: pending and its time has come, or leased with an expired lease; not behind an earlier
// operation on the same record still to be delivered. SKIP LOCKED: instances claiming the same
// destination at once each get rows the other has not locked, without waiting for each other.
// Rejected: one SELECT of every due row without LIMIT (as SQLite iterates it lazily) would lock
// the whole backlog for the transaction; windows of `limit` rows lock about what is claimed.
// `$5`: live operations (no resync job) or a job's; live ones are claimed first (claimOperations).
const DUE = `SELECT o.* FROM operations o
  WHERE o.destination = $1 AND o.seq > $3 AND (o.resync_id IS NULL) = $5 AND ((o.state = 'pending' AND o.next_attempt_at <= $2) OR (o.state = 'leased' AND o.lease_until < $2))
    AND NOT (o.record_key IS NOT NULL AND EXISTS (SELECT 1 FROM operations p WHERE p.destination = o.destination AND p.object = o.object
      AND p.record_key = o.record_key AND p.state IN ('pending', 'leased') AND p.seq < o.seq))
  ORDER BY o.seq LIMIT $4 FOR UPDATE OF o SKIP LOCKED`;

// The writes after the window's rows on their records, in order; then those of them free to lock,
// locked (SKIP LOCKED). One another transaction holds is missing from the second answer: the run
// behind its head stops there (skipping it would send a later write to the record before an
// earlier one). Two statements, not one joining a CTE to its locked rows: without fresh table
// statistics (a backlog planned a moment ago) the planner took that join for a few rows and ran a
// nested loop over thousands (6 s for a claim of 200 over 40,000 operations).
const LATER_ON_RECORDS = `SELECT o.id, o.seq, o.object, o.record_key FROM operations o JOIN unnest($3::text[], $4::text[]) AS k(object, record_key)
    ON o.object = k.object AND o.record_key = k.record_key
  WHERE o.destination = $1 AND o.seq > $5 AND o.state IN ('pending', 'leased') AND o.next_attempt_at <= $2
  ORDER BY o.seq`;
const LOCK_FREE = `SELECT o.* FROM operations o WHERE o.id = ANY($1::text[]) AND o.state IN ('pending', 'leased') AND o.next_attempt_at <= $2
  FOR UPDATE SKIP LOCKED`;

/**
 * `claimOperations`, in ONE transaction (live operations first, or only the kind `only` names):
 * due rows in windows of `limit`, locked (SKIP LOCKED); the facts the wait rule needs, answered for
 * the whole window in one query; `selectClaims` picks; one UPDATE leases what it picked
 * (`unknownOnClaim`). About five round trips per window.
 */
export async function claimOperations(db: Database, destination: string, options: ClaimOptions): Promise<StoredOperation[]> {
  const now = options.now.getTime();
  const limit = Math.max(1, options.limit);
  return db.transaction(async (tx) => {
    const claimed: Candidate[] = [];
    // Live operations first, then resync jobs' with what room is left: a resync never holds back a
    // fresh post for more than the calls already under way (the order on a record stays plan order:
    // a write is not due while an earlier one on its record is undelivered, whoever queued it).
    // `only`: one kind (the dispatcher's bulk lane claims a job's operations apart from the live ones).
    const kinds = options.only === 'live' ? [true] : options.only === 'resync' ? [false] : [true, false];
    for (const live of kinds) await claimWindows(tx, { destination, now, limit, live }, claimed);
    if (claimed.length === 0) return [];
    const unknown = claimed.map((c) => unknownOnClaim({ state: c.row.state, sentAt: c.row.sent_at, outcomeUnknown: c.row.outcome_unknown }));
    await tx.query(`UPDATE operations o SET state = 'leased', lease_owner = $1, lease_until = $2, outcome_unknown = u.unknown, sent_at = NULL, updated_at = $3
      FROM unnest($4::text[], $5::boolean[]) AS u(id, unknown) WHERE o.id = u.id`,
    [options.owner, now + options.leaseMs, now, claimed.map((c) => c.row.id), unknown]);
    return claimed.map((c, i) => toStoredOperation({ ...c.row, state: 'leased', outcome_unknown: unknown[i]!, sent_at: null }));
  });
}

/** Claims into `claimed`, up to `limit` in all, from live operations (`live`) or resync jobs' ones, in windows of `limit` rows. */
async function claimWindows(tx: Tx, options: { destination: string; now: number; limit: number; live: boolean }, claimed: Candidate[]): Promise<void> {
  const { destination, now, limit, live } = options;
  let after = 0;
  // More windows only while held rows left the claim short and the last window was full.
  for (let window = 0; claimed.length < limit && window < 10; window++) {
    const { rows } = await tx.query<OperationRow>(DUE, [destination, now, after, limit, live]);
    if (rows.length === 0) break;
    after = rows.at(-1)!.seq;
    // Never twice in one claim (a write taken behind its record's head in the first pass).
    const taken = new Set(claimed.map((c) => c.row.id));
    const due = rows.filter((r) => !taken.has(r.id)).map(candidate);
    const later = await laterOnRecords(tx, destination, now, due);
    const held = await heldBy(tx, destination, [...due, ...[...later.values()].flat().filter((c): c is Candidate => c !== undefined)]);
    claimed.push(...selectClaims<Candidate>({
      due,
      laterOnRecord: (c) => runBehind(later.get(recordOf(c)) ?? [], c.row.seq),
      held: (c) => held.has(c.row.id),
    }, limit - claimed.length));
    if (rows.length < limit) break;
  }
}

const candidate = (row: OperationRow): Candidate => ({ operation: row.operation, state: row.state, recordKey: row.record_key, row, refs: JSON.parse(row.refs) as OperationReference[] });
const recordOf = (c: Candidate) => JSON.stringify([c.row.object, c.row.record_key]);

/** The rows after `seq` in a record's run, up to the first another transaction holds (undefined). */
function* runBehind(run: Array<Candidate | undefined>, seq: number): Iterable<Candidate> {
  for (const c of run) {
    if (c === undefined) return;
    if (c.row.seq > seq) yield c;
  }
}

/** Per record of the window's mergeable rows, the later writes on it in seq order; undefined where one is held elsewhere. */
async function laterOnRecords(tx: Tx, destination: string, now: number, due: Candidate[]): Promise<Map<string, Array<Candidate | undefined>>> {
  const heads = due.filter((c) => c.recordKey !== null && MERGEABLE_OPERATIONS.has(c.operation));
  const runs = new Map<string, Array<Candidate | undefined>>();
  if (heads.length === 0) return runs;
  const minSeq = Math.min(...heads.map((c) => c.row.seq));
  const dueIds = new Set(due.map((c) => c.row.id));
  const { rows } = await tx.query<{ id: string; seq: number; object: string; record_key: string }>(LATER_ON_RECORDS,
    [destination, now, heads.map((c) => c.row.object), heads.map((c) => c.row.record_key), minSeq]);
  // The window's own rows are locked by this transaction already.
  const later = rows.filter((r) => !dueIds.has(r.id));
  const locked = later.length === 0 ? [] : (await tx.query<OperationRow>(LOCK_FREE, [later.map((r) => r.id), now])).rows;
  const lockedById = new Map(locked.map((r) => [r.id, r]));
  for (const r of later) {
    const key = JSON.stringify([r.object, r.record_key]);
    const run = runs.get(key) ?? runs.set(key, []).get(key)!;
    const row = lockedById.get(r.id);
    run.push(row === undefined ? undefined : candidate(row));
  }
  return runs;
}

/**
 * The ids of the candidates a `wait` reference holds (`waitsFor`), its facts answered for all of
 * them in one query: first records and pending writes per (identity, object), pending writes and
 * links per referenced record. "Another write than this one" is answered from a count and the
 * lowest seq, so one query serves every row.
 */
async function heldBy(tx: Tx, destination: string, candidates: Candidate[]): Promise<Set<string>> {
  const identities = new Map<string, [string, string]>();
  const records = new Map<string, [string, string]>();
  for (const c of candidates) {
    for (const ref of c.refs) {
      if (ref.bind !== 'wait') continue;
      if (ref.firstOfIdentity) identities.set(JSON.stringify([c.row.ordering_key, ref.object]), [c.row.ordering_key, ref.object]);
      else if (ref.key !== undefined) records.set(JSON.stringify([ref.object, ref.key]), [ref.object, ref.key]);
    }
  }
  const held = new Set<string>();
  if (identities.size === 0 && records.size === 0) return held;
  const ids = [...identities.values()];
  const recs = [...records.values()];
  const { rows } = await tx.query<{ fact: string; a: string; b: string; n: number; min_seq: number | null }>(`
    SELECT 'first' AS fact, k.a, k.b, COUNT(o.seq) AS n, NULL::bigint AS min_seq FROM unnest($2::text[], $3::text[]) AS k(a, b)
      JOIN operations o ON o.destination = $1 AND o.ordering_key = k.a AND o.object = k.b AND o.state = 'done'
        AND o.operation <> 'delete' AND o.crm_id IS NOT NULL AND o.crm_id <> '' GROUP BY k.a, k.b
    UNION ALL
    SELECT 'identity-pending', k.a, k.b, COUNT(o.seq), MIN(o.seq) FROM unnest($2::text[], $3::text[]) AS k(a, b)
      JOIN operations o ON o.destination = $1 AND o.ordering_key = k.a AND o.object = k.b AND o.state IN ('pending', 'leased') AND o.operation <> 'delete'
      GROUP BY k.a, k.b
    UNION ALL
    SELECT 'record-pending', k.a, k.b, COUNT(o.seq), MIN(o.seq) FROM unnest($4::text[], $5::text[]) AS k(a, b)
      JOIN operations o ON o.destination = $1 AND o.object = k.a AND o.record_key = k.b AND o.state IN ('pending', 'leased') AND o.operation <> 'delete'
      GROUP BY k.a, k.b
    UNION ALL
    SELECT 'linked', k.a, k.b, 1, NULL FROM unnest($4::text[], $5::text[]) AS k(a, b)
      JOIN links l ON l.destination = $1 AND l.object = k.a AND l.record_key = k.b`,
  [destination, ids.map((i) => i[0]), ids.map((i) => i[1]), recs.map((r) => r[0]), recs.map((r) => r[1])]);
  const facts = new Map(rows.map((r) => [JSON.stringify([r.fact, r.a, r.b]), r]));
  const other = (fact: string, a: string, b: string, seq: number) => {
    const f = facts.get(JSON.stringify([fact, a, b]));
    return f !== undefined && (f.n > 1 || (f.n === 1 && f.min_seq !== seq));
  };
  for (const c of candidates) {
    const { ordering_key: identity, seq } = c.row;
    const holds = c.refs.some((ref) => waitsFor(ref, {
      firstRecordWritten: () => facts.has(JSON.stringify(['first', identity, ref.object])),
      identityHasPendingWrite: () => other('identity-pending', identity, ref.object, seq),
      recordHasPendingWrite: () => ref.key !== undefined && other('record-pending', ref.object, ref.key, seq),
      recordLinked: () => ref.key !== undefined && facts.has(JSON.stringify(['linked', ref.object, ref.key])),
    }));
    if (holds) held.add(c.row.id);
  }
  return held;
}
