import { queueDecision } from '../../outbox/rules/index.ts';
import type { NewOperation, OperationState } from '../store.ts';
import type { Tx } from './database.ts';

const recordId = (destination: string, object: string, key: string) => JSON.stringify([destination, object, key]);

/**
 * Queues operations inside one transaction, as `queueDecision` says (a delete supersedes what is
 * pending for its record and leaves a tombstone; a tombstoned record's later writes are stored
 * superseded). Inserts are buffered and written as one multi-row INSERT, in queue order (seq is
 * plan order); the buffer is flushed before a supersede, so it reaches the writes queued before it.
 */
export class OperationQueue {
  readonly #tx: Tx;
  readonly #now: number;
  #buffer: Array<{ op: NewOperation; state: OperationState }> = [];
  // Records whose tombstone is known (true) or known absent (false), from the table or made here.
  readonly #tombstoned = new Map<string, boolean>();
  /** How many operations were queued pending (sendable), for the `operations` wake-up. */
  pending = 0;

  constructor(tx: Tx, now: number) {
    this.#tx = tx;
    this.#now = now;
  }

  /** Reads the tombstones of the records of `ops` in one query, so queueing them needs none. */
  async prefetch(ops: NewOperation[]): Promise<void> {
    const keyed = ops.filter((op) => op.recordKey !== undefined && !this.#tombstoned.has(recordId(op.destination, op.object, op.recordKey)));
    if (keyed.length === 0) return;
    const { rows } = await this.#tx.query<{ destination: string; object: string; record_key: string }>(`SELECT t.destination, t.object, t.record_key
      FROM tombstones t JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(destination, object, record_key)
        ON t.destination = k.destination AND t.object = k.object AND t.record_key = k.record_key`,
    [keyed.map((op) => op.destination), keyed.map((op) => op.object), keyed.map((op) => op.recordKey)]);
    for (const op of keyed) this.#tombstoned.set(recordId(op.destination, op.object, op.recordKey!), false);
    for (const r of rows) this.#tombstoned.set(recordId(r.destination, r.object, r.record_key), true);
  }

  /** Queues one operation (written at the next `flush`). */
  async queue(op: NewOperation): Promise<void> {
    const id = op.recordKey === undefined ? undefined : recordId(op.destination, op.object, op.recordKey);
    if (id !== undefined && !this.#tombstoned.has(id)) await this.prefetch([op]);
    const decision = queueDecision(op, id !== undefined && this.#tombstoned.get(id) === true);
    if (decision.supersedePending) {
      await this.flush();
      await this.#tx.query(`UPDATE operations SET state = 'superseded', updated_at = $1
        WHERE destination = $2 AND object = $3 AND record_key = $4 AND state = 'pending'`, [this.#now, op.destination, op.object, op.recordKey]);
    }
    if (decision.tombstone) {
      await this.#tx.query(`INSERT INTO tombstones (destination, object, record_key, erased_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT DO NOTHING`, [op.destination, op.object, op.recordKey, this.#now]);
      this.#tombstoned.set(id!, true);
    }
    this.#buffer.push({ op, state: decision.state });
    if (decision.state === 'pending') this.pending++;
  }

  /** Writes the buffered operations. */
  async flush(): Promise<void> {
    const batch = this.#buffer;
    if (batch.length === 0) return;
    this.#buffer = [];
    await insertOperations(this.#tx, batch, this.#now);
  }
}

/**
 * Inserts operations in the given order, as one statement. With `ignoreExisting`, an id already
 * stored is left as it is (a bind-later update has a deterministic id: binding twice queues it once);
 * without, it fails the transaction, as a planner's duplicate id must.
 * @returns how many were inserted
 */
export async function insertOperations(tx: Tx, batch: Array<{ op: NewOperation; state: OperationState }>, now: number, options: { ignoreExisting?: boolean } = {}): Promise<number> {
  const column = <T>(pick: (op: NewOperation) => T) => batch.map(({ op }) => pick(op));
  const result = await tx.query(`INSERT INTO operations (id, event_id, mapping_id, destination, object, operation, match_key, match_value,
      record_key, ordering_key, fields, refs, state, next_attempt_at, created_at, updated_at, mapping_version)
    SELECT id, event_id, mapping_id, destination, object, operation, match_key, match_value, record_key, ordering_key, fields, refs, state, $14, $14, $14, mapping_version
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $15::integer[])
      WITH ORDINALITY AS o(id, event_id, mapping_id, destination, object, operation, match_key, match_value, record_key, ordering_key, fields, refs, state, mapping_version, n)
    ORDER BY n${options.ignoreExisting ? ' ON CONFLICT (id) DO NOTHING' : ''}`, [
    column((op) => op.id), column((op) => op.eventId), column((op) => op.mappingId), column((op) => op.destination), column((op) => op.object),
    column((op) => op.operation), column((op) => op.matchKey ?? null), column((op) => op.matchValue ?? null), column((op) => op.recordKey ?? null),
    column((op) => op.orderingKey), column((op) => JSON.stringify(op.fields)), column((op) => JSON.stringify(op.references)), batch.map((b) => b.state), now,
    column((op) => op.mappingVersion ?? null),
  ]);
  return result.rowCount ?? 0;
}
