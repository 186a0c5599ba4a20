import pg from 'pg';
import { errors, isParleyError } from '../../errors.ts';

/** Options of the PostgreSQL store. */
export interface PostgresStoreOptions {
  /** `postgres://user@host:5432/database`; a password in it is never repeated in an error. */
  url: string;
  /** The schema holding this store's tables (created by `migrate`): `[a-z_][a-z0-9_]*`, at most 63 characters. Default `public`. */
  schema?: string;
  /** Most pooled connections. Default 10. Two more are dedicated: the lead holder and the wake-up listener. */
  poolSize?: number;
  /** Connection-level errors (a backend terminated, the server restarted), for logging: the store reconnects by itself. */
  onError?: (err: Error) => void;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
// pg_type oid of BIGINT. Epoch-ms times, seqs and COUNT(*) are BIGINT: read as numbers (all stay
// far below 2^53), not as pg's default strings.
const INT8_OID = 20;

/** Type parsers of every connection of the store: BIGINT as a JS number. Scoped to the store, never pg's global table. */
const storeTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * The schema name, checked: it is spliced into SQL (`CREATE SCHEMA`) and the connection options.
 * @throws PARLEY_STORE_UNAVAILABLE when it is not a plain lower-case identifier
 */
export function checkedSchema(schema: string | undefined): string {
  const name = schema ?? 'public';
  if (!SCHEMA_NAME.test(name)) throw errors.STORE_UNAVAILABLE({ reason: `the schema name ${JSON.stringify(name)} is not [a-z_][a-z0-9_]* (at most 63 characters)` });
  return name;
}

/**
 * Connection settings shared by the pool and the dedicated clients: every connection's search_path
 * is the store's schema, so the SQL names tables unqualified, and it shows in pg_stat_activity.
 */
export function connectionConfig(url: string, schema: string): pg.ClientConfig {
  return {
    connectionString: url,
    options: `-c search_path=${schema}`,
    application_name: `parley:${schema}`.slice(0, 63),
    types: storeTypes,
    keepAlive: true,
    connectionTimeoutMillis: 10_000,
  };
}

/**
 * What went wrong, in the database's or the socket's words. Node reports a refused connection to a
 * name with several addresses as an AggregateError with an empty message: its first error speaks.
 */
export function describeFailure(cause: unknown): string {
  if (cause instanceof AggregateError && !cause.message && cause.errors[0] !== undefined) return describeFailure(cause.errors[0]);
  if (cause instanceof Error) return cause.message || (cause as Error & { code?: string }).code || cause.name;
  return String(cause);
}

/** A failure as the store reports it (PARLEY_STORE_UNAVAILABLE, unless it is a Parley error already): never the connection URL. */
export function unavailable(cause: unknown): Error {
  if (isParleyError(cause)) return cause;
  return errors.STORE_UNAVAILABLE({ reason: describeFailure(cause) }, { cause });
}
