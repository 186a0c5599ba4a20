import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Waits until `${base}/health` answers 200, polling every 100 ms.
 * @returns how long it took, in ms
 * @throws when `child` exits first or `timeoutMs` passes
 */
export async function waitForHealth(base: string, child: ChildProcess, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`parley exited with ${child.exitCode} during start-up`);
    try { if ((await fetch(base + '/health')).ok) return Date.now() - started; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no /health within ${timeoutMs} ms`);
}

/** npm runs the service as a child (through a shell on some systems): the deepest descendant is Node. Linux only (/proc). */
export function serviceProcessId(pid: number): number {
  for (;;) {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    if (children.length === 0) return pid;
    pid = Number(children[0]);
  }
}

/** Whether `pid` is alive; a zombie (exited, not yet reaped) counts as gone. Linux only (/proc). */
export function isRunning(pid: number): boolean {
  try { process.kill(pid, 0); return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z'); } catch { return false; }
}

/**
 * Builds dist/ unless it is newer than every source, by the rule scripts/compiled.mjs applies, so that
 * `npm start` in a test does not spend its start-up compiling. One build at a time among the test
 * files calling this: two tsc runs writing dist/ at once could let a starting service read a
 * half-written file.
 */
export async function ensureBuilt(root: string, timeoutMs = 180_000): Promise<void> {
  const stamp = join(root, 'dist', '.build-stamp');
  const newest = (path: string): number => {
    const stats = statSync(path);
    if (!stats.isDirectory()) return /\.(ts|json|ya?ml|xml)$/.test(path) ? stats.mtimeMs : 0;
    return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), 0);
  };
  const fresh = () => existsSync(stamp) && Math.max(...['src', 'connectors', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.sdk.json'].map((p) => newest(join(root, p)))) <= statSync(stamp).mtimeMs;
  const lock = join(tmpdir(), `parley-build-${createHash('sha256').update(root).digest('hex').slice(0, 12)}.lock`);
  const until = Date.now() + timeoutMs;
  for (;;) {
    try { mkdirSync(lock); break; } catch { /* another file is building */ }
    // A lock left by a killed test run is taken over once it is older than any build.
    try { if (Date.now() - statSync(lock).mtimeMs > timeoutMs) rmSync(lock, { recursive: true, force: true }); } catch { /* just released */ }
    if (Date.now() > until) throw new Error(`dist/ was still being built after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    if (!fresh()) execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'ignore', timeout: timeoutMs });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Collects the JSON lines a child process logs on `stream` (pino's output), as they come. */
export function collectJsonLines(stream: Readable): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  let rest = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const part of parts) {
      try { lines.push(JSON.parse(part) as Record<string, unknown>); } catch { /* not a log line */ }
    }
  });
  return lines;
}

/**
 * Starts the real service (`src/main.ts`, through tsx) as its own process on a free port and waits
 * for /health: for tests that kill it (SIGKILL) and start it again on the same data folder.
 * @param env the service's environment on top of this process's (`PARLEY_DATA_DIR`, `PARLEY_CONFIG`, secrets)
 */
export async function spawnParley(env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  const root = new URL('../..', import.meta.url).pathname;
  const port = await freePort();
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'src/main.ts'], { cwd: root, env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  await waitForHealth(base, child);
  return { child, base };
}
