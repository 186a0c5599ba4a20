import { DEFAULT_RETRY_SCHEDULE } from './backoff.ts';
import { bulkClaimTiming, bulkLaneOf, sendInBulk, type BulkLane } from './bulk-lane.ts';
import { budgetLeft, claimRound } from './claim-round.ts';
import { connect, openThroughKit, type ConnectDeps, type ConnectionPolicy } from './connection.ts';
import { actionFor } from './destination-state.ts';
import type { DestinationRuntime, Dispatcher, DispatcherOptions, MappingIssue } from './dispatcher-types.ts';
import { createDestinationLimiter } from './limits/destination-limiter.ts';
import { batchWrites } from './plan-writes.ts';
import { finishRound, type RoundDeps } from './round.ts';
import { sendBatches } from './send-batches.ts';
import { createStopping } from './stopping.ts';
import { createUsageProbe } from './usage-probe.ts';

export { mergeByRecord } from './write-plan.ts';
export { DESTINATION_STATES, type DestinationState } from './destination-state.ts';
export type { DestinationStatus, Dispatcher, DispatcherOptions } from './dispatcher-types.ts';

// The dispatcher: one loop per destination, each round claim → plan → send → record; beside it, for
// a destination with bulk jobs, a bulk lane that sends resyncs as jobs (bulk-lane.ts). Each step is
// a file of its own (claim-round, round: bind-references, plan-writes, outcomes; send-batches,
// connection); this file only wires them to the options and runs the loops.

/** Request spacing limits how often, not how many: the limiter already bounds calls in flight. */
const REQUESTS_AT_ONCE = 1_000;

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { store, owner, now, random, logger: log } = options;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 500;
  const lingerMs = options.lingerMs ?? 250;
  const schedule = options.retry ?? DEFAULT_RETRY_SCHEDULE;
  const runtimes = new Map<string, DestinationRuntime>(options.destinations.map((d) => [d.id, {
    destination: d, definition: d.definition, state: 'connecting', pausedUntil: 0, failures: 0,
    // Shared by every instance sending to this destination when Redis is configured (limits/).
    limiter: createDestinationLimiter({
      destination: d.id, maxConcurrent: d.limits.maxConcurrent, minTimeMs: d.limits.minTimeMs, logger: log,
      ...(options.sharedLimits ? { redis: options.sharedLimits } : {}),
    }),
    ...(d.limits.minTimeMs > 0 ? {
      requestSpacing: createDestinationLimiter({
        destination: `${d.id}:requests`, maxConcurrent: REQUESTS_AT_ONCE, minTimeMs: d.limits.minTimeMs, logger: log,
        ...(options.sharedLimits ? { redis: options.sharedLimits } : {}),
      }),
    } : {}),
  }]));
  const usageProbe = createUsageProbe({ now, logger: log });
  const stopping = createStopping();
  const loops: Array<Promise<void>> = [];
  const policy: ConnectionPolicy = {
    now, random, logger: log,
    reconnectMs: options.reconnectMs ?? 30_000,
    unreachableBaseMs: options.unreachableBaseMs ?? 5_000,
    unreachableMaxMs: options.unreachableMaxMs ?? 5 * 60_000,
  };
  const connecting: ConnectDeps = {
    open: openThroughKit({ logger: log, now, ...(options.sandboxUrl ? { sandboxUrl: options.sandboxUrl } : {}) }),
    mappings: options.mappings, stopping, policy,
    ...(options.onCatalog ? { onCatalog: options.onCatalog } : {}),
  };

  const claimDeps = { store, owner, leaseMs, budgetPauseMs: options.budgetPauseMs ?? 15 * 60_000, usageProbe, now, outcomes: { schedule, random }, logger: log };
  const roundDeps: RoundDeps = { store, owner, now, outcomes: { schedule, random }, policy, logger: log, metrics: options.metrics };
  const onBatch = (id: string) => (size: number) => options.metrics?.dispatchBatchSize.observe({ destination: id }, size);
  let lanesStarted = false;
  /** The destination's bulk lane, once the loops run and its client has bulk jobs (bulk-lane.ts). */
  const laneOf = (rt: DestinationRuntime): BulkLane | undefined => (lanesStarted && options.bulkLane !== false ? bulkLaneOf(rt, leaseMs) : undefined);

  const dispatchOnce = async (id: string): Promise<number> => {
    const rt = runtimes.get(id);
    if (!rt || (rt.state === 'misconfigured' && rt.mappingIssues && rt.mappingIssues.length > 0)) return 0;
    const roundStart = now();
    // A pause for budget or quota ends early when a usage probe finds budget back (usage-probe.ts).
    if (rt.pausedUntil > roundStart.getTime() && !(await usageProbe.tryResume(rt))) { if (rt.state === 'ready') rt.state = 'paused'; return 0; }
    if (!(await connect(rt, connecting))) return 0;
    // With a bulk lane, resyncs are its: this loop keeps to live operations, never behind a job.
    const claim = await claimRound(rt, roundStart, claimDeps, { only: laneOf(rt) ? 'live' : undefined });
    if (claim.kind === 'none') return 0;
    return finishRound(rt, claim, roundDeps, (writes, { markSent }) => sendBatches(batchWrites(writes, rt.definition.limits.maxBatchSize), {
      client: rt.client!, followers: claim.followers, purgeDeletes: rt.destination.purgeDeletes === true, markSent, onBatch: onBatch(id),
    }));
  };

  /** Since when each bulk lane holds back for a resync still being planned (bulk-lane.ts `bulkClaimTiming`). */
  const heldSince = new Map<string, number>();
  const dispatchBulkOnce = async (id: string): Promise<number> => {
    const rt = runtimes.get(id);
    const lane = rt ? laneOf(rt) : undefined;
    // Connecting, probing a pause and reconnecting are the live loop's: this lane only runs on a connection.
    if (!rt || !lane || !rt.catalog || rt.state === 'misconfigured' || rt.state === 'connecting' || rt.pausedUntil > now().getTime()) return 0;
    const timing = await bulkClaimTiming(store, id, lane, {
      nowMs: now().getTime(), heldSince: heldSince.get(id), settleMs: options.bulkSettleMs ?? 30_000, roundLimit: rt.definition.limits.maxBatchSize * 4, roundLeaseMs: leaseMs,
    });
    if (timing.kind === 'wait') { heldSince.set(id, timing.heldSince); return 0; }
    heldSince.delete(id);
    const claim = await claimRound(rt, now(), { ...claimDeps, leaseMs: timing.leaseMs }, { limit: timing.limit, only: 'resync' });
    if (claim.kind === 'none') return 0;
    return finishRound(rt, claim, roundDeps, (writes, { markSent }) => sendInBulk(writes, {
      client: rt.client!, followers: claim.followers, purgeDeletes: rt.destination.purgeDeletes === true, markSent, onBatch: onBatch(id),
      threshold: lane.threshold, maxRecords: lane.limits.maxRecords, maxBatchSize: rt.definition.limits.maxBatchSize,
    }));
  };

  const pause = (ms: number) => new Promise<void>((resolve) => { const timer = setTimeout(resolve, ms); timer.unref(); });

  const loop = async (rt: DestinationRuntime) => {
    const id = rt.destination.id;
    while (!stopping.stopped) {
      let handled = 0;
      try {
        handled = await dispatchOnce(id);
      } catch (error) {
        log.warn({ err: error, destination: id }, 'dispatching failed; retrying');
      }
      if (stopping.stopped) break;
      if (handled >= rt.definition.limits.maxBatchSize) continue;
      if (handled > 0) { await pause(lingerMs); continue; }
      const at = now().getTime();
      const waitMs = rt.pausedUntil > at ? Math.min(rt.pausedUntil - at, 60_000, usageProbe.waitMs(rt) ?? Infinity) : pollMs;
      const woken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), waitMs);
        timer.unref();
        rt.wake = () => { clearTimeout(timer); resolve(true); };
      });
      rt.wake = undefined;
      // Woken by new operations: let the rest of the burst be planned before sending.
      if (woken && !stopping.stopped) await pause(lingerMs);
    }
  };

  /** The bulk lane's loop: one claim at a time, each as big as a job; idle until its destination connects with bulk jobs. */
  const bulkLoop = async (rt: DestinationRuntime) => {
    const id = rt.destination.id;
    while (!stopping.stopped) {
      let handled = 0;
      try {
        handled = await dispatchBulkOnce(id);
      } catch (error) {
        log.warn({ err: error, destination: id }, 'dispatching a resync in bulk failed; retrying');
      }
      if (stopping.stopped) break;
      if (handled > 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        timer.unref();
        rt.wakeBulk = () => { clearTimeout(timer); resolve(); };
      });
      rt.wakeBulk = undefined;
    }
  };

  return {
    async connectAll(signal) {
      const found: Array<MappingIssue & { destination: string }> = [];
      // Resolves when the signal aborts: the connect goes on in the background; its outcome still lands in the runtime.
      const aborted = new Promise<void>((resolve) => { if (signal?.aborted) resolve(); else signal?.addEventListener('abort', () => resolve(), { once: true }); });
      for (const rt of runtimes.values()) {
        if (signal?.aborted) break;
        await Promise.race([connect(rt, connecting), aborted]);
        for (const issue of rt.mappingIssues ?? []) found.push({ destination: rt.destination.id, ...issue });
      }
      return found;
    },
    start() {
      lanesStarted = true;
      for (const rt of runtimes.values()) loops.push(loop(rt));
      if (options.bulkLane !== false) for (const rt of runtimes.values()) loops.push(bulkLoop(rt));
    },
    notify() {
      for (const rt of runtimes.values()) { rt.wake?.(); rt.wakeBulk?.(); }
    },
    dispatchOnce,
    dispatchBulkOnce,
    recordUrl(destination, object, recordId) {
      return runtimes.get(destination)?.client?.recordUrl?.(object, recordId);
    },
    canPurge(destination) {
      return typeof (runtimes.get(destination)?.client as { purge?: unknown } | undefined)?.purge === 'function';
    },
    status() {
      const at = now().getTime();
      return [...runtimes.values()].map((rt) => ({
        id: rt.destination.id, connector: rt.definition.id, state: rt.state, action: actionFor(rt.state, rt.lastError?.code),
        ...(rt.pausedUntil > at ? { pausedUntil: new Date(rt.pausedUntil).toISOString() } : {}),
        ...(rt.usage ? { usage: { used: rt.usage.used, limit: rt.usage.limit, at: rt.usage.at.toISOString() }, budgetRemaining: Math.max(0, budgetLeft(rt)!) } : {}),
        ...(rt.lastError ? { lastError: rt.lastError } : {}),
      }));
    },
    async stop({ graceMs }: { graceMs?: number } = {}) {
      stopping.stop();
      for (const rt of runtimes.values()) { rt.wake?.(); rt.wakeBulk?.(); }
      const rounds = Promise.all(loops).then(() => true);
      const finished = graceMs === undefined ? await rounds : await Promise.race([rounds, pause(graceMs).then(() => false)]);
      // A round past the grace ends on its own; its late results are ignored once its leases are given back.
      if (!finished) log.warn({ graceMs }, 'a round was still sending when stopping; its operations are given back, to be looked up before being sent again');
      const released = await store.releaseLeases(owner, { now: now() }).catch((err: unknown) => {
        log.warn({ err }, 'could not give back the leases at stop; they expire on their own');
        return 0;
      });
      if (released > 0) log.info({ released }, 'leased operations given back');
      if (!finished) {
        // Not awaited: the call still out settles on its own; the limiter then closes its Redis connections.
        for (const rt of runtimes.values()) {
          void rt.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
          void rt.requestSpacing?.stop({ dropWaitingJobs: true }).catch(() => undefined);
        }
        return;
      }
      for (const rt of runtimes.values()) {
        await rt.limiter.stop({ dropWaitingJobs: false }).catch(() => undefined);
        await rt.requestSpacing?.stop({ dropWaitingJobs: false }).catch(() => undefined);
        await rt.client?.close().catch(() => undefined);
      }
    },
  };
}
