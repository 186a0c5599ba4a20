import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { SDK_VERSION } from '../src/connectors/index.ts';
import { ensureBuilt, freePort } from './helpers/processes.ts';
import { until } from './helpers/wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/plugins/', import.meta.url));

/**
 * `npm start` (the compiled service, as a user runs it) with a config whose plugin cannot run: it
 * must stop at start-up with one clear message and a non-zero exit, not a stack trace. The plugin
 * (test/fixtures/plugins/old-sdk/, a package of its own) imports `parley/sdk` under plain Node, so
 * this also shows that import resolving, through node_modules/parley, to the compiled SDK in dist/.
 */
describe('npm start with a plugin built for another SDK', () => {
  const folder = mkdtempSync(join(tmpdir(), 'parley-plugin-start-'));

  // Built once for every file that runs the compiled service (two builds at once could race).
  beforeAll(() => ensureBuilt(root), 200_000);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('exits non-zero, naming the config key, the plugin, both SDK versions and the code, without a stack', async () => {
    const module = relative(folder, join(fixtures, 'old-sdk'));
    const configPath = join(folder, 'parley.yaml');
    writeFileSync(configPath, stringify({ sources: { legacy: { module } } }));
    const port = await freePort();
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: root, detached: true, stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PARLEY_CONFIG: configPath, PARLEY_DATA_DIR: join(folder, 'data'), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    });
    let stderr = '';
    npm.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    const closed = new Promise<number | null>((resolve) => npm.once('close', resolve));
    let code: number | null;
    try {
      // Either it stops (what it must do) or it serves /health (a plugin it should have refused).
      const outcome = await until('npm start to stop or to serve', async () => {
        if (npm.exitCode !== null) return 'stopped';
        return fetch(`http://127.0.0.1:${port}/health`).then((r) => (r.ok ? 'serving' : undefined), () => undefined);
      }, 30_000);
      expect(outcome, stderr).toBe('stopped');
      code = await closed;
    } finally {
      if (npm.exitCode === null) { try { process.kill(-npm.pid!, 'SIGKILL'); } catch { /* gone */ } }
    }

    expect(code).not.toBe(0);
    expect(stderr).toContain(`parley: cannot start: Config key sources.legacy names connector "${module}", which supports SDK ^1.0.0, but this Parley has SDK ${SDK_VERSION} [PARLEY_CONNECTOR_SDK_MISMATCH]`);
    expect(stderr).not.toMatch(/^\s+at /m);
  }, 60_000);
});
