import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { createLogger, type Logger } from '../../logging/logger.ts';
import type { DestinationLimiter } from './destination-limiter.ts';

// Helpers for the limits' tests: a real Redis (the shared one on 127.0.0.1:6379, or a private
// redis-server a test may kill), a logger that keeps its lines, and calls that record when they ran.

export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';

/** True when a Redis answers a PING at `url` within a second. */
export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, connectTimeout: 1_000, commandTimeout: 1_000, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** A key prefix no other test uses, so tests sharing one Redis never share limits. */
export function uniquePrefix(): string {
  return `parley-test-${randomUUID()}:`;
}

/** Deletes the keys Bottleneck made for ids starting with `prefix` (`b_<id>_…`). */
export async function deleteLimiterKeys(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    const keys = await client.keys(`b_${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
  } finally {
    client.disconnect();
  }
}

/** A TCP port nothing listens on (just now). */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => { if (address && typeof address === 'object') resolve(address.port); else reject(new Error('no port')); });
    });
  });
}

/** A private redis-server on 127.0.0.1:`port`, without persistence, that a test may kill. */
export interface PrivateRedis {
  readonly url: string;
  /** Kills the server (SIGKILL: no goodbye to its clients) and waits for it to exit. */
  kill(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open and nothing is answered. */
  freeze(): void;
  /** Lets a frozen server go on (SIGCONT). */
  thaw(): void;
}

/** Starts a private redis-server and waits until it answers; `password` makes it require one. */
export async function startPrivateRedis(port: number, password?: string): Promise<PrivateRedis> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...(password ? ['--requirepass', password] : [])];
  const child: ChildProcess = spawn('redis-server', args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => { child.once('exit', () => resolve()); });
  const url = `redis://${password ? `:${password}@` : ''}127.0.0.1:${port}`;
  const server: PrivateRedis = {
    url,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    freeze() { child.kill('SIGSTOP'); },
    thaw() { child.kill('SIGCONT'); },
  };
  await waitFor(() => redisAnswers(url), 5_000, `redis-server on port ${port} to answer`).catch(async (error: unknown) => {
    await server.kill();
    throw error;
  });
  return server;
}

/** Polls `condition` every 25 ms until it holds; rejects once `timeoutMs` passed. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A logger whose lines (parsed JSON) the test reads. */
export function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('debug', stream), lines };
}

/** What a batch of recorded calls did. */
export interface CallRecord {
  /** Start times, ms since the recorder was made, in the order the calls started. */
  starts: number[];
  /** Which call started, in order (a call started twice shows twice). */
  order: string[];
  /** Most calls running at once, over every limiter the calls went through. */
  maxRunning: number;
}

/** Makes calls that record when they start and how many run at once; each takes `durationMs`. */
export function callRecorder(durationMs: number): { call: (name: string) => () => Promise<string>; record: CallRecord } {
  const t0 = performance.now();
  const record: CallRecord = { starts: [], order: [], maxRunning: 0 };
  let running = 0;
  const call = (name: string) => async (): Promise<string> => {
    record.starts.push(performance.now() - t0);
    record.order.push(name);
    running += 1;
    record.maxRunning = Math.max(record.maxRunning, running);
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    running -= 1;
    return name;
  };
  return { call, record };
}

/** The smallest gap between two consecutive starts, ms. */
export function smallestGap(starts: readonly number[]): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let smallest = Infinity;
  for (let i = 1; i < sorted.length; i++) smallest = Math.min(smallest, sorted[i]! - sorted[i - 1]!);
  return smallest;
}

/**
 * How far the starts fall short of one every `minTimeMs`, counted from the first: the largest
 * `k × minTimeMs − (k-th start − first start)`, ms. A start made late by a busy event loop shrinks
 * the gap to the next one (Bottleneck spaces registrations, not starts), but not this.
 */
export function spacingShortfall(starts: readonly number[], minTimeMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  return Math.max(...sorted.map((start, k) => k * minTimeMs - (start - sorted[0]!)));
}

/** Schedules `count` calls alternately on `limiters` and waits for all; returns their results. */
export async function spread(limiters: readonly DestinationLimiter[], count: number, call: (name: string) => () => Promise<string>): Promise<string[]> {
  return await Promise.all(Array.from({ length: count }, (_, i) => limiters[i % limiters.length]!.schedule(call(`c${i}`))));
}
