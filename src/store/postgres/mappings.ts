import { toStoredMappingVersion, versionPage, versionsBefore, type MappingVersionRow } from '../mapping-rows.ts';
import type { MappingSaveResult, MappingStore, NewMappingVersion, StoredMappingVersion } from '../mapping-store.ts';
import type { Page } from '../store.ts';
import type { PostgresFacetContext } from './facet.ts';

/**
 * Numbers the new version one above the id's latest, only when the latest is the expected one
 * ($6, NULL: whichever). One statement, so one transaction: two saves racing on one id (READ
 * COMMITTED) both compute the same number; the second waits on the unique (mapping_id, version)
 * key until the first commits, then inserts nothing (`ON CONFLICT DO NOTHING`) instead of failing.
 * Rejected: `SELECT … FOR UPDATE` of the latest row, which locks nothing for an id with no version
 * yet (two first saves would both win), and an advisory lock per id, a second mechanism for what
 * the unique key already decides.
 */
const INSERT_NEXT = `INSERT INTO mapping_versions (mapping_id, version, body, format, deleted, author, origin, digest, created_at)
  SELECT $1, latest + 1, $2, $3, $4, $5, $7, $8, $9
  FROM (SELECT COALESCE(MAX(version), 0) AS latest FROM mapping_versions WHERE mapping_id = $1) AS l
  WHERE $6::integer IS NULL OR latest = $6::integer
  ON CONFLICT (mapping_id, version) DO NOTHING
  RETURNING *`;

/**
 * How often a save without `ifVersion` tries again when a concurrent save took the number it
 * computed: each try is a new statement that sees the other's commit, so one retry is the usual
 * case; the cap only bounds a storm of writers on one id (then it answers a conflict).
 */
const SAVE_ATTEMPTS = 10;

/** PostgreSQL's mapping versions (`Store.mappings`). */
export class PostgresMappings implements MappingStore {
  readonly #context: PostgresFacetContext;

  constructor(context: PostgresFacetContext) {
    this.#context = context;
  }

  async save(v: NewMappingVersion, options: { now: Date; ifVersion?: number }): Promise<MappingSaveResult> {
    const db = this.#context.db();
    const params = [v.mappingId, v.deleted ? null : (v.body ?? null), v.format, v.deleted, v.author, options.ifVersion ?? null, v.origin, v.digest, options.now.getTime()];
    for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
      const row = (await db.query<MappingVersionRow>(INSERT_NEXT, params)).rows[0];
      if (row) return { conflict: false, version: toStoredMappingVersion(row) };
      if (options.ifVersion !== undefined) break;
    }
    const latest = (await db.query<MappingVersionRow>('SELECT * FROM mapping_versions WHERE mapping_id = $1 ORDER BY version DESC LIMIT 1', [v.mappingId])).rows[0];
    return { conflict: true, ...(latest ? { latest: toStoredMappingVersion(latest) } : {}) };
  }

  async latest(): Promise<StoredMappingVersion[]> {
    const { rows } = await this.#context.db().query<MappingVersionRow>(`SELECT DISTINCT ON (mapping_id) * FROM mapping_versions
      ORDER BY mapping_id, version DESC`);
    // By id in code point order, as SQLite sorts (PostgreSQL's ORDER BY follows the database's collation).
    return rows.map(toStoredMappingVersion).sort((a, b) => (a.mappingId < b.mappingId ? -1 : a.mappingId > b.mappingId ? 1 : 0));
  }

  async versions(mappingId: string, query: { limit: number; after?: string }): Promise<Page<StoredMappingVersion>> {
    const { rows } = await this.#context.db().query<MappingVersionRow>('SELECT * FROM mapping_versions WHERE mapping_id = $1 AND version < $2::bigint ORDER BY version DESC LIMIT $3',
      [mappingId, versionsBefore(query.after), query.limit + 1]);
    return versionPage(rows, query.limit);
  }

  async get(mappingId: string, version: number): Promise<StoredMappingVersion | undefined> {
    if (!Number.isSafeInteger(version)) return undefined;
    const row = (await this.#context.db().query<MappingVersionRow>('SELECT * FROM mapping_versions WHERE mapping_id = $1 AND version = $2::bigint', [mappingId, version])).rows[0];
    return row ? toStoredMappingVersion(row) : undefined;
  }

  async changeMark(): Promise<number> {
    // The count, not MAX(seq): identities are handed out in statement order but become visible in
    // commit order, so a poller could read MAX 5 before 4 commits, and never see 4. Versions are
    // never removed, so the count grows by one with each commit, in commit order.
    const row = (await this.#context.db().query<{ n: string }>('SELECT COUNT(*) AS n FROM mapping_versions')).rows[0]!;
    return Number(row.n);
  }
}
