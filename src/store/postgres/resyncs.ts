import { resyncCounts, scopeRange, toStoredResync, type ResyncRow } from '../resync-rows.ts';
import type { NewResync, ResyncScope, ResyncStore, ScopePage, StoredResync } from '../resync-store.ts';
import { pageOf, toStoredEvent, type EventRow } from '../rows.ts';
import type { NewEvent, Page, PlannedEvent } from '../store.ts';
import type { StoredEvent } from '../../model/index.ts';
import type { Database } from './database.ts';
import type { PostgresFacetContext } from './facet.ts';
import { OperationQueue } from './operation-queue.ts';

/** Who an event is about; exactly the expression of the `events_by_subject` index (migration 4). */
const SUBJECT_SQL = `(CASE kind
  WHEN 'identity' THEN data::jsonb ->> 'key'
  WHEN 'interaction' THEN data::jsonb -> 'author' ->> 'key'
  ELSE (data::jsonb ->> 'network') || ':' || (data::jsonb -> 'subject' ->> 'userId') END)`;

/** When an event happened, epoch ms: `occurredAt` (an identity's `observedAt`), else when it was received. */
const HAPPENED_SQL = `COALESCE((EXTRACT(EPOCH FROM (COALESCE(data::jsonb ->> 'occurredAt', data::jsonb ->> 'observedAt'))::timestamptz) * 1000)::bigint, received_at)`;

/** The scope as a WHERE clause from parameter `$first` on; erasures left out (see sqlite/resyncs.ts). */
function scopeWhere(scope: ResyncScope, first: number): { where: string; params: unknown[] } {
  if ('identity' in scope) return { where: `kind != 'erasure' AND ${SUBJECT_SQL} = $${first}`, params: [scope.identity] };
  if ('events' in scope) return { where: `kind != 'erasure' AND id = ANY($${first}::text[])`, params: [scope.events] };
  const range = scopeRange(scope);
  const clauses = [`kind != 'erasure'`, `data::jsonb ->> 'network' = $${first}`];
  const params: unknown[] = [scope.network];
  if (range.since !== undefined) { params.push(range.since); clauses.push(`${HAPPENED_SQL} >= $${first + params.length - 1}`); }
  if (range.until !== undefined) { params.push(range.until); clauses.push(`${HAPPENED_SQL} < $${first + params.length - 1}`); }
  return { where: clauses.join(' AND '), params };
}

/** PostgreSQL's resync jobs (`Store.resyncs`); several instances may claim, one holds a job at a time. */
export class PostgresResyncs implements ResyncStore {
  readonly #context: PostgresFacetContext;

  constructor(context: PostgresFacetContext) {
    this.#context = context;
  }

  async #withCounts(db: Database, rows: ResyncRow[]): Promise<StoredResync[]> {
    if (rows.length === 0) return [];
    const { rows: counted } = await db.query<{ resync_id: string; state: string; n: string }>(`SELECT resync_id, state, COUNT(*) AS n FROM operations
      WHERE resync_id = ANY($1::text[]) GROUP BY resync_id, state`, [rows.map((r) => r.id)]);
    return rows.map((row) => toStoredResync(row, resyncCounts(counted.filter((c) => c.resync_id === row.id))));
  }

  async #read(id: string): Promise<StoredResync | undefined> {
    const db = this.#context.db();
    const { rows } = await db.query<ResyncRow>('SELECT * FROM resyncs WHERE id = $1', [id]);
    return (await this.#withCounts(db, rows))[0];
  }

  async create(job: NewResync, options: { now: Date }): Promise<StoredResync> {
    await this.#context.db().query(`INSERT INTO resyncs (id, scope, destinations, mode, requested_by, state, created_at) VALUES ($1, $2, $3, $4, $5, 'queued', $6)`,
      [job.id, JSON.stringify(job.scope), JSON.stringify(job.destinations), job.mode, job.requestedBy, options.now.getTime()]);
    return (await this.#read(job.id))!;
  }

  async get(id: string): Promise<StoredResync | undefined> {
    return this.#read(id);
  }

  async list(query: { limit: number; after?: string }): Promise<Page<StoredResync>> {
    const db = this.#context.db();
    const { rows } = await db.query<ResyncRow & { seq: number }>('SELECT * FROM resyncs WHERE seq < $1 ORDER BY seq DESC LIMIT $2',
      [query.after !== undefined ? Number(query.after) : Number.MAX_SAFE_INTEGER, query.limit + 1]);
    const page = pageOf(rows.map((r) => ({ ...r, seq: Number(r.seq) })), query.limit, (r) => r);
    return { items: await this.#withCounts(db, page.items), next: page.next };
  }

  async claim(options: { owner: string; now: Date; leaseMs: number }): Promise<StoredResync | undefined> {
    const now = options.now.getTime();
    const { rows } = await this.#context.db().query<{ id: string }>(`UPDATE resyncs SET state = 'running', started_at = COALESCE(started_at, $1), lease_owner = $2, lease_until = $3
      WHERE id = (SELECT id FROM resyncs WHERE state = 'queued' OR (state = 'running' AND (lease_until IS NULL OR lease_until < $1 OR lease_owner = $2))
        ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id`, [now, options.owner, now + options.leaseMs]);
    return rows[0] ? this.#read(rows[0].id) : undefined;
  }

  async renew(id: string, options: { owner: string; now: Date; leaseMs: number }): Promise<boolean> {
    const result = await this.#context.db().query(`UPDATE resyncs SET lease_until = $1 WHERE id = $2 AND lease_owner = $3 AND state = 'running'`,
      [options.now.getTime() + options.leaseMs, id, options.owner]);
    return result.rowCount === 1;
  }

  async countScope(scope: ResyncScope): Promise<number> {
    const { where, params } = scopeWhere(scope, 1);
    const { rows } = await this.#context.db().query<{ n: string }>(`SELECT COUNT(*) AS n FROM events WHERE ${where}`, params);
    return Number(rows[0]?.n ?? 0);
  }

  async readScope(scope: ResyncScope, options: { cursor?: string; limit: number }): Promise<ScopePage> {
    const { where, params } = scopeWhere(scope, 3);
    const { rows } = await this.#context.db().query<EventRow & { seq: string }>(`SELECT * FROM events WHERE seq > $1 AND ${where} ORDER BY seq LIMIT $2`,
      [options.cursor !== undefined ? Number(options.cursor) : 0, options.limit, ...params]);
    return { events: rows.map(toStoredEvent), ...(rows.length > 0 ? { cursor: String(rows.at(-1)!.seq) } : options.cursor !== undefined ? { cursor: options.cursor } : {}) };
  }

  async storePulled(id: string, source: string, events: NewEvent[], options: { now: Date }): Promise<StoredEvent[]> {
    const now = options.now.getTime();
    return this.#context.db().transaction(async (tx) => {
      // One pull at a time per source and key: two jobs pulling the same item store it once.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`pull:${source}`]);
      const out: StoredEvent[] = [];
      for (const e of events) {
        const found = (await tx.query<EventRow>('SELECT * FROM events WHERE source = $1 AND event_key = $2 ORDER BY seq LIMIT 1', [source, e.key])).rows[0];
        if (found) { out.push(toStoredEvent(found)); continue; }
        const { rows } = await tx.query<EventRow>(`INSERT INTO events (id, source, kind, event_key, delivery_id, received_at, data, planned_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $6) RETURNING *`,
          [e.id, source, e.kind, e.key, `pull:${id}`, now, JSON.stringify(e.data)]);
        out.push(toStoredEvent(rows[0]!));
      }
      return out;
    });
  }

  async commitPage(id: string, page: { owner: string; plans: PlannedEvent[]; events: number; cursor?: string; planningDone: boolean; now: Date; total?: number }): Promise<boolean> {
    const now = page.now.getTime();
    return this.#context.db().transaction(async (tx) => {
      // Locked: a cancel waits for this page, or this page sees the cancel and queues nothing.
      const { rows } = await tx.query(`SELECT 1 FROM resyncs WHERE id = $1 AND state = 'running' AND lease_owner = $2 FOR UPDATE`, [id, page.owner]);
      if (rows.length === 0) return false;
      const operations = page.plans.flatMap((p) => p.operations);
      const queue = new OperationQueue(tx, now);
      await queue.prefetch(operations);
      for (const op of operations) await queue.queue(op);
      await queue.flush();
      if (operations.length > 0) await tx.query('UPDATE operations SET resync_id = $1 WHERE id = ANY($2::text[])', [id, operations.map((op) => op.id)]);
      if (queue.pending > 0) tx.wake('operations');
      await tx.query(`UPDATE resyncs SET events_done = events_done + $1, cursor = COALESCE($2, cursor), planning_done = $3, events_total = COALESCE($4, events_total) WHERE id = $5`,
        [page.events, page.cursor ?? null, page.planningDone, page.total ?? null, id]);
      return true;
    });
  }

  async finish(id: string, options: { owner: string; now: Date; state: 'done' | 'failed'; error?: { code: string; message: string } }): Promise<boolean> {
    const result = await this.#context.db().query(`UPDATE resyncs SET state = $1, finished_at = $2, error = $3, lease_owner = NULL, lease_until = NULL
      WHERE id = $4 AND lease_owner = $5 AND state = 'running'`, [options.state, options.now.getTime(), options.error ? JSON.stringify(options.error) : null, id, options.owner]);
    return result.rowCount === 1;
  }

  async cancel(id: string, options: { now: Date }): Promise<StoredResync | undefined> {
    const now = options.now.getTime();
    await this.#context.db().transaction(async (tx) => {
      const changed = await tx.query(`UPDATE resyncs SET state = 'cancelled', finished_at = $1, lease_owner = NULL, lease_until = NULL WHERE id = $2 AND state IN ('queued', 'running')`, [now, id]);
      if (changed.rowCount === 1) await tx.query(`UPDATE operations SET state = 'superseded', updated_at = $1 WHERE resync_id = $2 AND state = 'pending'`, [now, id]);
    });
    return this.#read(id);
  }
}
