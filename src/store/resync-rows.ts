import type { ResyncCounts, ResyncScope, StoredResync } from './resync-store.ts';

// A `resyncs` row as both stores keep it (same columns), and a job's counts from its operations.

/** A `resyncs` row; integers may come back as strings from PostgreSQL's BIGINT, hence `Number(…)`. */
export interface ResyncRow {
  seq: number | string;
  id: string;
  scope: string;
  destinations: string;
  mode: StoredResync['mode'];
  requested_by: string;
  state: StoredResync['state'];
  created_at: number | string;
  started_at: number | string | null;
  finished_at: number | string | null;
  events_done: number | string;
  events_total: number | string | null;
  planning_done: number | boolean;
  cursor: string | null;
  error: string | null;
}

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

/** Counts from `SELECT state, COUNT(*) … GROUP BY state` over a job's operations. */
export function resyncCounts(byState: ReadonlyArray<{ state: string; n: number | string }>): ResyncCounts {
  const counts: ResyncCounts = { planned: 0, written: 0, failed: 0, skipped: 0, queued: 0 };
  for (const { state, n } of byState) {
    const count = Number(n);
    counts.planned += count;
    if (state === 'done') counts.written += count;
    else if (state === 'dead') counts.failed += count;
    else if (state === 'superseded') counts.skipped += count;
    else counts.queued += count;
  }
  return counts;
}

/** A row and its counts as `ResyncStore` answers them. */
export function toStoredResync(row: ResyncRow, counts: ResyncCounts): StoredResync {
  return {
    id: row.id, scope: JSON.parse(row.scope) as ResyncScope, destinations: JSON.parse(row.destinations) as string[], mode: row.mode,
    requestedBy: row.requested_by, state: row.state, createdAt: iso(row.created_at),
    ...(row.started_at !== null ? { startedAt: iso(row.started_at) } : {}),
    ...(row.finished_at !== null ? { finishedAt: iso(row.finished_at) } : {}),
    events: { done: Number(row.events_done), ...(row.events_total !== null ? { total: Number(row.events_total) } : {}) },
    planningDone: row.planning_done === true || row.planning_done === 1,
    ...(row.cursor !== null ? { cursor: row.cursor } : {}),
    counts,
    ...(row.error !== null ? { error: JSON.parse(row.error) as { code: string; message: string } } : {}),
  };
}

/** A scope's time range as epoch ms bounds (`since` inclusive, `until` exclusive); open ends are undefined. */
export function scopeRange(scope: ResyncScope): { since?: number; until?: number } {
  if (!('network' in scope)) return {};
  return {
    ...(scope.since !== undefined ? { since: Date.parse(scope.since) } : {}),
    ...(scope.until !== undefined ? { until: Date.parse(scope.until) } : {}),
  };
}
