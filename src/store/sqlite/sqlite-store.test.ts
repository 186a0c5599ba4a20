import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeStoreContract } from '../contract.ts';
import { SqliteStore } from './sqlite-store.ts';
import { WorkerSqliteStore } from './worker-store.ts';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'parley-store-')), 'parley.db');

describeStoreContract('SQLite', async () => {
  const file = tempFile();
  const store = new SqliteStore({ file, synchronous: 'full' });
  await store.migrate();
  return { store, reopen: async () => new SqliteStore({ file, synchronous: 'full' }) };
});

describeStoreContract('SQLite on a worker thread', async () => {
  const file = tempFile();
  const store = new WorkerSqliteStore({ file, synchronous: 'full' });
  await store.migrate();
  return { store, reopen: async () => new WorkerSqliteStore({ file, synchronous: 'full' }) };
});

it('runs SQLite in WAL mode', async () => {
  const file = tempFile();
  const store = new WorkerSqliteStore({ file, synchronous: 'full' });
  await store.migrate();
  await store.close();
  const db = new Database(file, { readonly: true });
  expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  db.close();
});
