import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** What an instance id may hold: it names leases in the store and appears in logs. */
export const INSTANCE_ID = /^[A-Za-z0-9._:@-]{1,200}$/;

/** The file in the data folder that keeps the default instance id across restarts. */
export const INSTANCE_ID_FILE = 'instance-id';

/**
 * This instance's stable name, the owner of its leases in the outbox. A process that starts under
 * the id of one that died (a crash, a SIGKILL, an OOM kill) takes its leases over at once instead
 * of waiting for them to expire (`Store.releaseLeases` at start-up).
 *
 * `PARLEY_INSTANCE_ID` when set; otherwise an id kept in `<dataDir>/instance-id`, made once
 * (`<hostname>-<random>`) and read back on every start. Why the data folder and not the host name
 * alone: a container gets a new host name when it is recreated, while its data folder (a volume)
 * stays; and several instances sharing one store (PostgreSQL) on hosts that look alike (the same
 * image, the same `/data` path) still get different ids, as each has its own data folder. Two
 * processes running at once must never share an id: each would hand the other's in-flight writes
 * back at its start, and they could be written twice. When the file cannot be kept, the id is
 * `<hostname>:<pid>`: safe, but a restart then waits for the old leases to expire.
 * @returns the id and where it came from (`env`, `file`, or `process` for the fallback)
 */
export function instanceId(fromEnv: string | undefined, dataDir: string): { id: string; from: 'env' | 'file' | 'process' } {
  if (fromEnv) return { id: fromEnv, from: 'env' };
  const file = join(dataDir, INSTANCE_ID_FILE);
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (INSTANCE_ID.test(kept)) return { id: kept, from: 'file' };
  } catch {
    // Not made yet: made below.
  }
  try {
    const made = `${hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 100)}-${randomUUID()}`;
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, made + '\n', { flag: 'wx' });
    return { id: made, from: 'file' };
  } catch (cause) {
    // Another process made it first (EEXIST): theirs is the folder's id.
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') {
      const kept = readFileSync(file, 'utf8').trim();
      if (INSTANCE_ID.test(kept)) return { id: kept, from: 'file' };
    }
    return { id: `${hostname()}:${process.pid}`, from: 'process' };
  }
}
