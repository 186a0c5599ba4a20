import type { StoredEvent } from '../../model/index.ts';
import { resyncCounts, scopeRange, toStoredResync, type ResyncRow } from '../resync-rows.ts';
import type { NewResync, ResyncScope, ResyncStore, ScopePage, StoredResync } from '../resync-store.ts';
import { pageOf, toStoredEvent, type EventRow } from '../rows.ts';
import type { NewEvent, Page, PlannedEvent } from '../store.ts';
import type { SqliteFacetContext } from './facet.ts';
import { queueOperation } from './queue-plan.ts';
import type { Statements } from './statements.ts';

/**
 * Who an event is about, as SQL: the identity's key, an interaction's author, an erasure's user.
 * Exactly the expression of the `events_by_subject` index (migration 7), so lookups use it.
 */
export const SUBJECT_SQL = `(CASE kind
  WHEN 'identity' THEN json_extract(data, '$.key')
  WHEN 'interaction' THEN json_extract(data, '$.author.key')
  ELSE json_extract(data, '$.network') || ':' || json_extract(data, '$.subject.userId') END)`;

/** When an event happened, epoch ms: its `occurredAt` (an identity's `observedAt`), else when it was received. */
const HAPPENED_SQL = `COALESCE(CAST(ROUND((julianday(COALESCE(json_extract(data, '$.occurredAt'), json_extract(data, '$.observedAt'))) - 2440587.5) * 86400000) AS INTEGER), received_at)`;

/**
 * The scope as a WHERE clause over `events` and its parameters. Erasures are left out: they took
 * effect when they came (their tombstones stand), and a second delete would only fail.
 */
function scopeWhere(scope: ResyncScope): { where: string; params: unknown[] } {
  if ('identity' in scope) return { where: `kind != 'erasure' AND ${SUBJECT_SQL} = ?`, params: [scope.identity] };
  if ('events' in scope) return { where: `kind != 'erasure' AND id IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(scope.events)] };
  const range = scopeRange(scope);
  const clauses = [`kind != 'erasure'`, `json_extract(data, '$.network') = ?`];
  const params: unknown[] = [scope.network];
  if (range.since !== undefined) { clauses.push(`${HAPPENED_SQL} >= ?`); params.push(range.since); }
  if (range.until !== undefined) { clauses.push(`${HAPPENED_SQL} < ?`); params.push(range.until); }
  return { where: clauses.join(' AND '), params };
}

/** The embedded store's resync jobs (`Store.resyncs`). */
export class SqliteResyncs implements ResyncStore {
  readonly #context: SqliteFacetContext & { statements(): Statements };

  constructor(context: SqliteFacetContext & { statements(): Statements }) {
    this.#context = context;
  }

  #counts(id: string) {
    const rows = this.#context.db().prepare('SELECT state, COUNT(*) AS n FROM operations WHERE resync_id = ? GROUP BY state').all(id) as Array<{ state: string; n: number }>;
    return resyncCounts(rows);
  }

  #read(id: string): StoredResync | undefined {
    const row = this.#context.db().prepare('SELECT * FROM resyncs WHERE id = ?').get(id) as ResyncRow | undefined;
    return row ? toStoredResync(row, this.#counts(row.id)) : undefined;
  }

  async create(job: NewResync, options: { now: Date }): Promise<StoredResync> {
    this.#context.commit(() => {
      this.#context.db().prepare(`INSERT INTO resyncs (id, scope, destinations, mode, requested_by, state, created_at) VALUES (?, ?, ?, ?, ?, 'queued', ?)`)
        .run(job.id, JSON.stringify(job.scope), JSON.stringify(job.destinations), job.mode, job.requestedBy, options.now.getTime());
    });
    return this.#read(job.id)!;
  }

  async get(id: string): Promise<StoredResync | undefined> {
    return this.#read(id);
  }

  async list(query: { limit: number; after?: string }): Promise<Page<StoredResync>> {
    const rows = this.#context.db().prepare('SELECT * FROM resyncs WHERE seq < ? ORDER BY seq DESC LIMIT ?')
      .all(query.after !== undefined ? Number(query.after) : Number.MAX_SAFE_INTEGER, query.limit + 1) as Array<ResyncRow & { seq: number }>;
    return pageOf(rows, query.limit, (row) => toStoredResync(row, this.#counts(row.id)));
  }

  async claim(options: { owner: string; now: Date; leaseMs: number }): Promise<StoredResync | undefined> {
    const now = options.now.getTime();
    const id = this.#context.commit(() => {
      const db = this.#context.db();
      const row = db.prepare(`SELECT id FROM resyncs WHERE state = 'queued' OR (state = 'running' AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)) ORDER BY seq LIMIT 1`).get(now, options.owner) as { id: string } | undefined;
      if (!row) return undefined;
      db.prepare(`UPDATE resyncs SET state = 'running', started_at = COALESCE(started_at, ?), lease_owner = ?, lease_until = ? WHERE id = ?`).run(now, options.owner, now + options.leaseMs, row.id);
      return row.id;
    });
    return id === undefined ? undefined : this.#read(id);
  }

  async renew(id: string, options: { owner: string; now: Date; leaseMs: number }): Promise<boolean> {
    return this.#context.commit(() => this.#context.db().prepare(`UPDATE resyncs SET lease_until = ? WHERE id = ? AND lease_owner = ? AND state = 'running'`)
      .run(options.now.getTime() + options.leaseMs, id, options.owner).changes === 1);
  }

  async countScope(scope: ResyncScope): Promise<number> {
    const { where, params } = scopeWhere(scope);
    return (this.#context.db().prepare(`SELECT COUNT(*) AS n FROM events WHERE ${where}`).get(...params) as { n: number }).n;
  }

  async readScope(scope: ResyncScope, options: { cursor?: string; limit: number }): Promise<ScopePage> {
    const { where, params } = scopeWhere(scope);
    const rows = this.#context.db().prepare(`SELECT * FROM events WHERE seq > ? AND ${where} ORDER BY seq LIMIT ?`)
      .all(options.cursor !== undefined ? Number(options.cursor) : 0, ...params, options.limit) as Array<EventRow & { seq: number }>;
    const events: StoredEvent[] = rows.map(toStoredEvent);
    return { events, ...(rows.length > 0 ? { cursor: String(rows.at(-1)!.seq) } : options.cursor !== undefined ? { cursor: options.cursor } : {}) };
  }

  async storePulled(id: string, source: string, events: NewEvent[], options: { now: Date }): Promise<StoredEvent[]> {
    const now = options.now.getTime();
    const ids = this.#context.commit(() => {
      const db = this.#context.db();
      const existing = db.prepare('SELECT id FROM events WHERE source = ? AND event_key = ? ORDER BY seq LIMIT 1');
      const insert = db.prepare(`INSERT INTO events (id, source, kind, event_key, delivery_id, received_at, data, planned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
      return events.map((e) => {
        const stored = existing.get(source, e.key) as { id: string } | undefined;
        if (stored) return stored.id;
        insert.run(e.id, source, e.kind, e.key, `pull:${id}`, now, JSON.stringify(e.data), now);
        return e.id;
      });
    });
    const read = this.#context.db().prepare('SELECT * FROM events WHERE id = ?');
    return ids.map((eventId) => toStoredEvent(read.get(eventId) as EventRow));
  }

  async commitPage(id: string, page: { owner: string; plans: PlannedEvent[]; events: number; cursor?: string; planningDone: boolean; now: Date; total?: number }): Promise<boolean> {
    const now = page.now.getTime();
    return this.#context.commit(() => {
      const db = this.#context.db();
      const mine = db.prepare(`SELECT 1 FROM resyncs WHERE id = ? AND state = 'running' AND lease_owner = ?`).get(id, page.owner);
      if (!mine) return false;
      const s = this.#context.statements();
      const tag = db.prepare('UPDATE operations SET resync_id = ? WHERE id = ?');
      for (const plan of page.plans) {
        for (const op of plan.operations) {
          queueOperation(s, op, now);
          tag.run(id, op.id);
        }
      }
      db.prepare(`UPDATE resyncs SET events_done = events_done + ?, cursor = COALESCE(?, cursor), planning_done = ?, events_total = COALESCE(?, events_total) WHERE id = ?`)
        .run(page.events, page.cursor ?? null, page.planningDone ? 1 : 0, page.total ?? null, id);
      return true;
    });
  }

  async finish(id: string, options: { owner: string; now: Date; state: 'done' | 'failed'; error?: { code: string; message: string } }): Promise<boolean> {
    return this.#context.commit(() => this.#context.db().prepare(`UPDATE resyncs SET state = ?, finished_at = ?, error = ?, lease_owner = NULL, lease_until = NULL
      WHERE id = ? AND lease_owner = ? AND state = 'running'`).run(options.state, options.now.getTime(), options.error ? JSON.stringify(options.error) : null, id, options.owner).changes === 1);
  }

  async cancel(id: string, options: { now: Date }): Promise<StoredResync | undefined> {
    const now = options.now.getTime();
    this.#context.commit(() => {
      const db = this.#context.db();
      const changed = db.prepare(`UPDATE resyncs SET state = 'cancelled', finished_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ? AND state IN ('queued', 'running')`).run(now, id).changes;
      if (changed === 1) db.prepare(`UPDATE operations SET state = 'superseded', updated_at = ? WHERE resync_id = ? AND state = 'pending'`).run(now, id);
    });
    return this.#read(id);
  }
}
