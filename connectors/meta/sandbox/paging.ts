/**
 * An edge's list parameters and its cursor paging, as the Graph API pages edges
 * (developers.facebook.com/docs/graph-api/results, "Cursor-based Pagination"): `limit`, `after`,
 * `before`, and `since`/`until` (a Unix timestamp or a strtotime()-style date; the sandbox takes
 * epoch seconds or ISO 8601). An answer is `{"data": [...], "paging": {"cursors": {"before",
 * "after"}, "previous"?, "next"?}}`; `next` is absent on the last page, `previous` on the first.
 * Cursors are opaque to clients: here, base64 of an item's id.
 */
import { invalidParameter, type GraphError } from './wire.ts';

type Query = Readonly<Record<string, string | string[] | undefined>>;

/** The Graph API's default page size. */
export const DEFAULT_LIMIT = 25;

/** What an edge request asks for. Times are epoch ms. */
export interface ListQuery {
  limit: number;
  after?: string;
  before?: string;
  since?: number;
  until?: number;
}

export function one(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value.at(-1) : value;
}

export function cursorOf(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64');
}

function idOf(cursor: string): string | undefined {
  const id = Buffer.from(cursor, 'base64').toString('utf8');
  return /^[0-9_]{1,64}$/.test(id) ? id : undefined;
}

function time(query: Query, name: string): number | undefined | GraphError {
  const raw = one(query, name);
  if (raw === undefined) return undefined;
  if (/^\d{1,12}$/.test(raw)) return Number(raw) * 1000;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(raw) : Number.NaN;
  return Number.isNaN(ms) ? invalidParameter(name, 'must be a Unix timestamp or a date') : ms;
}

const isError = (value: unknown): value is GraphError => typeof value === 'object' && value !== null && 'code' in value;

/** An edge's list parameters, or the error the sandbox answers. */
export function listQuery(query: Query, maxLimit: number): ListQuery | { error: GraphError } {
  const rawLimit = one(query, 'limit');
  const limit = rawLimit === undefined ? DEFAULT_LIMIT : Number(rawLimit);
  if (!/^\d+$/.test(rawLimit ?? '1') || limit < 1) return { error: invalidParameter('limit', 'must be a positive integer') };
  const since = time(query, 'since');
  const until = time(query, 'until');
  if (isError(since)) return { error: since };
  if (isError(until)) return { error: until };
  const [after, before] = [one(query, 'after'), one(query, 'before')];
  for (const [name, cursor] of [['after', after], ['before', before]] as const) {
    if (cursor !== undefined && idOf(cursor) === undefined) return { error: invalidParameter(name, 'is not a valid cursor') };
  }
  return {
    // A limit above an edge's most is lowered to it, not refused (the paging links then say the truth).
    limit: Math.min(limit, maxLimit),
    ...(after !== undefined ? { after: idOf(after)! } : {}), ...(before !== undefined ? { before: idOf(before)! } : {}),
    ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}),
  };
}

/** Items (already in the edge's order) narrowed to `since`/`until` (inclusive), by `created_time` in epoch ms. */
export function inRange<T extends { created_time: number }>(items: readonly T[], query: ListQuery): T[] {
  return items.filter((item) => (query.since === undefined || item.created_time >= query.since)
    && (query.until === undefined || item.created_time <= query.until));
}

/**
 * One page of `items` and its `paging`: after the `after` cursor's item (or before `before`'s),
 * `limit` of them. `link(cursor)` builds a `next`/`previous` URL.
 */
export function page<T extends { id: string }>(items: readonly T[], query: ListQuery, link: (name: 'after' | 'before', cursor: string) => string): {
  data: T[]; paging?: Record<string, unknown>;
} {
  let start = 0;
  let end = items.length;
  if (query.after !== undefined) start = items.findIndex((item) => item.id === query.after) + 1;
  if (query.before !== undefined) {
    end = Math.max(0, items.findIndex((item) => item.id === query.before));
    start = Math.max(0, end - query.limit);
  }
  // A cursor whose item is gone: Meta's docs say such a cursor is invalid; the sandbox gives an empty page.
  if (start === 0 && query.after !== undefined) return { data: [] };
  const data = items.slice(start, Math.min(end, start + query.limit));
  if (data.length === 0) return { data };
  const first = cursorOf(data[0]!.id);
  const last = cursorOf(data.at(-1)!.id);
  return {
    data,
    paging: {
      cursors: { before: first, after: last },
      ...(start > 0 ? { previous: link('before', first) } : {}),
      ...(start + data.length < items.length ? { next: link('after', last) } : {}),
    },
  };
}
