import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Store } from '../store.ts';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store.ts';
import { WorkerSqliteStore } from './worker-store.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 'parley-store-fail-'));
const delivery = (id: string) => ({ id, source: 'x', receivedAt: new Date(), contentType: 'application/json', body: Buffer.alloc(16 * 1024, 'x') });

/** Polls `check` until it holds or `timeoutMs` passes. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not so within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each([
  ['in-thread', (o: SqliteStoreOptions): Store => new SqliteStore(o)],
  ['on a worker thread', (o: SqliteStoreOptions): Store => new WorkerSqliteStore(o)],
])('a SQLite store (%s) that cannot commit', (_name, open) => {
  it('reports not writable while commits fail, and writable again once there is room', async () => {
    const file = join(tempDir(), 'parley.db');
    // The size cap stands in for a full disk: commits fail with the same SQLITE_FULL.
    const store = open({ file, synchronous: 'normal', maxPageCount: 100 });
    try {
      await store.migrate();
      expect((await store.status()).writable).toBe(true);
      let failure: unknown;
      for (let i = 0; i < 100 && failure === undefined; i++) await store.appendDeliveries([delivery(`d${i}`)]).catch((error: unknown) => { failure = error; });
      expect(failure).toMatchObject({ code: 'PARLEY_STORE_UNAVAILABLE' });
      expect(await store.status()).toMatchObject({ open: true, writable: false, writeError: 'database or disk is full' });
      // The dispatcher's rounds still commit (updates in place, or nothing): that proves no room.
      await store.claimOperations('salesforce', { owner: 'a', now: new Date(), leaseMs: 1000, limit: 10 });
      expect((await store.status()).writable).toBe(false);

      // Room again, as when an operator frees disk space; no commit needed for the status to recover.
      const other = new Database(file);
      other.prepare('DELETE FROM deliveries').run();
      other.close();
      await eventually(async () => (await store.status()).writable);
      expect(await store.status()).not.toHaveProperty('writeError');
      await store.appendDeliveries([delivery('after')]);
    } finally {
      await store.close();
    }
  });
});

describe('a data folder that cannot be written', () => {
  it('names the folder and the file in its path (ENOTDIR)', async () => {
    const file = join(tempDir(), 'not-a-folder');
    writeFileSync(file, '');
    const folder = join(file, 'data');
    expect(() => new SqliteStore({ file: join(folder, 'parley.db'), synchronous: 'full' })).toThrow(expect.objectContaining({
      code: 'PARLEY_STORE_DATA_DIR_UNWRITABLE',
      message: `The data folder ${folder} cannot be written: ${file} is a file, not a folder (ENOTDIR)`,
      details: expect.objectContaining({ folder, systemCode: 'ENOTDIR' }),
    }));
  });

  it('a folder under /proc fails at once instead of hanging start-up', () => {
    expect(() => new SqliteStore({ file: '/proc/parley-no-such/parley.db', synchronous: 'full' })).toThrow(expect.objectContaining({
      code: 'PARLEY_STORE_DATA_DIR_UNWRITABLE', details: expect.objectContaining({ folder: '/proc/parley-no-such' }),
    }));
  });

  it('makes the missing folders of a nested path', () => {
    const folder = join(tempDir(), 'a', 'b', 'c');
    const store = new SqliteStore({ file: join(folder, 'parley.db'), synchronous: 'full' });
    expect(existsSync(folder)).toBe(true);
    return store.close();
  });

  it('reaches the main thread with its code from the store worker, and closing it does not hide it', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    const store = new WorkerSqliteStore({ file: join(file, 'parley.db'), synchronous: 'full' });
    await expect(store.migrate()).rejects.toMatchObject({ code: 'PARLEY_STORE_DATA_DIR_UNWRITABLE', details: { folder: file } });
    await store.close();
  });

  // Root writes through permission bits: only an unprivileged user sees EACCES.
  it.skipIf(process.getuid?.() === 0)('says permission denied (EACCES)', () => {
    const folder = join(tempDir(), 'locked');
    mkdirSync(folder);
    chmodSync(folder, 0o500);
    expect(() => new SqliteStore({ file: join(folder, 'parley.db'), synchronous: 'full' })).toThrow(expect.objectContaining({
      code: 'PARLEY_STORE_DATA_DIR_UNWRITABLE', details: expect.objectContaining({ folder, systemCode: 'EACCES', reason: 'permission denied (EACCES)' }),
    }));
  });
});
