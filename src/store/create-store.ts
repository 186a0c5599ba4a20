import { isAbsolute, join } from 'node:path';
import type { ParleyConfig } from '../config/schema.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

/** Opens the store the config names; a relative SQLite file lives under the data folder. */
export function createStore(config: ParleyConfig['store'], dataDir: string): Store {
  const file = isAbsolute(config.sqlite.file) ? config.sqlite.file : join(dataDir, config.sqlite.file);
  return new SqliteStore({ file, synchronous: config.sqlite.synchronous });
}
