import type { StoredMappingVersion } from './mapping-store.ts';
import type { Page } from './store.ts';

// A `mapping_versions` row as both stores keep it, and what `Store.mappings` answers of it.

export interface MappingVersionRow {
  /** SQLite's rowid / PostgreSQL's identity: orders nothing the interface shows, pages nothing (version does). */
  seq: number | string;
  mapping_id: string;
  version: number | string;
  body: string | null;
  format: StoredMappingVersion['format'];
  /** SQLite answers 0/1, PostgreSQL a boolean. */
  deleted: boolean | number;
  author: string;
  origin: StoredMappingVersion['origin'];
  digest: string;
  /** Epoch ms (PostgreSQL's BIGINT may come as text). */
  created_at: number | string;
}

export function toStoredMappingVersion(row: MappingVersionRow): StoredMappingVersion {
  return {
    mappingId: row.mapping_id, version: Number(row.version),
    ...(row.body !== null ? { body: row.body } : {}),
    format: row.format, deleted: row.deleted === true || row.deleted === 1, author: row.author, origin: row.origin, digest: row.digest,
    createdAt: new Date(Number(row.created_at)).toISOString(),
  };
}

/** The version below which a page starts: a `next` token of an earlier page, or every version. An unreadable token starts after the end (an empty page). */
export function versionsBefore(after: string | undefined): number {
  if (after === undefined) return Number.MAX_SAFE_INTEGER;
  const version = Number(after);
  return Number.isSafeInteger(version) ? version : 0;
}

/** A page of `limit` versions from `limit + 1` rows, newest first: `next` is the last version shown. */
export function versionPage(rows: MappingVersionRow[], limit: number): Page<StoredMappingVersion> {
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map(toStoredMappingVersion);
  return { items, next: more ? String(items.at(-1)!.version) : null };
}
