import type { CanonicalData } from '../../model/index.ts';
import type { RetentionDeadLetter, RetentionDelivery, RetentionEvent, RetentionOperation, RetentionStore } from '../retention-store.ts';
import type { SqliteFacetContext } from './facet.ts';

/** `?` bound to a JSON array, as a list SQLite can `IN`. */
const LIST = '(SELECT value FROM json_each(?))';
const DERIVED = 'seq <= (SELECT last_seq FROM derive_cursor WHERE id = 1)';
/** An event still needed as it is: not planned, deferred, or named by a queued operation (`operations_queued_by_event`). */
const HELD = `(e.planned_at IS NULL
  OR EXISTS (SELECT 1 FROM operations o WHERE o.event_id = e.id AND o.state IN ('pending', 'leased'))
  OR EXISTS (SELECT 1 FROM deferred_plans d WHERE d.event_id = e.id))`;
const ENDED = `state IN ('done', 'dead', 'superseded')`;

/** The embedded store's side of the retention job (`Store.retention`). */
export class SqliteRetention implements RetentionStore {
  readonly #context: SqliteFacetContext;

  constructor(context: SqliteFacetContext) {
    this.#context = context;
  }

  async readDeliveries(query: { afterSeq: number; limit: number }): Promise<RetentionDelivery[]> {
    const rows = this.#context.db().prepare(`SELECT seq, received_at, ${DERIVED} AS derived FROM deliveries WHERE seq > ? ORDER BY seq LIMIT ?`)
      .all(query.afterSeq, query.limit) as Array<{ seq: number; received_at: number; derived: number }>;
    return rows.map((r) => ({ seq: r.seq, receivedAt: r.received_at, derived: r.derived === 1 }));
  }

  async deleteDeliveries(seqs: number[]): Promise<number> {
    if (seqs.length === 0) return 0;
    return this.#context.commit(() => this.#context.db().prepare(`DELETE FROM deliveries WHERE seq IN ${LIST} AND ${DERIVED}`).run(JSON.stringify(seqs)).changes);
  }

  async readEvents(query: { afterSeq: number; limit: number }): Promise<RetentionEvent[]> {
    const rows = this.#context.db().prepare(`SELECT e.seq, e.id, e.received_at, ${HELD} AS held, e.data FROM events e WHERE e.seq > ? ORDER BY e.seq LIMIT ?`)
      .all(query.afterSeq, query.limit) as Array<{ seq: number; id: string; received_at: number; held: number; data: string }>;
    return rows.map((r) => ({ seq: r.seq, id: r.id, receivedAt: r.received_at, held: r.held === 1, data: JSON.parse(r.data) as CanonicalData }));
  }

  async deleteEvents(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.#context.commit(() => this.#context.db().prepare(`DELETE FROM events AS e WHERE e.id IN ${LIST} AND NOT ${HELD}`).run(JSON.stringify(ids)).changes);
  }

  async rewriteEvents(events: Array<{ id: string; data: CanonicalData }>): Promise<number> {
    if (events.length === 0) return 0;
    return this.#context.commit(() => {
      const rewrite = this.#context.db().prepare(`UPDATE events AS e SET data = ? WHERE e.id = ? AND NOT ${HELD}`);
      let n = 0;
      for (const e of events) n += rewrite.run(JSON.stringify(e.data), e.id).changes;
      return n;
    });
  }

  async readDeadLetters(query: { afterSeq: number; limit: number }): Promise<RetentionDeadLetter[]> {
    const rows = this.#context.db().prepare('SELECT seq, stage, created_at FROM dead_letters WHERE seq > ? ORDER BY seq LIMIT ?')
      .all(query.afterSeq, query.limit) as Array<{ seq: number; stage: RetentionDeadLetter['stage']; created_at: number }>;
    return rows.map((r) => ({ seq: r.seq, stage: r.stage, createdAt: r.created_at }));
  }

  async deleteDeadLetters(seqs: number[]): Promise<number> {
    if (seqs.length === 0) return 0;
    return this.#context.commit(() => this.#context.db().prepare(`DELETE FROM dead_letters WHERE seq IN ${LIST} AND stage IN ('intake', 'mapping')`).run(JSON.stringify(seqs)).changes);
  }

  async readOperations(query: { afterSeq: number; limit: number }): Promise<RetentionOperation[]> {
    const rows = this.#context.db().prepare(`SELECT seq, id, ${ENDED} AS ended, created_at, updated_at, fields = '{}' AS blank FROM operations WHERE seq > ? ORDER BY seq LIMIT ?`)
      .all(query.afterSeq, query.limit) as Array<{ seq: number; id: string; ended: number; created_at: number; updated_at: number; blank: number }>;
    return rows.map((r) => ({ seq: r.seq, id: r.id, ended: r.ended === 1, createdAt: r.created_at, updatedAt: r.updated_at, blank: r.blank === 1 }));
  }

  async blankOperations(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.#context.commit(() => {
      const db = this.#context.db();
      const list = JSON.stringify(ids);
      db.prepare(`DELETE FROM dead_letters WHERE operation_id IN (SELECT id FROM operations WHERE id IN ${LIST} AND state = 'dead')`).run(list);
      return db.prepare(`UPDATE operations SET fields = '{}' WHERE id IN ${LIST} AND ${ENDED}`).run(list).changes;
    });
  }
}
