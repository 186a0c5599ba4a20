import type { Database } from './database.ts';

/** What a part of the PostgreSQL store kept in a file of its own gets from `PostgresStore`. */
export interface PostgresFacetContext {
  /** The pool, once migrations ran. @throws PARLEY_STORE_UNAVAILABLE when the store is closed or not migrated */
  db(): Database;
}
