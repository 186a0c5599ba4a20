import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const folders: string[] = [];

/** A fresh folder under the system's temporary folder, removed by `removeTempDirs`. */
export const tempDir = (prefix: string) => { const dir = mkdtempSync(join(tmpdir(), prefix)); folders.push(dir); return dir; };

/** Removes every folder `tempDir` made (in this test file's process) so far. */
export function removeTempDirs() {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
}
