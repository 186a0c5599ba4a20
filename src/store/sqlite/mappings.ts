import { toStoredMappingVersion, versionPage, versionsBefore, type MappingVersionRow } from '../mapping-rows.ts';
import type { MappingSaveResult, MappingStore, NewMappingVersion, StoredMappingVersion } from '../mapping-store.ts';
import type { Page } from '../store.ts';
import type { SqliteFacetContext } from './facet.ts';

/**
 * Numbers the new version one above the id's latest, only when the latest is the expected one
 * (`@ifVersion`, NULL: whichever); nothing is inserted on a mismatch. `ON CONFLICT` keeps the
 * statement the same as PostgreSQL's (the WHERE also resolves SQLite's INSERT…SELECT…ON CONFLICT
 * parsing ambiguity).
 */
const INSERT_NEXT = `INSERT INTO mapping_versions (mapping_id, version, body, format, deleted, author, origin, digest, created_at)
  SELECT @mappingId, latest + 1, @body, @format, @deleted, @author, @origin, @digest, @createdAt
  FROM (SELECT COALESCE(MAX(version), 0) AS latest FROM mapping_versions WHERE mapping_id = @mappingId)
  WHERE @ifVersion IS NULL OR latest = @ifVersion
  ON CONFLICT (mapping_id, version) DO NOTHING
  RETURNING *`;

const LATEST_OF = 'SELECT * FROM mapping_versions WHERE mapping_id = ? ORDER BY version DESC LIMIT 1';

/** The embedded store's mapping versions (`Store.mappings`). */
export class SqliteMappings implements MappingStore {
  readonly #context: SqliteFacetContext;

  constructor(context: SqliteFacetContext) {
    this.#context = context;
  }

  async save(v: NewMappingVersion, options: { now: Date; ifVersion?: number }): Promise<MappingSaveResult> {
    const now = options.now.getTime();
    return this.#context.commit(() => {
      const db = this.#context.db();
      const insert = db.prepare(INSERT_NEXT);
      const params = {
        mappingId: v.mappingId, body: v.deleted ? null : (v.body ?? null), format: v.format, deleted: v.deleted ? 1 : 0, author: v.author,
        origin: v.origin, digest: v.digest, createdAt: now, ifVersion: options.ifVersion ?? null,
      };
      // A write transaction on SQLite is alone on the database (a second process waits, or fails
      // busy): the number computed is free, and no row means only an `ifVersion` mismatch.
      const row = insert.get(params) as MappingVersionRow | undefined;
      if (row) return { conflict: false as const, version: toStoredMappingVersion(row) };
      const latest = db.prepare(LATEST_OF).get(v.mappingId) as MappingVersionRow | undefined;
      return { conflict: true as const, ...(latest ? { latest: toStoredMappingVersion(latest) } : {}) };
    });
  }

  async latest(): Promise<StoredMappingVersion[]> {
    const rows = this.#context.db().prepare(`SELECT m.* FROM mapping_versions m
      JOIN (SELECT mapping_id, MAX(version) AS version FROM mapping_versions GROUP BY mapping_id) l ON l.mapping_id = m.mapping_id AND l.version = m.version
      ORDER BY m.mapping_id`).all() as MappingVersionRow[];
    return rows.map(toStoredMappingVersion);
  }

  async versions(mappingId: string, query: { limit: number; after?: string }): Promise<Page<StoredMappingVersion>> {
    const rows = this.#context.db().prepare('SELECT * FROM mapping_versions WHERE mapping_id = ? AND version < ? ORDER BY version DESC LIMIT ?')
      .all(mappingId, versionsBefore(query.after), query.limit + 1) as MappingVersionRow[];
    return versionPage(rows, query.limit);
  }

  async get(mappingId: string, version: number): Promise<StoredMappingVersion | undefined> {
    const row = this.#context.db().prepare('SELECT * FROM mapping_versions WHERE mapping_id = ? AND version = ?').get(mappingId, version) as MappingVersionRow | undefined;
    return row ? toStoredMappingVersion(row) : undefined;
  }

  async changeMark(): Promise<number> {
    // The count, as on PostgreSQL (postgres/mappings.ts says why): versions are never removed.
    return (this.#context.db().prepare('SELECT COUNT(*) AS n FROM mapping_versions').get() as { n: number }).n;
  }
}
