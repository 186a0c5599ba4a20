import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsforce from 'jsforce';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logging/logger.ts';
import { serveSandboxes, type RunningSandboxes } from '../src/sandboxes/serve.ts';
import { freePort } from './helpers/processes.ts';

// `npm run sandboxes` (src/sandboxes/main.ts): every built-in sandbox alone on HOST:PORT, at the
// same /sandbox/<id> paths as inside Parley, loopback-only unless PARLEY_SANDBOXES_PUBLIC=true.
const root = new URL('..', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'parley-sandboxes-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function spawnSandboxes(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/sandboxes/main.ts'], {
    cwd: root, env: { ...process.env, PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'pipe'],
  });
}

async function waitForStats(base: string, child: ChildProcess): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < 30_000) {
    if (child.exitCode !== null) throw new Error(`the sandboxes exited with ${child.exitCode}`);
    try { if ((await fetch(`${base}/sandbox/salesforce/_stats`)).ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no _stats within 30 s');
}

describe('npm run sandboxes', () => {
  let child: ChildProcess | undefined;
  afterEach(() => { if (child?.exitCode === null) child.kill('SIGKILL'); child = undefined; });

  it('serves the Salesforce sandbox on PORT: jsforce logs in and queries, _stats counts the calls, SIGTERM stops it cleanly', async () => {
    const port = await freePort();
    child = spawnSandboxes({ PORT: String(port) });
    const base = `http://127.0.0.1:${port}`;
    await waitForStats(base, child);
    const login = `${base}/sandbox/salesforce`;
    const conn = new jsforce.Connection({ version: '62.0', loginUrl: login, oauth2: { loginUrl: login, clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } });
    await conn.login('demo@parley.local', 'demo');
    expect(conn.instanceUrl).toBe(login);
    const result = await conn.query('SELECT Id FROM Account');
    expect(result.totalSize).toBe(0);
    const stats = await (await fetch(`${login}/_stats`)).json() as { totalCalls: number; calls: Record<string, number>; records: Record<string, number> };
    expect(stats.totalCalls).toBe(1);
    expect(stats.calls).toEqual({ 'GET /query': 1 });
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('refuses to start on a PORT that is not a port, naming it', async () => {
    child = spawnSandboxes({ PORT: 'eighty' });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr).toContain('PORT "eighty" is not a TCP port');
  });
});

describe('serveSandboxes', () => {
  let running: RunningSandboxes | undefined;
  afterEach(async () => { await running?.app.close(); running = undefined; });
  const serve = (options: { public: boolean }) => serveSandboxes({ host: '127.0.0.1', port: 0, dataDir, logger: createLogger('silent'), cwd: root, ...options });

  it('serves every built-in connector that has a sandbox, refusing other machines by default', async () => {
    running = await serve({ public: false });
    expect(running.ids).toEqual(['facebook', 'oracle-cx', 'salesforce', 'sap-c4c', 'x']);
    const far = await running.app.inject({ method: 'GET', url: '/sandbox/salesforce/_stats', remoteAddress: '203.0.113.9' });
    expect(far.statusCode).toBe(403);
    expect(far.json()).toMatchObject({ error: { code: 'PARLEY_SANDBOX_LOOPBACK_ONLY' } });
    const near = await running.app.inject({ method: 'GET', url: '/sandbox/salesforce/_stats', remoteAddress: '127.0.0.1' });
    expect(near.statusCode).toBe(200);
  });

  it('answers other machines when configured public', async () => {
    running = await serve({ public: true });
    const far = await running.app.inject({ method: 'GET', url: '/sandbox/salesforce/_stats', remoteAddress: '203.0.113.9' });
    expect(far.statusCode).toBe(200);
    expect(far.json()).toMatchObject({ totalCalls: 0, calls: {}, records: {} });
  });
});
