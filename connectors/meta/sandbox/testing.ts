/**
 * For tests of the Meta pulls: the Graph API sandbox listening on 127.0.0.1 on the test's clock,
 * with the source-pull kit's dependencies bound to the same clock (a throttle's wait passes by the
 * kit's sleep moving it), and the sandbox's controls.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { PullDeps } from '../../../src/connectors/index.ts';
import { MetaSandboxConfig } from './config.ts';
import { createMetaSandbox } from './plugin.ts';

export interface RunningMetaSandbox {
  app: FastifyInstance;
  /** The sandbox's URL (`http://127.0.0.1:<port>/sandbox/meta`). */
  url: string;
  /** The shared clock, epoch ms. */
  clock: { t: number };
  /** Every wait the kit asked for, ms. */
  sleeps: number[];
  deps: PullDeps;
  /** POST `/_seed`, PUT `/_faults` or `/_budget`; throws unless 200. */
  control: (method: 'POST' | 'PUT', path: string, body: unknown) => Promise<void>;
  stats: () => Promise<{ calls: Record<string, number>; errors: Record<string, number> }>;
}

/** Starts the sandbox (close `app` after the test). */
export async function startMetaSandbox(options: { source: string; start: number; sandbox?: Record<string, unknown> }): Promise<RunningMetaSandbox> {
  const clock = { t: options.start };
  const app = Fastify();
  let url = '';
  const definition = createMetaSandbox({ now: () => clock.t });
  await app.register(async (scope) => definition.plugin(scope, { config: MetaSandboxConfig.parse(options.sandbox ?? {}), baseUrl: () => url, dataDir: '/nonexistent' }), { prefix: '/sandbox/meta' });
  url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/sandbox/meta`;
  const sleeps: number[] = [];
  const deps: PullDeps = {
    source: options.source, sandboxUrl: url, now: () => new Date(clock.t),
    sleep: async (ms) => { sleeps.push(ms); clock.t += ms; },
    retry: { retries: 2, minDelayMs: 10, maxDelayMs: 10 },
  };
  const control = async (method: 'POST' | 'PUT', path: string, body: unknown) => {
    const answer = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (answer.status !== 200) throw new Error(`${method} ${path} answered ${answer.status}: ${await answer.text()}`);
  };
  const stats = async () => (await fetch(`${url}/_stats`)).json() as Promise<{ calls: Record<string, number>; errors: Record<string, number> }>;
  return { app, url, clock, sleeps, deps, control, stats };
}
