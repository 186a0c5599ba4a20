import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

/** Runs the service from its sources until it exits; resolves with its status and what it wrote to stderr. */
function runParley(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', PARLEY_CONFIG: '', ...env },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
}

describe('a data folder that cannot be written', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'parley-data-dir-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  // A path through a regular file fails for root too, unlike a chmod'ed folder.
  it('stops start-up with one line naming the folder and the reason, exit status 1', async () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, '');
    const { code, stderr } = await runParley({ PARLEY_DATA_DIR: join(file, 'data') });
    expect(code).toBe(1);
    expect(stderr).toBe(`parley: cannot start: The data folder ${join(file, 'data')} cannot be written: ${file} is a file, not a folder (ENOTDIR) [PARLEY_STORE_DATA_DIR_UNWRITABLE]\n`);
  }, 30_000);
});
