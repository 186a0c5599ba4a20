import { isAbsolute, join } from 'node:path';
import { storeDriver, type ParleyConfig } from '../config/schema.ts';
import type { Logger } from '../logging/logger.ts';
import { PostgresStore } from './postgres/postgres-store.ts';
import { WorkerSqliteStore } from './sqlite/worker-store.ts';
import type { Store } from './store.ts';

/**
 * Opens the store the config names: PostgreSQL (`store.postgres.url`, or `driver: postgres`) for
 * several instances sharing one database, otherwise the embedded SQLite, whose relative file lives
 * under the data folder and which runs on a worker thread.
 */
export function createStore(config: ParleyConfig['store'], dataDir: string, logger?: Logger): Store {
  if (storeDriver(config) === 'postgres') {
    return new PostgresStore({
      url: config.postgres.url, schema: config.postgres.schema, poolSize: config.postgres.poolSize,
      // A dropped connection (a restart, a failover) is logged, not thrown: the pool reconnects.
      onError: (err) => logger?.warn({ err: { message: err.message, code: (err as NodeJS.ErrnoException).code } }, 'PostgreSQL connection error; reconnecting'),
    });
  }
  const file = isAbsolute(config.sqlite.file) ? config.sqlite.file : join(dataDir, config.sqlite.file);
  return new WorkerSqliteStore({ file, synchronous: config.sqlite.synchronous });
}
