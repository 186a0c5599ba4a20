import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAll, postX, signX, tweetDelivery } from './helpers/parley.ts';
import { ensureBuilt, freePort, serviceProcessId, waitForHealth } from './helpers/processes.ts';

const root = new URL('..', import.meta.url).pathname;

function isRunning(pid: number): boolean {
  try { process.kill(pid, 0); return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z'); } catch { return false; }
}

/**
 * `npm start` as a newcomer runs it: the compiled build (made by `npm install`'s prepare step, made
 * here first so that a stale dist/ in a working copy does not count against start-up), the shipped
 * parley.yaml, secrets from the environment. Also the only test of the compiled store worker.
 */
describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-npm-start-'));
  const env = { PARLEY_DATA_DIR: dataDir, PARLEY_ADMIN_KEY: 'start-admin-' + randomBytes(6).toString('hex'), X_CONSUMER_SECRET: 'start-' + randomBytes(6).toString('hex') };
  let npm: ChildProcess | undefined;

  /** Runs `npm start` on a free port; resolves once /health answers, with how long that took (ms). */
  async function npmStart(timeoutMs: number): Promise<{ base: string; startMs: number }> {
    const port = await freePort();
    npm = spawn('npm', ['start', '--silent'], {
      cwd: root, detached: true, stdio: 'ignore',
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', PARLEY_CONFIG: '' },
    });
    const base = `http://127.0.0.1:${port}`;
    return { base, startMs: await waitForHealth(base, npm, timeoutMs) };
  }

  // Built once for every file that runs the compiled service (two builds at once could race).
  beforeAll(() => ensureBuilt(root), 200_000);
  afterAll(() => {
    if (npm?.exitCode === null) { try { process.kill(-npm.pid!, 'SIGKILL'); } catch { /* gone */ } }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves /health within 10 s, takes a signed delivery, and stops cleanly on SIGTERM', async () => {
    // waitForHealth throws past 10 s: that is the acceptance point.
    const { base } = await npmStart(10_000);

    const body = tweetDelivery(77_001);
    const response = await postX(base, body, { 'x-twitter-webhooks-signature': signX(env.X_CONSUMER_SECRET, body) });
    expect(response.status).toBe(200);
    const events = await listAll(base, '/v1/events?source=x&kind=interaction', env.PARLEY_ADMIN_KEY);
    expect(events.map((e) => e.data.networkId)).toEqual([expect.any(String)]);

    // The service itself gets the SIGTERM (as from a process manager); npm then exits with its code.
    const exited = new Promise<number | null>((resolve) => npm!.once('exit', resolve));
    process.kill(serviceProcessId(npm!.pid!), 'SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);

  it('stops the service when npm itself is sent SIGTERM (npm does not pass it on)', async () => {
    await npmStart(30_000);
    const service = serviceProcessId(npm!.pid!);
    expect(service).not.toBe(npm!.pid);
    npm!.kill('SIGTERM');
    const gone = Date.now() + 15_000;
    while (Date.now() < gone && isRunning(service)) await new Promise((r) => setTimeout(r, 100));
    expect(isRunning(service), 'the service outlived npm').toBe(false);
  }, 60_000);
});
