import { randomBytes } from 'node:crypto';
import { toStoredErasure, type ErasureRow } from '../erasure-rows.ts';
import type { ErasureCommit, ErasureStore, StoredErasure, WrittenRecord } from '../erasure-store.ts';
import type { SqliteFacetContext } from './facet.ts';
import { queueOperation } from './queue-plan.ts';
import { SUBJECT_SQL } from './resyncs.ts';
import type { Statements } from './statements.ts';

const SALT = 'erasure-salt';
/** `?` bound to a JSON array, as a list SQLite can `IN`. */
const LIST = '(SELECT value FROM json_each(?))';

/** The embedded store's erasures (`Store.erasures`). */
export class SqliteErasures implements ErasureStore {
  readonly #context: SqliteFacetContext & { statements(): Statements };

  constructor(context: SqliteFacetContext & { statements(): Statements }) {
    this.#context = context;
  }

  async salt(): Promise<string> {
    const db = this.#context.db();
    const read = () => (db.prepare('SELECT value FROM store_secrets WHERE name = ?').get(SALT) as { value: string } | undefined)?.value;
    const known = read();
    if (known !== undefined) return known;
    this.#context.commit(() => db.prepare('INSERT OR IGNORE INTO store_secrets (name, value) VALUES (?, ?)').run(SALT, randomBytes(32).toString('hex')));
    return read()!;
  }

  async suppressed(hashes: string[]): Promise<string[]> {
    if (hashes.length === 0) return [];
    return (this.#context.db().prepare(`SELECT hash FROM erased_hashes WHERE hash IN ${LIST}`).all(JSON.stringify(hashes)) as Array<{ hash: string }>).map((r) => r.hash);
  }

  async recordsOf(orderingKeys: string[]): Promise<WrittenRecord[]> {
    const rows = this.#context.db().prepare(`SELECT destination, object, record_key, match_key, match_value, MAX(crm_id) AS crm_id, ordering_key FROM operations
      WHERE ordering_key IN ${LIST} AND operation != 'delete' AND erasure_id IS NULL AND (state = 'done' OR record_key IS NOT NULL)
      GROUP BY destination, object, COALESCE(record_key, crm_id, id) ORDER BY MIN(seq)`).all(JSON.stringify(orderingKeys)) as Array<{
      destination: string; object: string; record_key: string | null; match_key: string | null; match_value: string | null; crm_id: string | null; ordering_key: string;
    }>;
    return rows.filter((r) => r.record_key !== null || r.crm_id !== null || r.match_value !== null).map((r) => ({
      destination: r.destination, object: r.object, identity: r.ordering_key.slice(r.destination.length + 1),
      ...(r.record_key !== null ? { recordKey: r.record_key } : {}), ...(r.match_key !== null ? { matchKey: r.match_key } : {}),
      ...(r.match_value !== null ? { matchValue: r.match_value } : {}), ...(r.crm_id !== null ? { crmId: r.crm_id } : {}),
    }));
  }

  async eventKeysOf(identityKeys: string[]): Promise<Array<{ source: string; key: string }>> {
    return (this.#context.db().prepare(`SELECT source, event_key AS key FROM events WHERE ${SUBJECT_SQL} IN ${LIST}`).all(JSON.stringify(identityKeys)) as Array<{ source: string; key: string }>);
  }

  async commit(erasure: ErasureCommit, options: { now: Date }): Promise<StoredErasure> {
    const now = options.now.getTime();
    this.#context.commit(() => {
      const db = this.#context.db();
      const s = this.#context.statements();
      const ordering = JSON.stringify(erasure.orderingKeys);
      const hash = db.prepare('INSERT OR IGNORE INTO erased_hashes (hash, erased_at) VALUES (?, ?)');
      for (const h of erasure.hashes) hash.run(h, now);
      // Withdrawn: what of theirs is not sent yet; then the deletes, each superseding its record's rest.
      db.prepare(`UPDATE operations SET state = 'superseded', updated_at = ? WHERE ordering_key IN ${LIST} AND state = 'pending'`).run(now, ordering);
      const tag = db.prepare('UPDATE operations SET erasure_id = ? WHERE id = ?');
      const link = db.prepare(`INSERT INTO links (destination, object, record_key, crm_id, updated_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (destination, object, record_key) DO NOTHING`);
      for (const op of erasure.deletes) {
        // A record written without a key is deleted by its CRM id, through a link made for it.
        const crmId = op.fields['$crmId'];
        if (typeof crmId === 'string' && op.recordKey !== undefined) link.run(op.destination, op.object, op.recordKey, crmId, now);
        queueOperation(s, { ...op, fields: {} }, now);
        tag.run(erasure.id, op.id);
      }
      const removed = erasure.keepStore ? { events: 0, deliveries: 0, deadLetters: 0, operations: 0 } : this.#removeCopies(erasure);
      db.prepare(`INSERT INTO erasures (id, person_id, requested_by, state, requested_at, identities, purge, removed) VALUES (?, ?, ?, 'running', ?, ?, ?, ?)`)
        .run(erasure.id, erasure.personId, erasure.requestedBy, now, erasure.identities, JSON.stringify(erasure.purge), JSON.stringify(removed));
    });
    return (await this.get(erasure.id))!;
  }

  /** Removes the person from Parley's own copies, inside the erasure's transaction. @returns what was removed */
  #removeCopies(erasure: ErasureCommit): StoredErasure['removed'] {
    const db = this.#context.db();
    const identities = JSON.stringify(erasure.identityKeys);
    const ordering = JSON.stringify(erasure.orderingKeys);
    const events = db.prepare(`SELECT id, source, event_key, delivery_id FROM events WHERE ${SUBJECT_SQL} IN ${LIST}`).all(identities) as Array<{ id: string; source: string; event_key: string; delivery_id: string }>;
    const eventIds = JSON.stringify(events.map((e) => e.id));
    const deliveryIds = JSON.stringify([...new Set(events.map((e) => e.delivery_id))]);
    const personOps = JSON.stringify((db.prepare(`SELECT id FROM operations WHERE ordering_key IN ${LIST} AND erasure_id IS NULL`).all(ordering) as Array<{ id: string }>).map((r) => r.id));
    db.prepare(`DELETE FROM deferred_plans WHERE event_id IN ${LIST}`).run(eventIds);
    const dedup = db.prepare('DELETE FROM event_keys WHERE source = ? AND event_key = ?');
    for (const e of events) dedup.run(e.source, e.event_key);
    const removedEvents = db.prepare(`DELETE FROM events WHERE id IN ${LIST}`).run(eventIds).changes;
    // Only deliveries already derived: one still pending is derived later, and refused then.
    const removedDeliveries = db.prepare(`DELETE FROM deliveries WHERE id IN ${LIST} AND seq <= (SELECT last_seq FROM derive_cursor WHERE id = 1)`).run(deliveryIds).changes;
    const removedLetters = db.prepare(`DELETE FROM dead_letters WHERE delivery_id IN ${LIST} OR operation_id IN ${LIST}`).run(deliveryIds, personOps).changes;
    // Their operations stay as counts, nothing naming them: no fields, keys, references or errors.
    const scrubbed = db.prepare(`UPDATE operations SET fields = '{}', refs = '[]', match_value = NULL, record_key = NULL, last_error = NULL,
      ordering_key = destination || ':erased' WHERE id IN ${LIST}`).run(personOps).changes;
    db.prepare(`DELETE FROM pending_bindings WHERE operation_id IN ${LIST}`).run(personOps);
    db.prepare(`UPDATE operation_attempts SET error = NULL WHERE operation_id IN ${LIST}`).run(personOps);
    db.prepare(`UPDATE resyncs SET scope = '{"identity":"(erased)"}' WHERE json_extract(scope, '$.identity') IN ${LIST}`).run(identities);
    return { events: removedEvents, deliveries: removedDeliveries, deadLetters: removedLetters, operations: scrubbed };
  }

  async get(id: string): Promise<StoredErasure | undefined> {
    const db = this.#context.db();
    const row = db.prepare('SELECT * FROM erasures WHERE id = ?').get(id) as ErasureRow | undefined;
    if (!row) return undefined;
    const byState = db.prepare('SELECT destination, state, COUNT(*) AS n FROM operations WHERE erasure_id = ? GROUP BY destination, state').all(id) as Array<{ destination: string; state: string; n: number }>;
    return toStoredErasure(row, byState);
  }

  async running(): Promise<string[]> {
    return (this.#context.db().prepare(`SELECT id FROM erasures WHERE state = 'running' ORDER BY seq`).all() as Array<{ id: string }>).map((r) => r.id);
  }

  async finish(id: string, options: { now: Date }): Promise<boolean> {
    return this.#context.commit(() => {
      const db = this.#context.db();
      const left = db.prepare(`SELECT COUNT(*) AS n FROM operations WHERE erasure_id = ? AND state IN ('pending', 'leased')`).get(id) as { n: number };
      if (left.n > 0) return false;
      const deletes = db.prepare('SELECT id, destination, object, record_key FROM operations WHERE erasure_id = ?').all(id) as Array<{ id: string; destination: string; object: string; record_key: string | null }>;
      const unlink = db.prepare('DELETE FROM links WHERE destination = ? AND object = ? AND record_key = ?');
      const untomb = db.prepare('DELETE FROM tombstones WHERE destination = ? AND object = ? AND record_key = ?');
      for (const d of deletes) {
        if (d.record_key === null) continue;
        unlink.run(d.destination, d.object, d.record_key);
        untomb.run(d.destination, d.object, d.record_key);
      }
      const ids = JSON.stringify(deletes.map((d) => d.id));
      db.prepare(`UPDATE operations SET record_key = NULL, match_value = NULL, fields = '{}', last_error = NULL, ordering_key = destination || ':erased' WHERE id IN ${LIST}`).run(ids);
      db.prepare(`UPDATE operation_attempts SET error = NULL WHERE operation_id IN ${LIST}`).run(ids);
      db.prepare(`DELETE FROM dead_letters WHERE operation_id IN ${LIST}`).run(ids);
      db.prepare(`UPDATE erasures SET state = 'done', finished_at = ? WHERE id = ? AND state = 'running'`).run(options.now.getTime(), id);
      return true;
    });
  }
}
