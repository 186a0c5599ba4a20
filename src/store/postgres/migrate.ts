import pg from 'pg';
import { errors } from '../../errors.ts';
import { connectionConfig, unavailable } from './connection.ts';
import { migrations } from './migrations/index.ts';

/** The newest schema version this code knows. */
export const LATEST_VERSION = migrations.at(-1)?.version ?? 0;

/**
 * Creates the schema if missing and applies the pending migrations, each in its own transaction,
 * under a session advisory lock keyed by the schema and held for the whole run: instances starting
 * at once migrate once (the others wait, then find nothing left to apply).
 * @returns the versions applied now
 * @throws PARLEY_STORE_UNAVAILABLE when the database cannot be reached; PARLEY_STORE_MIGRATION_FAILED when a migration fails
 */
export async function migrateSchema(url: string, schema: string, onError: (err: Error) => void): Promise<{ applied: number[] }> {
  // A client of its own, not a pooled one: the lock is the session's, and ends with it.
  const client = new pg.Client(connectionConfig(url, schema));
  client.on('error', onError);
  try {
    await client.connect();
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`parley:${schema}:migrate`]);
    // `schema` matched [a-z_][a-z0-9_]*: safe to splice. search_path is set again since the
    // session's path named a schema that may not have existed when it connected.
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`SET search_path TO "${schema}"`);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    const current = await schemaVersion(client);
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      try {
        await client.query('BEGIN');
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, Date.now()]);
        await client.query('COMMIT');
      } catch (cause) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw errors.STORE_MIGRATION_FAILED({ version: migration.version, reason: (cause as Error).message }, { cause });
      }
      applied.push(migration.version);
    }
    return { applied };
  } catch (cause) {
    throw unavailable(cause);
  } finally {
    // Ending the session releases the advisory lock with it.
    await client.end().catch(() => undefined);
  }
}

/** The version the schema is at (0 before any migration). */
export async function schemaVersion(queryable: Pick<pg.ClientBase, 'query'>): Promise<number> {
  const result = await queryable.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
  return result.rows[0]?.version ?? 0;
}
