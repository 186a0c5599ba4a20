import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

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
