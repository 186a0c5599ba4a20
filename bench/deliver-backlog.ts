// bench:deliver, backlog case: X interactions taken in and planned while the CRM cannot be reached
// (it was reached once before, so its catalog is kept), then Parley restarts able to reach the
// built-in Salesforce sandbox and drains the outbox.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnvironment } from '../src/config/environment.ts';
import { start, type RunningParley } from '../src/start.ts';
import { outboxStats, sandboxFaults, sandboxStats, writeCalls, writeDeliverConfig } from './deliver-config.ts';
import { signX, syntheticTweet } from './synthetic-x.ts';

export interface BacklogOptions {
  root: string;
  interactions: number;
  identities: number;
  /** Sandbox latency per call, ms. */
  latencyMs: number;
  xSecret: string;
  adminKey: string;
}

/** What the backlog case measured. */
export interface BacklogResult {
  /** Records written per write call (posts, personas, and each first post's PersonaId set afterwards). */
  recordsPerCall: number;
  /** The report, one line each. */
  lines: string[];
}

/**
 * Runs the backlog case on a fresh data folder (removed afterwards): connect once, fill with the CRM
 * unreachable (`loginUrl` a closed port), then drain into the sandbox with `latencyMs` per call.
 * @throws Error when the destination does not connect, a delivery is refused, nothing was planned
 *   while filling, or the outbox is not drained within 10 minutes
 */
export async function runBacklog(options: BacklogOptions): Promise<BacklogResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-deliver-'));
  const run = (phase: 'connect' | 'fill' | 'drain'): Promise<RunningParley> => {
    const configPath = writeDeliverConfig({
      dataDir, name: `parley-${phase}.yaml`, root: options.root, xSecret: options.xSecret, adminKey: options.adminKey,
      ...(phase === 'fill' ? { loginUrl: 'http://127.0.0.1:9' } : {}),
    });
    const { environment } = readEnvironment({ PORT: '0', HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, PARLEY_CONFIG: configPath, LOG_LEVEL: 'error' });
    return start(environment);
  };
  try {
    // Phase 0: connect once, as a deployment has before its CRM goes down: planning needs the
    // destination's catalog, kept in the data folder from its last connect (src/mappings/catalog-cache.ts).
    const connect = await run('connect');
    const catalogFile = join(dataDir, 'catalogs', 'salesforce.json');
    const connectDeadline = Date.now() + 60_000;
    while (!existsSync(catalogFile)) {
      if (Date.now() > connectDeadline) throw new Error('the destination did not connect within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    await connect.stop();

    // Phase 1: take in the deliveries and plan them; nothing can be sent yet.
    const fill = await run('fill');
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < options.interactions) {
        const i = next++;
        const body = syntheticTweet(i, String(900_000_000 + (i % options.identities)));
        const response = await fetch(`${fill.address}/webhooks/x`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signX(options.xSecret, body) }, body: new Uint8Array(body) });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`delivery answered ${response.status}`);
      }
    }));
    await fill.deriver.catchUp(120_000);
    await fill.planner!.catchUp(120_000);
    const queued = await outboxStats(fill.address, options.adminKey);
    await fill.stop();
    if ((queued.pending ?? 0) === 0) throw new Error(`nothing was planned while the CRM could not be reached: ${JSON.stringify(queued)}`);

    // Phase 2: the same data, now able to reach the sandbox: drain the outbox.
    const drain = await run('drain');
    await sandboxFaults(drain.address, { latencyMs: options.latencyMs });
    const before = await sandboxStats(drain.address);
    const started = performance.now();
    let state = await outboxStats(drain.address, options.adminKey);
    while ((state.pending ?? 0) + (state.leased ?? 0) + (state.waiting ?? 0) > 0) {
      await new Promise((r) => setTimeout(r, 200));
      state = await outboxStats(drain.address, options.adminKey);
      if (performance.now() - started > 600_000) throw new Error(`not drained after 10 min: ${JSON.stringify(state)}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const after = await sandboxStats(drain.address);
    await drain.stop();

    const posts = after.records.SocialPost ?? 0;
    const personas = after.records.SocialPersona ?? 0;
    const calls = writeCalls(after.calls, before.calls);
    const totalCalls = after.totalCalls - before.totalCalls;
    const updates = (after.calls['PATCH /composite/sobjects'] ?? 0) - (before.calls['PATCH /composite/sobjects'] ?? 0);
    // Records written: every post and persona created, plus each post's PersonaId set afterwards (one per identity's first post).
    const records = posts + personas + personas;
    const minimum = Math.ceil(posts / 200) + Math.ceil(personas / 200) + Math.ceil(personas / 200);
    const limitErrors = after.errors.REQUEST_LIMIT_EXCEEDED ?? 0;
    const recordsPerCall = records / Math.max(1, calls);
    return {
      recordsPerCall,
      lines: [
        `backlog: ${options.interactions} interactions from ${options.identities} identities, ${options.latencyMs} ms sandbox latency per call`,
        `  outbox before draining: ${JSON.stringify(queued)}`,
        `  drained in ${seconds.toFixed(1)} s: ${posts} SocialPost, ${personas} SocialPersona created, outbox now ${JSON.stringify(state)}`,
        `  records/s: ${(records / seconds).toFixed(0)} (${records} records: posts, personas, and each first post's PersonaId)`,
        `  write calls: ${calls} (${updates} of them updates), all API calls while draining: ${totalCalls}; theoretical minimum of write calls: ${minimum}`,
        `  records per write call: ${recordsPerCall.toFixed(1)} (target ≥ 190; at most 200)`,
        `  limit errors: ${limitErrors} (target 0)`,
      ],
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
