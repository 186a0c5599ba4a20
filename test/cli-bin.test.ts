import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from '../src/cli/testing/fake-api.ts';
import { removeTempDirs, tempDir } from './helpers/temp-dirs.ts';

// The `parley` command as an operator runs it: package.json's bin (bin/parley.mjs) in a child
// process, from the TypeScript sources through tsx, and from a compiled build as `npm run build`
// leaves it in dist/. The commands themselves are tested in-process in src/cli/*.test.ts.

const ROOT = process.cwd();
const run = promisify(execFile);

interface Exit { code: number; stdout: string; stderr: string }

async function parley(bin: string, args: string[], env: Record<string, string> = {}): Promise<Exit> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout: string; stderr: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let api: FakeApi;
beforeAll(async () => {
  api = await startFakeApi((r) => (r.path === '/v1/identities'
    ? { status: 200, body: { items: [{ key: 'x:123', network: 'x', handle: 'ada', displayName: 'Ada', personId: 'p-1' }], nextCursor: null } }
    : { status: 404, body: { error: { code: 'PARLEY_HTTP_NOT_FOUND', message: 'Route not found', details: {} } } }));
});
afterAll(async () => { await api.close(); removeTempDirs(); });

describe('bin/parley.mjs', () => {
  it('is the package\'s bin', async () => {
    const { default: manifest } = await import('../package.json', { with: { type: 'json' } });
    expect((manifest as { bin?: Record<string, string> }).bin).toEqual({ parley: 'bin/parley.mjs' });
  });

  it('runs a command against the API, with the environment\'s URL and key', async () => {
    const exit = await parley(join(ROOT, 'bin/parley.mjs'), ['person', 'search', 'ada'], { PARLEY_URL: api.url, PARLEY_API_KEY: 'bin-key' });
    expect(exit).toMatchObject({ code: 0, stderr: '' });
    expect(exit.stdout).toMatch(/^x:123\s+x\s+ada\s+Ada\s+p-1$/m);
    expect(api.received.at(-1)!.headers.authorization).toBe('Bearer bin-key');
  });

  it('exits 1 with one line for an API error, 2 for a usage error, and never prints a stack', async () => {
    const failed = await parley(join(ROOT, 'bin/parley.mjs'), ['person', 'show', 'nobody', '--url', api.url]);
    expect(failed).toMatchObject({ code: 1, stdout: '', stderr: 'parley: PARLEY_HTTP_NOT_FOUND: Route not found\n' });
    const usage = await parley(join(ROOT, 'bin/parley.mjs'), ['resync', 'create', '--identity', 'x:1']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("required option '--destinations <ids>' not specified");
    expect(usage.stderr).not.toMatch(/\n\s+at /);
  });

  it('runs compiled, with no TypeScript sources beside it, as after `npm run build`', async () => {
    // The CLI compiled as tsconfig.build.json compiles it, into a folder shaped like the package.
    const pkg = tempDir('parley-cli-build-');
    writeFileSync(join(pkg, 'tsconfig.json'), JSON.stringify({
      extends: join(ROOT, 'tsconfig.build.json'),
      compilerOptions: { rootDir: ROOT, outDir: join(pkg, 'dist'), sourceMap: false, typeRoots: [join(ROOT, 'node_modules/@types')] },
      include: [join(ROOT, 'src/cli/main.ts')], exclude: [],
    }));
    await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(pkg, 'tsconfig.json')], { timeout: 120_000 });
    mkdirSync(join(pkg, 'bin'));
    copyFileSync(join(ROOT, 'bin/parley.mjs'), join(pkg, 'bin/parley.mjs'));
    copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
    const exit = await parley(join(pkg, 'bin/parley.mjs'), ['person', 'search', 'ada', '--json'], { PARLEY_URL: api.url });
    expect(exit).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(exit.stdout).items[0].key).toBe('x:123');
  }, 150_000);
});
