import { closeSync, existsSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errors } from '../../errors.ts';

// What the OS codes mean for an operator, in the words they would search for.
const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  ENOENT: 'a part of the path does not exist',
  ELOOP: 'too many symbolic links in the path',
  ENAMETOOLONG: 'the path is too long',
};

/**
 * Makes sure the store's folder exists and this process can create files in it, before SQLite
 * opens anything. SQLite itself would only say "unable to open database file"; this names the
 * folder and the OS's reason. A probe file is created and removed rather than asking `access()`,
 * which answers yes to root even where writing fails (a read-only mount), and says nothing of a
 * path through a regular file.
 * @throws PARLEY_STORE_DATA_DIR_UNWRITABLE naming the folder, the path that failed and the OS code
 */
export function ensureWritableFolder(folder: string, databaseFile: string): void {
  const fail = (path: string, cause: NodeJS.ErrnoException): never => {
    const systemCode = cause.code ?? 'UNKNOWN';
    throw errors.STORE_DATA_DIR_UNWRITABLE({ folder, path, systemCode, reason: reasonFor(folder, path, cause) }, { cause });
  };
  try {
    makeFolder(folder);
  } catch (cause) {
    fail(folder, cause as NodeJS.ErrnoException);
  }
  const probe = join(folder, `.parley-write-check-${process.pid}`);
  try {
    closeSync(openSync(probe, 'w'));
    unlinkSync(probe);
  } catch (cause) {
    fail(folder, cause as NodeJS.ErrnoException);
  }
  // A database file the folder holds but this user may not write: SQLite would open it read-only
  // without a word, and fail at the first commit.
  try {
    closeSync(openSync(databaseFile, 'r+'));
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') fail(databaseFile, cause as NodeJS.ErrnoException);
  }
}

function reasonFor(folder: string, path: string, cause: NodeJS.ErrnoException): string {
  const code = cause.code ?? '';
  // ENOTDIR (or EEXIST from mkdir) means some part of the path is a file: name which one.
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    const file = firstNonFolder(path);
    if (file) return `${file} is a file, not a folder (${code})`;
  }
  const reason = `${REASONS[code] ?? cause.message} (${code || 'no code'})`;
  // The folder is in the message already; a file in it (the database) is named.
  return path === folder ? reason : `${path}: ${reason}`;
}

/** The first existing path from the root down to `path` that is not a folder, if any. */
function firstNonFolder(path: string): string | undefined {
  const chain: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    chain.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const p of chain) {
    try {
      if (!statSync(p).isDirectory()) return p;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * `mkdir -p`, one level at a time. Node 20's `mkdirSync(path, { recursive: true })` never returns
 * under /proc (it spins on ENOENT), so a mistaken PARLEY_DATA_DIR there hung start-up for good.
 */
function makeFolder(folder: string): void {
  const missing: string[] = [];
  for (let at = folder; !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') throw cause;
    }
  }
}
