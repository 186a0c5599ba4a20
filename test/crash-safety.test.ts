import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listAll, postX, signX, tweetDelivery } from './helpers/parley.ts';
import { freePort, waitForHealth } from './helpers/processes.ts';

const root = new URL('..', import.meta.url).pathname;

/** Starts the real service (`src/main.ts`) as its own process and waits for /health. */
async function spawnParley(env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: root, env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  await waitForHealth(base, child);
  return { child, base };
}

describe('crash safety', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-crash-'));
  const env = { PARLEY_DATA_DIR: dataDir, PARLEY_ADMIN_KEY: 'crash-admin-' + randomBytes(6).toString('hex'), X_CONSUMER_SECRET: 'crash-' + randomBytes(6).toString('hex') };
  let child: ChildProcess | undefined;
  afterAll(() => { child?.kill('SIGKILL'); rmSync(dataDir, { recursive: true, force: true }); });

  it('keeps every delivery answered 200 through SIGKILL, none doubled', async () => {
    const first = await spawnParley(env);
    child = first.child;
    const N = 200;
    let next = 0;
    await Promise.all(Array.from({ length: 10 }, async () => {
      while (next < N) {
        const body = tweetDelivery(10_000 + next++);
        const response = await postX(first.base, body, { 'x-twitter-webhooks-signature': signX(env.X_CONSUMER_SECRET, body) });
        expect(response.status).toBe(200);
      }
    }));
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    expect(await exited).toBeNull(); // exit code null: killed by the signal
    const second = await spawnParley(env);
    child = second.child;
    const interactions = await listAll(second.base, '/v1/events?source=x&kind=interaction', env.PARLEY_ADMIN_KEY);
    expect(interactions).toHaveLength(N);
    expect(new Set(interactions.map((e) => e.data.networkId)).size).toBe(N);
  });
});
