import { isAbsolute, join } from 'node:path';
import type { ParleyConfig } from '../config/schema.ts';
import { WorkerSqliteStore } from './sqlite/worker-store.ts';
import type { Store } from './store.ts';

/** Opens the store the config names; a relative SQLite file lives under the data folder. SQLite runs on a worker thread. */
export function createStore(config: ParleyConfig['store'], dataDir: string): Store {
  const file = isAbsolute(config.sqlite.file) ? config.sqlite.file : join(dataDir, config.sqlite.file);
  return new WorkerSqliteStore({ file, synchronous: config.sqlite.synchronous });
}
