import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAll, postX, signX, tweetDelivery } from './helpers/parley.ts';

const root = new URL('..', import.meta.url).pathname;
const freePort = () => new Promise<number>((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => { const { port } = server.address() as { port: number }; server.close(() => resolve(port)); });
});

/** npm runs the service as a child (through a shell on some systems): the deepest descendant is Node. */
function deepestDescendant(pid: number): number {
  for (;;) {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    if (children.length === 0) return pid;
    pid = Number(children[0]);
  }
}

/**
 * `npm start` as a newcomer runs it: the compiled build (made by `npm install`'s prepare step, made
 * here first so that a stale dist/ in a working copy does not count against start-up), the shipped
 * parley.yaml, secrets from the environment. Also the only test of the compiled store worker.
 */
describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-npm-start-'));
  const env = { PARLEY_DATA_DIR: dataDir, PARLEY_ADMIN_KEY: 'start-admin-' + randomBytes(6).toString('hex'), X_CONSUMER_SECRET: 'start-' + randomBytes(6).toString('hex') };
  let child: ChildProcess | undefined;

  beforeAll(() => { execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'ignore', timeout: 180_000 }); }, 200_000);
  afterAll(() => {
    if (child?.exitCode === null) { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves /health within 10 s, takes a signed delivery, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const started = Date.now();
    child = spawn('npm', ['start', '--silent'], {
      cwd: root, detached: true, stdio: 'ignore',
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', PARLEY_CONFIG: '' },
    });
    const base = `http://127.0.0.1:${port}`;
    let healthy = false;
    while (!healthy && Date.now() - started < 10_000) {
      expect(child.exitCode).toBeNull();
      try { healthy = (await fetch(base + '/health')).ok; } catch { await new Promise((r) => setTimeout(r, 100)); }
    }
    expect(healthy, 'no /health within 10 s of npm start').toBe(true);

    const body = tweetDelivery(77_001);
    const response = await postX(base, body, { 'x-twitter-webhooks-signature': signX(env.X_CONSUMER_SECRET, body) });
    expect(response.status).toBe(200);
    const events = await listAll(base, '/v1/events?source=x&kind=interaction', env.PARLEY_ADMIN_KEY);
    expect(events.map((e) => e.data.networkId)).toEqual([expect.any(String)]);

    // The service itself gets the SIGTERM (as from a process manager); npm then exits with its code.
    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    process.kill(deepestDescendant(child.pid!), 'SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);

  it('stops the service when npm itself is sent SIGTERM (npm does not pass it on)', async () => {
    const port = await freePort();
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: root, detached: true, stdio: 'ignore',
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', PARLEY_CONFIG: '' },
    });
    child = npm;
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    let healthy = false;
    while (!healthy && Date.now() < deadline) {
      try { healthy = (await fetch(base + '/health')).ok; } catch { await new Promise((r) => setTimeout(r, 100)); }
    }
    expect(healthy).toBe(true);
    const service = deepestDescendant(npm.pid!);
    expect(service).not.toBe(npm.pid);
    npm.kill('SIGTERM');
    const gone = Date.now() + 15_000;
    while (Date.now() < gone && isRunning(service)) await new Promise((r) => setTimeout(r, 100));
    expect(isRunning(service), 'the service outlived npm').toBe(false);
  }, 60_000);
});

function isRunning(pid: number): boolean {
  try { process.kill(pid, 0); return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z'); } catch { return false; }
}
