import type { CanonicalData } from '../../model/index.ts';
import type { RetentionDeadLetter, RetentionDelivery, RetentionEvent, RetentionOperation, RetentionStore } from '../retention-store.ts';
import type { PostgresFacetContext } from './facet.ts';

/** An event still needed as it is (sqlite/retention.ts says the same): not planned, deferred, or named by a queued operation. */
const HELD = `(e.planned_at IS NULL
  OR EXISTS (SELECT 1 FROM operations o WHERE o.event_id = e.id AND o.state IN ('pending', 'leased'))
  OR EXISTS (SELECT 1 FROM deferred_plans d WHERE d.event_id = e.id))`;
const ENDED = `state IN ('done', 'dead', 'superseded')`;

/** PostgreSQL's side of the retention job (`Store.retention`). */
export class PostgresRetention implements RetentionStore {
  readonly #context: PostgresFacetContext;

  constructor(context: PostgresFacetContext) {
    this.#context = context;
  }

  async readDeliveries(query: { afterSeq: number; limit: number }): Promise<RetentionDelivery[]> {
    const { rows } = await this.#context.db().query<{ seq: string; received_at: string; derived: boolean }>(
      'SELECT seq, received_at, derived_at IS NOT NULL AS derived FROM deliveries WHERE seq > $1 ORDER BY seq LIMIT $2', [query.afterSeq, query.limit]);
    return rows.map((r) => ({ seq: Number(r.seq), receivedAt: Number(r.received_at), derived: r.derived }));
  }

  async deleteDeliveries(seqs: number[]): Promise<number> {
    if (seqs.length === 0) return 0;
    return (await this.#context.db().query('DELETE FROM deliveries WHERE seq = ANY($1::bigint[]) AND derived_at IS NOT NULL', [seqs])).rowCount ?? 0;
  }

  async readEvents(query: { afterSeq: number; limit: number }): Promise<RetentionEvent[]> {
    const { rows } = await this.#context.db().query<{ seq: string; id: string; received_at: string; held: boolean; data: string }>(
      `SELECT e.seq, e.id, e.received_at, ${HELD} AS held, e.data FROM events e WHERE e.seq > $1 ORDER BY e.seq LIMIT $2`, [query.afterSeq, query.limit]);
    return rows.map((r) => ({ seq: Number(r.seq), id: r.id, receivedAt: Number(r.received_at), held: r.held, data: JSON.parse(r.data) as CanonicalData }));
  }

  async deleteEvents(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (await this.#context.db().query(`DELETE FROM events e WHERE e.id = ANY($1::text[]) AND NOT ${HELD}`, [ids])).rowCount ?? 0;
  }

  async rewriteEvents(events: Array<{ id: string; data: CanonicalData }>): Promise<number> {
    if (events.length === 0) return 0;
    // One statement: the pairs as two parallel arrays, unnested.
    const result = await this.#context.db().query(`UPDATE events e SET data = v.data FROM unnest($1::text[], $2::text[]) AS v(id, data)
      WHERE e.id = v.id AND NOT ${HELD}`, [events.map((e) => e.id), events.map((e) => JSON.stringify(e.data))]);
    return result.rowCount ?? 0;
  }

  async readDeadLetters(query: { afterSeq: number; limit: number }): Promise<RetentionDeadLetter[]> {
    const { rows } = await this.#context.db().query<{ seq: string; stage: RetentionDeadLetter['stage']; created_at: string }>(
      'SELECT seq, stage, created_at FROM dead_letters WHERE seq > $1 ORDER BY seq LIMIT $2', [query.afterSeq, query.limit]);
    return rows.map((r) => ({ seq: Number(r.seq), stage: r.stage, createdAt: Number(r.created_at) }));
  }

  async deleteDeadLetters(seqs: number[]): Promise<number> {
    if (seqs.length === 0) return 0;
    return (await this.#context.db().query(`DELETE FROM dead_letters WHERE seq = ANY($1::bigint[]) AND stage IN ('intake', 'mapping')`, [seqs])).rowCount ?? 0;
  }

  async readOperations(query: { afterSeq: number; limit: number }): Promise<RetentionOperation[]> {
    const { rows } = await this.#context.db().query<{ seq: string; id: string; ended: boolean; created_at: string; updated_at: string; blank: boolean }>(
      `SELECT seq, id, ${ENDED} AS ended, created_at, updated_at, fields = '{}' AS blank FROM operations WHERE seq > $1 ORDER BY seq LIMIT $2`, [query.afterSeq, query.limit]);
    return rows.map((r) => ({ seq: Number(r.seq), id: r.id, ended: r.ended, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at), blank: r.blank }));
  }

  async blankOperations(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.#context.db().transaction(async (tx) => {
      await tx.query(`DELETE FROM dead_letters WHERE operation_id IN (SELECT id FROM operations WHERE id = ANY($1::text[]) AND state = 'dead')`, [ids]);
      return (await tx.query(`UPDATE operations SET fields = '{}' WHERE id = ANY($1::text[]) AND ${ENDED}`, [ids])).rowCount ?? 0;
    });
  }
}
