import type { OperationOutcome } from '../store/store.ts';
import { DEFAULT_RETRY_SCHEDULE } from './backoff.ts';
import { readRoundBindings } from './bind-references.ts';
import { budgetLeft, claimRound } from './claim-round.ts';
import { connect, noteWriteResults, openThroughKit, type ConnectDeps, type ConnectionPolicy } from './connection.ts';
import { actionFor } from './destination-state.ts';
import type { DestinationRuntime, Dispatcher, DispatcherOptions, MappingIssue } from './dispatcher-types.ts';
import { createDestinationLimiter } from './limits/destination-limiter.ts';
import { lookUpRound } from './lookups.ts';
import { deadLetterLine, followerOutcomes, outcomeKind, outcomesOfBatch, retryOutcome, type OutcomeContext, type ResultContext } from './outcomes.ts';
import { batchWrites, planWrites, planner } from './plan-writes.ts';
import { sendBatches } from './send-batches.ts';
import { createStopping } from './stopping.ts';
import { createUsageProbe, heldOperationWaitMs } from './usage-probe.ts';

import { errorSummary } from './write-plan.ts';
export { mergeByRecord } from './write-plan.ts';
export { DESTINATION_STATES, type DestinationState } from './destination-state.ts';
export type { DestinationStatus, Dispatcher, DispatcherOptions } from './dispatcher-types.ts';

// The dispatcher: one loop per destination, each round claim → plan → send → record. Each step is
// a file of its own (claim-round, bind-references and plan-writes, send-batches, outcomes,
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
  /** The outcome context at this moment: outcomes are dated when they are decided. */
  const outcomesNow = (): OutcomeContext => ({ now: now(), schedule, random });
  const recordOptions = () => ({ owner, now: now() });

  const dispatchOnce = async (id: string): Promise<number> => {
    const rt = runtimes.get(id);
    if (!rt || (rt.state === 'misconfigured' && rt.mappingIssues && rt.mappingIssues.length > 0)) return 0;
    const roundStart = now();
    // A pause for budget or quota ends early when a usage probe finds budget back (usage-probe.ts).
    if (rt.pausedUntil > roundStart.getTime() && !(await usageProbe.tryResume(rt))) { if (rt.state === 'ready') rt.state = 'paused'; return 0; }
    if (!(await connect(rt, connecting))) return 0;
    const claim = await claimRound(rt, roundStart, { store, owner, leaseMs, budgetPauseMs: options.budgetPauseMs ?? 15 * 60_000, usageProbe, now, outcomes: { schedule, random }, logger: log });
    if (claim.kind === 'none') return 0;
    const client = rt.client!;

    const bindings = await readRoundBindings(store, id, claim.heads);
    const plan = planner(rt.catalog!, bindings);
    let planned: Awaited<ReturnType<typeof planWrites>>;
    try {
      // Every look-up the round needs, made together (lookups.ts); the kit puts each call through the limiter.
      const lookups = await lookUpRound(claim.heads, plan, client);
      planned = await planWrites(claim.heads, { plan, bindings, lookups, outcomes: outcomesNow() });
    } catch (error) {
      // A look-up the CRM refused fails the round before anything is sent: its operations go back to
      // the outbox now (an unknown outcome stays unknown), not when their leases expire.
      const failed = { ...errorSummary(error), class: 'retryable' };
      await store.recordOutcomes(claim.leased.map((op) => retryOutcome(op, { error: failed, spendAttempt: true, outcomeUnknown: op.outcomeUnknown }, outcomesNow())), recordOptions());
      throw error;
    }
    const { settled, writes } = planned;

    const sent = await sendBatches(batchWrites(writes, rt.definition.limits.maxBatchSize), {
      client, followers: claim.followers, purgeDeletes: rt.destination.purgeDeletes === true,
      // Marked sent, durably, just before the call: after a crash only these are looked up (store.markSent).
      markSent: async (ids) => { await store.markSent(ids, recordOptions()); },
      onBatch: (size) => options.metrics?.dispatchBatchSize.observe({ destination: id }, size),
    });
    // In a fixed order whatever order the calls ended in: settled, then each batch's, then followers' copies.
    const outcomes: OperationOutcome[] = [...settled];
    for (const batch of sent) {
      if (batch.results) noteWriteResults(rt, batch.results, policy);
      // A connector is not meant to reject; if one does, its operations are tried again.
      else log.error({ err: batch.error, destination: id }, 'the connector failed a whole batch');
      const context: ResultContext = { ...outcomesNow(), heldWaitMs: (retryAfterMs) => heldOperationWaitMs(retryAfterMs, rt) };
      outcomes.push(...outcomesOfBatch(batch, context));
    }
    const objectOf = new Map(claim.heads.map((op) => [op.id, op.object]));
    for (const outcome of outcomes) {
      const dead = deadLetterLine(outcome, { object: objectOf.get(outcome.id) ?? '' }, id);
      if (dead) log.warn(dead.fields, dead.message);
    }
    outcomes.push(...followerOutcomes(outcomes, claim.followers));

    await store.recordOutcomes(outcomes, recordOptions());
    for (const outcome of outcomes) options.metrics?.dispatchResults.inc({ destination: id, outcome: outcomeKind(outcome) });
    // A pause the round set (quota, budget); an unreachable CRM keeps saying so while it waits.
    if (rt.pausedUntil > now().getTime() && rt.state === 'ready') rt.state = 'paused';
    return claim.leased.length;
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
      for (const rt of runtimes.values()) loops.push(loop(rt));
    },
    notify() {
      for (const rt of runtimes.values()) rt.wake?.();
    },
    dispatchOnce,
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
      for (const rt of runtimes.values()) rt.wake?.();
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
