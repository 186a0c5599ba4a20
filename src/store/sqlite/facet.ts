import type Database from 'better-sqlite3';

/**
 * What a part of the SQLite store kept in a file of its own (resync jobs, people, erasures, mapping
 * versions: the store's facets) gets from `SqliteStore`: the connection once migrations ran, and
 * write transactions that count for the store's commit health (`status().writable`).
 */
export interface SqliteFacetContext {
  /** @throws PARLEY_STORE_UNAVAILABLE when the store is closed or its migrations have not run */
  db(): Database.Database;
  /** Runs `work` in ONE write transaction, committed before it returns. @throws PARLEY_STORE_COMMIT_FAILED and the like, as every commit */
  commit<T>(work: () => T): T;
}
