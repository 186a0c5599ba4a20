import { randomBytes } from 'node:crypto';
import { toStoredErasure, type ErasureRow } from '../erasure-rows.ts';
import type { ErasureCommit, ErasureStore, StoredErasure, WrittenRecord } from '../erasure-store.ts';
import type { Tx } from './database.ts';
import type { PostgresFacetContext } from './facet.ts';
import { OperationQueue } from './operation-queue.ts';

const SALT = 'erasure-salt';

/** Who an event is about: the `events_by_subject` index's expression (postgres/resyncs.ts). */
const SUBJECT_SQL = `(CASE kind
  WHEN 'identity' THEN data::jsonb ->> 'key'
  WHEN 'interaction' THEN data::jsonb -> 'author' ->> 'key'
  ELSE (data::jsonb ->> 'network') || ':' || (data::jsonb -> 'subject' ->> 'userId') END)`;

/** PostgreSQL's erasures (`Store.erasures`). */
export class PostgresErasures implements ErasureStore {
  readonly #context: PostgresFacetContext;

  constructor(context: PostgresFacetContext) {
    this.#context = context;
  }

  async salt(): Promise<string> {
    const db = this.#context.db();
    await db.query('INSERT INTO store_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [SALT, randomBytes(32).toString('hex')]);
    return (await db.query<{ value: string }>('SELECT value FROM store_secrets WHERE name = $1', [SALT])).rows[0]!.value;
  }

  async suppressed(hashes: string[]): Promise<string[]> {
    if (hashes.length === 0) return [];
    return (await this.#context.db().query<{ hash: string }>('SELECT hash FROM erased_hashes WHERE hash = ANY($1::text[])', [hashes])).rows.map((r) => r.hash);
  }

  async recordsOf(orderingKeys: string[]): Promise<WrittenRecord[]> {
    const { rows } = await this.#context.db().query<{
      destination: string; object: string; record_key: string | null; match_key: string | null; match_value: string | null; crm_id: string | null; ordering_key: string;
    }>(`SELECT destination, object, MAX(record_key) AS record_key, MAX(match_key) AS match_key, MAX(match_value) AS match_value, MAX(crm_id) AS crm_id, MAX(ordering_key) AS ordering_key
      FROM operations WHERE ordering_key = ANY($1::text[]) AND operation != 'delete' AND erasure_id IS NULL AND (state = 'done' OR record_key IS NOT NULL)
      GROUP BY destination, object, COALESCE(record_key, crm_id, id) ORDER BY MIN(seq)`, [orderingKeys]);
    return rows.filter((r) => r.record_key !== null || r.crm_id !== null || r.match_value !== null).map((r) => ({
      destination: r.destination, object: r.object, identity: r.ordering_key.slice(r.destination.length + 1),
      ...(r.record_key !== null ? { recordKey: r.record_key } : {}), ...(r.match_key !== null ? { matchKey: r.match_key } : {}),
      ...(r.match_value !== null ? { matchValue: r.match_value } : {}), ...(r.crm_id !== null ? { crmId: r.crm_id } : {}),
    }));
  }

  async eventKeysOf(identityKeys: string[]): Promise<Array<{ source: string; key: string }>> {
    return (await this.#context.db().query<{ source: string; key: string }>(`SELECT source, event_key AS key FROM events WHERE ${SUBJECT_SQL} = ANY($1::text[])`, [identityKeys])).rows;
  }

  async commit(erasure: ErasureCommit, options: { now: Date }): Promise<StoredErasure> {
    const now = options.now.getTime();
    await this.#context.db().transaction(async (tx) => {
      await tx.query('INSERT INTO erased_hashes (hash, erased_at) SELECT h, $2 FROM unnest($1::text[]) AS h ON CONFLICT (hash) DO NOTHING', [erasure.hashes, now]);
      await tx.query(`UPDATE operations SET state = 'superseded', updated_at = $1 WHERE ordering_key = ANY($2::text[]) AND state = 'pending'`, [now, erasure.orderingKeys]);
      for (const op of erasure.deletes) {
        const crmId = op.fields['$crmId'];
        if (typeof crmId === 'string' && op.recordKey !== undefined) {
          await tx.query(`INSERT INTO links (destination, object, record_key, crm_id, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (destination, object, record_key) DO NOTHING`,
            [op.destination, op.object, op.recordKey, crmId, now]);
        }
      }
      const queue = new OperationQueue(tx, now);
      const deletes = erasure.deletes.map((op) => ({ ...op, fields: {} }));
      await queue.prefetch(deletes);
      for (const op of deletes) await queue.queue(op);
      await queue.flush();
      if (deletes.length > 0) await tx.query('UPDATE operations SET erasure_id = $1 WHERE id = ANY($2::text[])', [erasure.id, deletes.map((op) => op.id)]);
      if (queue.pending > 0) tx.wake('operations');

      const removed = erasure.keepStore ? { events: 0, deliveries: 0, deadLetters: 0, operations: 0 } : await removeCopies(tx, erasure);
      await tx.query(`INSERT INTO erasures (id, person_id, requested_by, state, requested_at, identities, purge, removed) VALUES ($1, $2, $3, 'running', $4, $5, $6, $7)`,
        [erasure.id, erasure.personId, erasure.requestedBy, now, erasure.identities, JSON.stringify(erasure.purge), JSON.stringify(removed)]);
    });
    return (await this.get(erasure.id))!;
  }

  async get(id: string): Promise<StoredErasure | undefined> {
    const db = this.#context.db();
    const row = (await db.query<ErasureRow>('SELECT * FROM erasures WHERE id = $1', [id])).rows[0];
    if (!row) return undefined;
    const { rows } = await db.query<{ destination: string; state: string; n: string }>('SELECT destination, state, COUNT(*) AS n FROM operations WHERE erasure_id = $1 GROUP BY destination, state', [id]);
    return toStoredErasure(row, rows);
  }

  async running(): Promise<string[]> {
    return (await this.#context.db().query<{ id: string }>(`SELECT id FROM erasures WHERE state = 'running' ORDER BY seq`)).rows.map((r) => r.id);
  }

  async finish(id: string, options: { now: Date }): Promise<boolean> {
    return this.#context.db().transaction(async (tx) => {
      // Locked: two instances finishing at once do it once.
      const row = (await tx.query<{ state: string }>('SELECT state FROM erasures WHERE id = $1 FOR UPDATE', [id])).rows[0];
      if (row?.state !== 'running') return row !== undefined;
      const left = (await tx.query<{ n: string }>(`SELECT COUNT(*) AS n FROM operations WHERE erasure_id = $1 AND state IN ('pending', 'leased')`, [id])).rows[0]!;
      if (Number(left.n) > 0) return false;
      const { rows: deletes } = await tx.query<{ id: string; destination: string; object: string; record_key: string | null }>('SELECT id, destination, object, record_key FROM operations WHERE erasure_id = $1', [id]);
      const keyed = deletes.filter((d) => d.record_key !== null);
      const args = [keyed.map((d) => d.destination), keyed.map((d) => d.object), keyed.map((d) => d.record_key)];
      await tx.query('DELETE FROM links l USING unnest($1::text[], $2::text[], $3::text[]) AS k(destination, object, record_key) WHERE l.destination = k.destination AND l.object = k.object AND l.record_key = k.record_key', args);
      await tx.query('DELETE FROM tombstones t USING unnest($1::text[], $2::text[], $3::text[]) AS k(destination, object, record_key) WHERE t.destination = k.destination AND t.object = k.object AND t.record_key = k.record_key', args);
      const ids = deletes.map((d) => d.id);
      await tx.query(`UPDATE operations SET record_key = NULL, match_value = NULL, fields = '{}', last_error = NULL, ordering_key = destination || ':erased' WHERE id = ANY($1::text[])`, [ids]);
      await tx.query('UPDATE operation_attempts SET error = NULL WHERE operation_id = ANY($1::text[])', [ids]);
      await tx.query('DELETE FROM dead_letters WHERE operation_id = ANY($1::text[])', [ids]);
      await tx.query(`UPDATE erasures SET state = 'done', finished_at = $1 WHERE id = $2`, [options.now.getTime(), id]);
      return true;
    });
  }
}

/** Removes the person from Parley's own copies, inside the erasure's transaction. @returns what was removed */
async function removeCopies(tx: Tx, erasure: ErasureCommit): Promise<StoredErasure['removed']> {
  const { rows: events } = await tx.query<{ id: string; source: string; event_key: string; delivery_id: string }>(
    `SELECT id, source, event_key, delivery_id FROM events WHERE ${SUBJECT_SQL} = ANY($1::text[]) FOR UPDATE`, [erasure.identityKeys]);
  const eventIds = events.map((e) => e.id);
  const deliveryIds = [...new Set(events.map((e) => e.delivery_id))];
  const personOps = (await tx.query<{ id: string }>('SELECT id FROM operations WHERE ordering_key = ANY($1::text[]) AND erasure_id IS NULL', [erasure.orderingKeys])).rows.map((r) => r.id);
  await tx.query('DELETE FROM deferred_plans WHERE event_id = ANY($1::text[])', [eventIds]);
  await tx.query('DELETE FROM event_keys k USING unnest($1::text[], $2::text[]) AS e(source, event_key) WHERE k.source = e.source AND k.event_key = e.event_key',
    [events.map((e) => e.source), events.map((e) => e.event_key)]);
  const removedEvents = (await tx.query('DELETE FROM events WHERE id = ANY($1::text[])', [eventIds])).rowCount ?? 0;
  // Only deliveries already derived: one still pending is derived later, and refused then.
  const removedDeliveries = (await tx.query('DELETE FROM deliveries WHERE id = ANY($1::text[]) AND derived_at IS NOT NULL', [deliveryIds])).rowCount ?? 0;
  const removedLetters = (await tx.query('DELETE FROM dead_letters WHERE delivery_id = ANY($1::text[]) OR operation_id = ANY($2::text[])', [deliveryIds, personOps])).rowCount ?? 0;
  // Their operations stay as counts, nothing naming them: no fields, keys, references or errors.
  const scrubbed = (await tx.query(`UPDATE operations SET fields = '{}', refs = '[]', match_value = NULL, record_key = NULL, last_error = NULL,
    ordering_key = destination || ':erased' WHERE id = ANY($1::text[])`, [personOps])).rowCount ?? 0;
  await tx.query('DELETE FROM pending_bindings WHERE operation_id = ANY($1::text[])', [personOps]);
  await tx.query('UPDATE operation_attempts SET error = NULL WHERE operation_id = ANY($1::text[])', [personOps]);
  await tx.query(`UPDATE resyncs SET scope = '{"identity":"(erased)"}' WHERE scope::jsonb ->> 'identity' = ANY($1::text[])`, [erasure.identityKeys]);
  return { events: removedEvents, deliveries: removedDeliveries, deadLetters: removedLetters, operations: scrubbed };
}
