// bench:deliver, backlog case: X interactions taken in and planned while the CRM cannot be reached
// (it was reached once before, so its catalog is kept), then Parley restarts able to reach the
// destination's built-in sandbox (Salesforce, SAP C4C or Oracle CX) and drains the outbox.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnvironment } from '../src/config/environment.ts';
import { start, type RunningParley } from '../src/start.ts';
import { delta, dispatchCount, outboxStats, sandboxFaults, sandboxStats, writeCalls, writeDeliverConfig, type DestinationProfile } from './deliver-config.ts';
import { signX, syntheticTweet } from './synthetic-x.ts';

export interface BacklogOptions {
  root: string;
  /** The one destination Parley is configured with (deliver-config.ts DESTINATIONS). */
  destination: DestinationProfile;
  interactions: number;
  identities: number;
  /** Sandbox latency per call, ms. */
  latencyMs: number;
  xSecret: string;
  adminKey: string;
}

/** What the backlog case measured. */
export interface BacklogResult {
  /** Records written per write call (Salesforce: posts, personas, and each first post's PersonaId set afterwards; SAP: activities and profiles; Oracle: social posts and users). */
  recordsPerCall: number;
  /** Records written per second of draining. */
  recordsPerSecond: number;
  /** Answers refusing a call for the API quota. */
  limitErrors: number;
  /** Operations per write batch as Parley counts them (parley_dispatch_batch_records), updates included. */
  operationsPerBatch: number;
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
  const { destination } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-deliver-'));
  const run = (phase: 'connect' | 'fill' | 'drain'): Promise<RunningParley> => {
    const configPath = writeDeliverConfig({
      dataDir, name: `parley-${phase}.yaml`, root: options.root, xSecret: options.xSecret, adminKey: options.adminKey,
      destination, unreachable: phase === 'fill',
    });
    const { environment } = readEnvironment({ PORT: '0', HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, PARLEY_CONFIG: configPath, LOG_LEVEL: 'error' });
    return start(environment);
  };
  try {
    // Phase 0: connect once, as a deployment has before its CRM goes down: planning needs the
    // destination's catalog, kept in the data folder from its last connect (src/mappings/catalog-cache.ts).
    const connect = await run('connect');
    const catalogFile = join(dataDir, 'catalogs', `${destination.name}.json`);
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
    const queued = await outboxStats(fill.address, options.adminKey, destination.name);
    await fill.stop();
    if ((queued.pending ?? 0) === 0) throw new Error(`nothing was planned while the CRM could not be reached: ${JSON.stringify(queued)}`);

    // Phase 2: the same data, now able to reach the sandbox: drain the outbox.
    const drain = await run('drain');
    await sandboxFaults(drain.address, destination.name, { latencyMs: options.latencyMs });
    const before = await sandboxStats(drain.address, destination.name);
    const sentBefore = await dispatchCount(drain.address, destination.name);
    const started = performance.now();
    let state = await outboxStats(drain.address, options.adminKey, destination.name);
    while ((state.pending ?? 0) + (state.leased ?? 0) + (state.waiting ?? 0) > 0) {
      await new Promise((r) => setTimeout(r, 200));
      state = await outboxStats(drain.address, options.adminKey, destination.name);
      if (performance.now() - started > 600_000) throw new Error(`not drained after 10 min: ${JSON.stringify(state)}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const after = await sandboxStats(drain.address, destination.name);
    const sentAfter = await dispatchCount(drain.address, destination.name);
    const batches = sentAfter.batches - sentBefore.batches, operations = sentAfter.operations - sentBefore.operations;
    await drain.stop();

    const posts = delta(after.records, before.records, destination.post.object);
    const persons = delta(after.records, before.records, destination.person.object);
    const calls = writeCalls(destination, after.calls, before.calls);
    const totalCalls = after.totalCalls - before.totalCalls;
    const limitErrors = delta(after.errors, before.errors, destination.limitErrorCode);
    const errors = Object.entries(after.errors).filter(([code]) => delta(after.errors, before.errors, code) > 0).map(([code]) => `${code} ${delta(after.errors, before.errors, code)}`);
    const head = [
      `backlog to ${destination.label}: ${options.interactions} interactions from ${options.identities} identities, ${options.latencyMs} ms sandbox latency per call`,
      `  outbox before draining: ${JSON.stringify(queued)}`,
      `  drained in ${seconds.toFixed(1)} s: ${posts} ${destination.post.object}, ${persons} ${destination.person.object} created, outbox now ${JSON.stringify(state)}`,
    ];
    const tail = [
      `  Parley's own count (parley_dispatch_batch_records): ${operations} operations in ${batches} write batches, ${(operations / Math.max(1, batches)).toFixed(1)} per batch`,
      `  limit errors: ${limitErrors} (target 0)${errors.length > 0 ? `; error answers: ${errors.join(', ')}` : ''}`];
    if (destination.name === 'salesforce') {
      const updates = delta(after.calls, before.calls, 'PATCH /composite/sobjects');
      // Records written: every post and persona created, plus each post's PersonaId set afterwards (one per identity's first post).
      const records = posts + persons + persons;
      const minimum = Math.ceil(posts / 200) + Math.ceil(persons / 200) + Math.ceil(persons / 200);
      const recordsPerCall = records / Math.max(1, calls);
      return {
        recordsPerCall, recordsPerSecond: records / seconds, limitErrors, operationsPerBatch: operations / Math.max(1, batches),
        lines: [...head,
          `  records/s: ${(records / seconds).toFixed(0)} (${records} records: ${destination.records})`,
          `  write calls: ${calls} (${updates} of them updates), all API calls while draining: ${totalCalls}; theoretical minimum of write calls: ${minimum}`,
          `  records per write call: ${recordsPerCall.toFixed(1)} (target ≥ 190; at most 200)`,
          ...tail],
      };
    }
    // SAP C4C and Oracle CX: each record is one operation of a batch call (SAP: its own change set, at
    // most 100 per $batch, a profile's UserInformation child deep-inserted in the same request, reference
    // sap-c4c.md §4; Oracle: one part, at most 50 per batch, reference oracle-cx.md §4). _stats counts
    // calls, not the operations inside a batch, so records per call is the records created over the
    // batch calls; Parley's own count (the last lines) also counts the updates (a person written again)
    // they carried. Other records created meanwhile (a profile's deep-inserted child, the tickets or
    // service requests the CRM opens by itself for root posts) are listed apart and not counted.
    const records = posts + persons;
    const minimum = Math.ceil(posts / destination.maxPerCall) + Math.ceil(persons / destination.maxPerCall);
    const recordsPerCall = records / Math.max(1, calls);
    const others = Object.keys(after.calls).filter((k) => !destination.writeCall.test(k) && delta(after.calls, before.calls, k) > 0)
      .map((k) => `${k} ${delta(after.calls, before.calls, k)}`);
    const made = Object.keys(after.records).filter((k) => k !== destination.post.object && k !== destination.person.object && delta(after.records, before.records, k) !== 0)
      .map((k) => `${delta(after.records, before.records, k)} ${k}`);
    const call = destination.writeCallName;
    return {
      recordsPerCall, recordsPerSecond: records / seconds, limitErrors, operationsPerBatch: operations / Math.max(1, batches),
      lines: [...head,
        `  records/s: ${(records / seconds).toFixed(0)} (${records} records: ${destination.records})${made.length > 0 ? `; other records created: ${made.join(', ')}` : ''}`,
        `  write calls (${call}): ${calls}, all API calls while draining: ${totalCalls} (others: ${others.join(', ') || 'none'}); theoretical minimum of ${call} calls: ${minimum}`,
        `  records per ${call}: ${recordsPerCall.toFixed(1)} (at most ${destination.maxPerCall})`,
        ...tail],
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
