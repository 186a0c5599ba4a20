import { bindLaterOperation, deliveryDeadLetter, outcomeTransition, type AttemptRecord, type LearntLink } from '../../outbox/rules/index.ts';
import { errors } from '../../errors.ts';
import type { NewOperation, OperationOutcome, OperationReference } from '../store.ts';
import type { Database, Tx } from './database.ts';
import { insertOperations } from './operation-queue.ts';
import type { OperationRow } from './rows.ts';

interface LeaseRow { id: string; state: string; lease_owner: string | null; attempts: number; destination: string; object: string; record_key: string | null; operation: string; ordering_key: string }

/**
 * `recordOutcomes`, in ONE transaction: the operations are locked (in id order, so two recorders
 * cannot deadlock), each outcome goes through `outcomeTransition`, and what it says is written as
 * the SQLite store writes it one outcome after the other, but in a few batched statements
 * (`OutcomeWrites`): a batch of 200 done writes is about ten round trips, not a thousand.
 * @returns how many outcomes were written (one for a lease that expired or went to another owner is not)
 */
export async function recordOutcomes(db: Database, outcomes: OperationOutcome[], options: { owner: string; now: Date }): Promise<number> {
  if (outcomes.length === 0) return 0;
  const now = options.now.getTime();
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<LeaseRow>(`SELECT id, state, lease_owner, attempts, destination, object, record_key, operation, ordering_key FROM operations
      WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [[...new Set(outcomes.map((o) => o.id))]]);
    const leased = new Map(rows.map((r) => [r.id, r]));
    const writes = new OutcomeWrites(tx, now);
    let changed = 0;
    for (const outcome of outcomes) {
      const row = leased.get(outcome.id);
      const t = outcomeTransition(row && {
        state: row.state, leaseOwner: row.lease_owner, attempts: row.attempts, destination: row.destination, object: row.object, recordKey: row.record_key, operation: row.operation,
      }, outcome, options.owner);
      if (t.kind === 'ignored' || !row) continue;
      if (t.kind === 'done') {
        writes.finish.push({ id: row.id, attempts: t.attempts, crmId: t.crmId });
        if (t.unlink) await writes.unlink(row.destination, t.unlink);
        for (const link of t.links) writes.links.push({ destination: row.destination, ...link });
        if (t.wakeParentWaits) writes.wakes.push({ destination: row.destination, orderingKey: row.ordering_key });
        if (t.unbound.length > 0) await writes.remember(row, t.unbound);
        writes.attempts.push({ id: row.id, ...t.attempt });
        row.state = 'done';
      } else if (t.kind === 'retry') {
        await writes.retry({ id: row.id, attempts: t.attempts, nextAttemptAt: t.nextAttemptAt, outcomeUnknown: t.outcomeUnknown, lastError: JSON.stringify(t.lastError) });
        if (t.attempt) writes.attempts.push({ id: row.id, ...t.attempt });
        row.state = 'pending';
      } else {
        writes.kill.push({ id: row.id, attempts: t.attempts, lastError: JSON.stringify(t.lastError) });
        writes.attempts.push({ id: row.id, ...t.attempt });
        writes.letters.push({ id: row.id, error: t.lastError });
        row.state = 'dead';
      }
      // A done or dead write frees the record's next write (and a done one may bind or wake others).
      if (t.kind !== 'retry') tx.wake('operations');
      changed++;
    }
    await writes.flush();
    return changed;
  });
}

type Link = LearntLink & { destination: string };

/**
 * The writes of a batch of outcomes, buffered per kind and written a statement per kind. Most
 * commute: each operation's row changes once, attempts and letters are per operation. What does
 * not is kept in order by flushing first: a parent wait is woken only by the done writes recorded
 * after its retry (the wake-up runs after the retries buffered before it, and a retry after a
 * wake-up flushes it first), and a `later` reference looks at links only once those recorded
 * before it are written.
 */
class OutcomeWrites {
  readonly #tx: Tx;
  readonly #now: number;
  finish: Array<{ id: string; attempts: number; crmId: string }> = [];
  retries: Array<{ id: string; attempts: number; nextAttemptAt: number; outcomeUnknown: boolean; lastError: string }> = [];
  kill: Array<{ id: string; attempts: number; lastError: string }> = [];
  attempts: Array<{ id: string } & AttemptRecord> = [];
  links: Link[] = [];
  wakes: Array<{ destination: string; orderingKey: string }> = [];
  letters: Array<{ id: string; error: Record<string, unknown> }> = [];

  constructor(tx: Tx, now: number) {
    this.#tx = tx;
    this.#now = now;
  }

  async retry(write: OutcomeWrites['retries'][number]): Promise<void> {
    if (this.wakes.length > 0) await this.flush();
    this.retries.push(write);
  }

  /** A delete's record loses its link (after the links recorded before it). */
  async unlink(destination: string, record: { object: string; key: string }): Promise<void> {
    await this.flush();
    await this.#tx.query('DELETE FROM links WHERE destination = $1 AND object = $2 AND record_key = $3', [destination, record.object, record.key]);
  }

  /** `later` references a done write went without: remembered, and bound at once when their record is linked already. */
  async remember(row: LeaseRow, unbound: Array<{ field: string; object: string; key: string }>): Promise<void> {
    await this.flush();
    for (const ref of unbound) {
      const linked = await this.#tx.query<{ crm_id: string }>('SELECT crm_id FROM links WHERE destination = $1 AND object = $2 AND record_key = $3', [row.destination, ref.object, ref.key]);
      await this.#tx.query('INSERT INTO pending_bindings (destination, ref_object, ref_key, operation_id, field) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
        [row.destination, ref.object, ref.key, row.id, ref.field]);
      const crmId = linked.rows[0]?.crm_id;
      if (crmId !== undefined) await this.#bindLater([{ destination: row.destination, object: ref.object, key: ref.key, crmId }]);
    }
  }

  async flush(): Promise<void> {
    const tx = this.#tx;
    const now = this.#now;
    const [finish, retries, kill, attempts, links, wakes, letters] = [this.finish, this.retries, this.kill, this.attempts, this.links, this.wakes, this.letters];
    this.finish = []; this.retries = []; this.kill = []; this.attempts = []; this.links = []; this.wakes = []; this.letters = [];
    if (finish.length > 0) {
      await tx.query(`UPDATE operations o SET state = 'done', attempts = u.attempts, crm_id = u.crm_id, lease_owner = NULL, lease_until = NULL, outcome_unknown = FALSE, updated_at = $1
        FROM unnest($2::text[], $3::int[], $4::text[]) AS u(id, attempts, crm_id) WHERE o.id = u.id`,
      [now, finish.map((f) => f.id), finish.map((f) => f.attempts), finish.map((f) => f.crmId)]);
    }
    if (retries.length > 0) {
      await tx.query(`UPDATE operations o SET state = 'pending', attempts = u.attempts, next_attempt_at = u.next_attempt_at, outcome_unknown = (o.outcome_unknown OR u.unknown),
          last_error = u.last_error, lease_owner = NULL, lease_until = NULL, updated_at = $1
        FROM unnest($2::text[], $3::int[], $4::bigint[], $5::boolean[], $6::text[]) AS u(id, attempts, next_attempt_at, unknown, last_error) WHERE o.id = u.id`,
      [now, retries.map((r) => r.id), retries.map((r) => r.attempts), retries.map((r) => r.nextAttemptAt), retries.map((r) => r.outcomeUnknown), retries.map((r) => r.lastError)]);
    }
    if (kill.length > 0) {
      await tx.query(`UPDATE operations o SET state = 'dead', attempts = u.attempts, last_error = u.last_error, lease_owner = NULL, lease_until = NULL, updated_at = $1
        FROM unnest($2::text[], $3::int[], $4::text[]) AS u(id, attempts, last_error) WHERE o.id = u.id`,
      [now, kill.map((k) => k.id), kill.map((k) => k.attempts), kill.map((k) => k.lastError)]);
    }
    if (links.length > 0) {
      // One row per record (ON CONFLICT cannot touch a row twice in one statement): the last id learnt wins, as one upsert after the other would leave it.
      const last = new Map(links.map((l) => [JSON.stringify([l.destination, l.object, l.key]), l]));
      const rows = [...last.values()];
      await tx.query(`INSERT INTO links (destination, object, record_key, crm_id, updated_at)
        SELECT destination, object, record_key, crm_id, $1 FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS l(destination, object, record_key, crm_id)
        ON CONFLICT (destination, object, record_key) DO UPDATE SET crm_id = excluded.crm_id, updated_at = excluded.updated_at`,
      [now, rows.map((l) => l.destination), rows.map((l) => l.object), rows.map((l) => l.key), rows.map((l) => l.crmId)]);
      await this.#bindLater(links);
    }
    if (wakes.length > 0) {
      // Operations of these identities waiting for a first record to be their parent: due now.
      await tx.query(`UPDATE operations SET next_attempt_at = $1, updated_at = $1
        WHERE state = 'pending' AND (destination, ordering_key) IN (SELECT * FROM unnest($2::text[], $3::text[]))
          AND last_error IS NOT NULL AND (last_error::jsonb ->> 'code') = $4`,
      [now, wakes.map((w) => w.destination), wakes.map((w) => w.orderingKey), errors.OUTBOX_PARENT_MISSING.code]);
    }
    if (attempts.length > 0) {
      await tx.query(`INSERT INTO operation_attempts (operation_id, attempt, at, outcome, error)
        SELECT operation_id, attempt, $1, outcome, error FROM unnest($2::text[], $3::int[], $4::text[], $5::text[]) AS a(operation_id, attempt, outcome, error)
        ON CONFLICT (operation_id, attempt) DO UPDATE SET at = excluded.at, outcome = excluded.outcome, error = excluded.error`,
      [now, attempts.map((a) => a.id), attempts.map((a) => a.attempt), attempts.map((a) => a.outcome), attempts.map((a) => (a.error === null ? null : JSON.stringify(a.error)))]);
    }
    for (const letter of letters) await keepDeadLetter(tx, letter.id, letter.error, now);
  }

  // The records now have CRM ids: every write that went without one (`bind: later`) gets the
  // update `bindLaterOperation` makes, queued behind whatever else is pending for its record, in
  // the order the links were learnt (the first id learnt for a record binds it, as one after the
  // other would: the bindings are gone by the second).
  async #bindLater(links: Link[]): Promise<void> {
    const { rows } = await this.#tx.query<{ n: number; operation_id: string; field: string; event_id: string | null; object: string | null; record_key: string | null; ordering_key: string | null }>(`
      DELETE FROM pending_bindings b USING (
          SELECT DISTINCT ON (destination, object, record_key) destination, object, record_key, n
          FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS k(destination, object, record_key, n) ORDER BY destination, object, record_key, n) k
        WHERE b.destination = k.destination AND b.ref_object = k.object AND b.ref_key = k.record_key
      RETURNING k.n, b.operation_id, b.field,
        (SELECT event_id FROM operations WHERE id = b.operation_id) AS event_id, (SELECT object FROM operations WHERE id = b.operation_id) AS object,
        (SELECT record_key FROM operations WHERE id = b.operation_id) AS record_key, (SELECT ordering_key FROM operations WHERE id = b.operation_id) AS ordering_key`,
    [links.map((l) => l.destination), links.map((l) => l.object), links.map((l) => l.key)]);
    rows.sort((a, b) => a.n - b.n || compare(a.operation_id, b.operation_id) || compare(a.field, b.field));
    const updates: Array<{ op: NewOperation; state: 'pending' }> = [];
    for (const r of rows) {
      if (r.event_id === null || r.object === null || r.ordering_key === null) continue;
      const link = links[r.n - 1]!;
      const op = bindLaterOperation(link.destination, { operationId: r.operation_id, field: r.field, eventId: r.event_id, object: r.object, recordKey: r.record_key, orderingKey: r.ordering_key }, link.crmId);
      if (op) updates.push({ op, state: 'pending' });
    }
    if (updates.length > 0) await insertOperations(this.#tx, updates, this.#now, { ignoreExisting: true });
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// A dead operation is a dead letter too (stage `delivery`); replaying it and seeing it die again
// reuses the same letter.
async function keepDeadLetter(tx: Tx, operationId: string, error: Record<string, unknown>, now: number): Promise<void> {
  const { rows } = await tx.query<OperationRow & { source: string; delivery_id: string }>(`SELECT o.*, e.source AS source, e.delivery_id AS delivery_id
    FROM operations o JOIN events e ON e.id = o.event_id WHERE o.id = $1`, [operationId]);
  const op = rows[0];
  if (!op) return;
  const letter = deliveryDeadLetter({
    id: op.id, destination: op.destination, object: op.object, operation: op.operation, mappingId: op.mapping_id, eventId: op.event_id,
    fields: JSON.parse(op.fields) as Record<string, unknown>, references: JSON.parse(op.refs) as OperationReference[],
    ...(op.match_key !== null ? { matchKey: op.match_key } : {}), ...(op.match_value !== null ? { matchValue: op.match_value } : {}),
  }, error);
  const updated = await tx.query('UPDATE dead_letters SET reason_code = $1, reason = $2, details = $3, body = $4, created_at = $5 WHERE operation_id = $6',
    [letter.reasonCode, letter.reason, JSON.stringify(letter.details), letter.body, now, operationId]);
  if ((updated.rowCount ?? 0) > 0) return;
  await tx.query(`INSERT INTO dead_letters (id, stage, source, delivery_id, reason_code, reason, details, content_type, body, created_at, operation_id)
    VALUES ($1, 'delivery', $2, $3, $4, $5, $6, 'application/json', $7, $8, $9)`,
  [letter.id, op.source, op.delivery_id, letter.reasonCode, letter.reason, JSON.stringify(letter.details), letter.body, now, operationId]);
}
