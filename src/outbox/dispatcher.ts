import Bottleneck from 'bottleneck';
import type { DestinationClient, DestinationDefinition, ObjectCatalog, UsageReading, VendorError, WriteBatch, WriteOperation, WriteResult } from '../connectors/destination.ts';
import type { ActiveDestination } from '../connectors/destination-registry.ts';
import { createOutboundClient } from '../connectors/outbound.ts';
import { connectDestination } from '../connectors/destination-kit/index.ts';
import { isParleyError } from '../errors.ts';
import { actionFor, type DestinationState } from './destination-state.ts';
import { BUDGET_RESERVED, createUsageProbe, heldOperationWaitMs } from './usage-probe.ts';
import { errorSummary, linkKeysOf, mergeByRecord, planWrite } from './write-plan.ts';
import { lookUpRound } from './lookups.ts';

export { mergeByRecord } from './write-plan.ts';
import { checkAgainstCatalog } from '../mappings/catalog-check.ts';
import type { OperationOutcome, StoredOperation } from '../store/store.ts';
import { DEFAULT_RETRY_SCHEDULE, pastRetryWindow, retryDelayMs } from './backoff.ts';
import type { Dispatcher, DispatcherOptions } from './dispatcher-types.ts';

export { DESTINATION_STATES, type DestinationState } from './destination-state.ts';

export type { DestinationStatus, Dispatcher, DispatcherOptions } from './dispatcher-types.ts';

interface Runtime {
  destination: ActiveDestination;
  /** Concurrency and spacing of calls to this destination. */
  limiter: Bottleneck;
  mappingIssues?: Array<{ file: string; mapping: string; key: string; problem: string }>;
  definition: DestinationDefinition<unknown>;
  client?: DestinationClient;
  catalog?: ObjectCatalog;
  state: DestinationState;
  pausedUntil: number;
  /** Network failures in a row, for the backoff of an unreachable destination. */
  failures: number;
  usage?: UsageReading;
  lastError?: { code: string; message: string };
  wake?: () => void;
}

/** Codes of connection failures that need a person, not time. */
const NEEDS_A_PERSON = new Set(['PARLEY_DESTINATION_CONFIG', 'PARLEY_DESTINATION_UNTRUSTED_HOST', 'PARLEY_DESTINATION_REDIRECTED', 'PARLEY_MAPPING_INVALID']);

/** Thrown into a connect that was still waiting when the dispatcher stopped. */
const STOPPING = Symbol('stopping');

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 500;
  const lingerMs = options.lingerMs ?? 250;
  const reconnectMs = options.reconnectMs ?? 30_000;
  const unreachableBaseMs = options.unreachableBaseMs ?? 5_000;
  const unreachableMaxMs = options.unreachableMaxMs ?? 5 * 60_000;
  const schedule = options.retry ?? DEFAULT_RETRY_SCHEDULE;
  const log = options.logger;
  const runtimes = new Map<string, Runtime>(options.destinations.map((d) => [d.id, {
    destination: d, definition: d.definition, state: 'connecting', pausedUntil: 0, failures: 0,
    limiter: new Bottleneck({ maxConcurrent: d.limits.maxConcurrent, minTime: d.limits.minTimeMs }),
  }]));
  const budgetPauseMs = options.budgetPauseMs ?? 15 * 60_000;
  /** Calls Parley may still make before touching the reserve, from the last usage reading. */
  const budgetRemaining = (rt: Runtime) => (rt.usage ? Math.floor(rt.usage.limit * (1 - rt.destination.budgetReserve)) - rt.usage.used : undefined);
  const usageProbe = createUsageProbe({ now: options.now, logger: log });
  let stopped = false;
  const loops: Array<Promise<void>> = [];
  let onStopping: () => void = () => undefined;
  const stopping = new Promise<void>((resolve) => { onStopping = resolve; });
  /** `work`, or STOPPING thrown once stop() begins (the work goes on unawaited; its result is dropped). */
  const untilStopped = <T>(work: Promise<T>): Promise<T> => {
    work.catch(() => undefined);
    return Promise.race([work, stopping.then((): never => { throw STOPPING; })]);
  };

  /**
   * Records a failure to reach or use the destination: `misconfigured` (needs a person) or
   * `unreachable` (the network: backoff doubling from unreachableBaseMs up to unreachableMaxMs,
   * with jitter). Logged once per change of state or cause, not at every retry.
   */
  const fail = (rt: Runtime, error: unknown) => {
    const id = rt.destination.id;
    const summary = errorSummary(error);
    const state: DestinationState = NEEDS_A_PERSON.has(summary.code) ? 'misconfigured' : 'unreachable';
    rt.failures = state === 'unreachable' ? rt.failures + 1 : 0;
    const waitMs = state === 'misconfigured' ? reconnectMs
      : Math.min(unreachableMaxMs, unreachableBaseMs * 2 ** Math.min(rt.failures - 1, 20)) * (0.5 + options.random() / 2);
    const changed = rt.state !== state || rt.lastError?.code !== summary.code;
    rt.state = state;
    rt.lastError = summary;
    rt.pausedUntil = options.now().getTime() + waitMs;
    const host = isParleyError(error) ? (error.details as { host?: string }).host : undefined;
    const fields = { destination: id, code: summary.code, ...(host ? { host } : {}), retryInMs: Math.round(waitMs), err: isParleyError(error) ? undefined : error };
    if (!changed) log.debug(fields, `destination "${id}" is still ${state}`);
    else if (state === 'misconfigured') log.error(fields, `destination "${id}" is misconfigured: ${summary.message}`);
    else log.warn(fields, `destination "${id}" is unreachable: ${summary.message}`);
  };

  const connect = async (rt: Runtime): Promise<boolean> => {
    if (rt.client) return true;
    const id = rt.destination.id;
    try {
      // A CRM slow to answer a login must not hold up a stop: the wait ends when stopping begins.
      // The destination kit wraps the connector's session: every call of it goes through this
      // destination's limiter, and its usage and rate limits come back on one channel each.
      const connecting = connectDestination(rt.definition, rt.destination.config, {
        name: id,
        logger: log,
        now: options.now,
        outbound: (baseUrl) => createOutboundClient({ destination: id, baseUrl, trustedDomains: rt.definition.trustedDomains ?? [], policy: rt.destination.outbound }),
        ...(options.sandboxUrl?.(rt.definition.id) ? { sandboxUrl: options.sandboxUrl(rt.definition.id)! } : {}),
      }, {
        schedule: (call) => rt.limiter.schedule(call),
        ...(rt.destination.retry ? { retry: rt.destination.retry } : {}),
        onUsage: (reading) => { rt.usage = reading; },
        onRateLimited: (waitMs) => { rt.pausedUntil = Math.max(rt.pausedUntil, options.now().getTime() + waitMs); },
      });
      // One that connects after the stop is closed at once: nobody will use it.
      connecting.then((client) => { if (stopped && rt.client !== client) void client.close().catch(() => undefined); }, () => undefined);
      rt.client = await untilStopped(connecting);
      rt.catalog = await untilStopped(rt.client.catalog());
    } catch (error) {
      await rt.client?.close().catch(() => undefined);
      rt.client = undefined;
      if (error === STOPPING) return false;
      // Refused credentials or settings need a person; they are still tried again, in case the CRM side is fixed.
      fail(rt, error);
      return false;
    }
    const issues = options.mappings.filter((m) => m.definition.target.destination === id)
      .flatMap((m) => checkAgainstCatalog(m, rt.catalog!).map((issue) => ({ file: m.file, mapping: m.definition.id, ...issue })));
    rt.mappingIssues = issues;
    if (issues.length > 0) {
      rt.state = 'misconfigured';
      rt.lastError = { code: 'PARLEY_MAPPING_INVALID', message: issues.map((i) => `${i.file} ${i.key}: ${i.problem}`).join('; ') };
      for (const issue of issues) log.error(issue, `mapping ${issue.mapping} does not fit ${id}'s catalog; nothing is sent to ${id} until it is fixed`);
      return false;
    }
    options.onCatalog?.(id, rt.catalog);
    log.info({ destination: id, objects: rt.catalog.objects.length, ...(rt.state === 'unreachable' ? { after: `${rt.failures} failed tries` } : {}) }, 'destination connected');
    rt.state = 'ready';
    rt.failures = 0;
    rt.lastError = undefined;
    return true;
  };

  const dispatchOnce = async (id: string): Promise<number> => {
    const rt = runtimes.get(id);
    if (!rt || (rt.state === 'misconfigured' && rt.mappingIssues && rt.mappingIssues.length > 0)) return 0;
    const now = options.now();
    // A pause for budget or quota ends early when a usage probe finds budget back (usage-probe.ts).
    if (rt.pausedUntil > now.getTime() && !(await usageProbe.tryResume(rt))) { if (rt.state === 'ready') rt.state = 'paused'; return 0; }
    if (!(await connect(rt))) return 0;
    const remaining = budgetRemaining(rt);
    if (remaining !== undefined && remaining <= 0) {
      // The rest of the quota belongs to the org's other integrations: wait for the window to move.
      rt.pausedUntil = now.getTime() + budgetPauseMs;
      rt.state = 'paused';
      rt.lastError = { code: 'PARLEY_OUTBOX_BUDGET_RESERVED', message: `${rt.usage!.used} of ${rt.usage!.limit} API calls used; ${Math.round(rt.destination.budgetReserve * 100)} % is kept for other integrations` };
      log.warn({ destination: id, used: rt.usage!.used, limit: rt.usage!.limit }, 'api budget reached; pausing this destination');
      return 0;
    }
    // An unreachable destination stays so until a call goes through.
    if (rt.state !== 'unreachable') rt.state = 'ready';
    const client = rt.client!;
    const maxBatch = rt.definition.limits.maxBatchSize;
    const leased = await options.store.claimOperations(id, { owner: options.owner, now, leaseMs, limit: maxBatch * 4 });
    if (leased.length === 0) return 0;
    // After a quiet spell the reading may be stale (the org's other integrations share the quota): read
    // again before spending calls on it; over the reserve, the work goes back and the next round pauses.
    if (await usageProbe.refreshIfStale(rt) && budgetRemaining(rt)! <= 0) {
      const held = { code: BUDGET_RESERVED, message: 'held back: only the reserve of the API quota is left', class: 'rate-limited' };
      await options.store.recordOutcomes(leased.map((op) => retryOutcome(op, held, false, op.outcomeUnknown, 0)), { owner: options.owner, now: options.now() });
      return 0;
    }
    const { heads: claimed, followers } = mergeByRecord(leased);

    const links = new Map((await options.store.readLinks(id, linkKeysOf(claimed))).map((l) => [`${l.object}\u0000${l.key}`, l.crmId]));
    const linkOf = (object: string, key: string | undefined) => (key === undefined ? undefined : links.get(`${object}\u0000${key}`));
    const firsts = new Map((await options.store.readFirstRecords(id, claimed.flatMap((op) => op.references.filter((r) => r.firstOfIdentity).map((r) => ({ object: r.object, orderingKey: op.orderingKey })))))
      .map((f) => [`${f.object}\u0000${f.orderingKey}`, f.crmId]));
    const outcomes: OperationOutcome[] = [];
    const unboundOf = new Map<string, Array<{ field: string; object: string; key: string }>>();
    const parentLinks = new Map<string, Array<{ object: string; key: string; crmId: string }>>();
    const groups = new Map<string, { object: string; operation: WriteBatch['operation']; matchKey?: string; items: Array<{ op: StoredOperation; write: WriteOperation }> }>();
    const planOf = (op: StoredOperation, lookups: Parameters<typeof planWrite>[3]) => planWrite(op, rt.catalog!.objects.find((o) => o.name === op.object), linkOf(op.object, op.recordKey), lookups);
    // Every look-up the round needs, made together (lookups.ts); the kit puts each call through the limiter.
    const lookups = await lookUpRound(claimed, planOf, client);

    for (const op of claimed) {
      const plan = await planOf(op, lookups);
      if (plan.kind === 'done') { outcomes.push({ id: op.id, outcome: 'done', crmId: plan.crmId }); continue; }
      if (plan.kind === 'wait') { outcomes.push(retryOutcome(op, { code: 'PARLEY_OUTBOX_RECORD_NOT_FOUND', message: plan.reason }, true)); continue; }
      // References are bound now, from what is already written; one to a record Parley never
      // planned stays empty rather than waiting (the store holds back those still planned).
      // A person the CRM already knows (a Contact with their e-mail, say) is parented there, as
      // Salesforce's handler does; a lookup per rule, only for a record about to be created.
      const matched = new Map<string, string>();
      if (plan.operation !== 'update' && plan.operation !== 'delete' && lookups.available) {
        for (const ref of op.references) {
          for (const m of ref.match ?? []) {
            const found = await lookups.lookup(m.object, m.field, m.value).catch(() => undefined);
            if (found) { matched.set(ref.field, found); break; }
          }
        }
      }
      // A parent that can only be the identity's first record (a persona's first post) and does not
      // exist yet: creating now would only fail. Held back until one is written.
      if (matched.size > 0 && op.recordKey !== undefined) {
        // Remembered so the person's posts can point at the same CRM record (a post's WhoId).
        parentLinks.set(op.id, [...matched.values()].slice(0, 1).map((crmId) => ({ object: `${op.object}.parent`, key: op.recordKey!, crmId })));
      }
      const orphan = plan.operation !== 'update' && plan.operation !== 'delete'
        ? op.references.find((r) => r.firstOfIdentity && !matched.has(r.field) && !firsts.has(`${r.object}\u0000${op.orderingKey}`)) : undefined;
      if (orphan) {
        // Not a failure: the person has not posted yet (Salesforce's handler makes personas only from
        // posts). No attempt is spent; the wait ends early when their first post is written.
        outcomes.push(retryOutcome(op, { code: 'PARLEY_OUTBOX_PARENT_MISSING', message: `waiting for a first ${orphan.object} of this identity to be the parent (${orphan.field})` }, false, false, schedule.stepsMs.at(-1)));
        continue;
      }
      const fields = { ...op.fields };
      for (const ref of op.references) {
        const crmId = matched.get(ref.field) ?? (ref.firstOfIdentity ? firsts.get(`${ref.object}\u0000${op.orderingKey}`) : linkOf(ref.object, ref.key));
        if (crmId !== undefined) fields[ref.field] = crmId;
        else if (ref.bind === 'later' && ref.key !== undefined) (unboundOf.get(op.id) ?? unboundOf.set(op.id, []).get(op.id)!).push({ field: ref.field, object: ref.object, key: ref.key });
      }
      const key = `${op.object}\u0000${plan.operation}\u0000${plan.matchKey ?? ''}`;
      let group = groups.get(key);
      if (!group) groups.set(key, group = { object: op.object, operation: plan.operation, ...(plan.matchKey ? { matchKey: plan.matchKey } : {}), items: [] });
      group.items.push({ op, write: { id: op.id, fields, ...(plan.recordId ? { recordId: plan.recordId } : {}), ...(op.matchValue ? { matchValue: op.matchValue } : {}) } });
    }

    const calls: Array<Promise<void>> = [];
    for (const group of groups.values()) {
      for (let start = 0; start < group.items.length; start += maxBatch) {
        const chunk = group.items.slice(start, start + maxBatch);
        const batch: WriteBatch = { object: group.object, operation: group.operation, ...(group.matchKey ? { matchKey: group.matchKey } : {}), operations: chunk.map((c) => c.write) };
        options.metrics?.dispatchBatchSize.observe({ destination: id }, batch.operations.length);
        // Marked sent, durably, just before the call: after a crash only these are looked up (store.markSent).
        const sent = chunk.flatMap(({ op }) => [op.id, ...(followers.get(op.id) ?? [])]);
        const beforeSend = async () => { await options.store.markSent(sent, { owner: options.owner, now: options.now() }); };
        calls.push(client.write(batch, { beforeSend }).then((results) => {
          // A call the network cut off for every record: the destination is unreachable, not each record wrong.
          const all = [...results.values()];
          const cut = all.length > 0 && all.every((r) => r.status === 'retryable' && r.error.code === 'PARLEY_DESTINATION_UNREACHABLE') ? all[0] : undefined;
          if (cut?.status === 'retryable') fail(rt, { code: cut.error.code, message: cut.error.message });
          else if (rt.state === 'unreachable') {
            log.info({ destination: id, after: `${rt.failures} failed tries` }, 'destination reachable again');
            rt.state = 'ready';
            rt.failures = 0;
            rt.lastError = undefined;
          }
          for (const { op } of chunk) {
            const outcome = outcomeFor(op, results.get(op.id), rt);
            const unbound = unboundOf.get(op.id);
            const links = parentLinks.get(op.id);
            outcomes.push(outcome.outcome === 'done' ? { ...outcome, ...(unbound ? { unbound } : {}), ...(links ? { links } : {}) } : outcome);
          }
        }, (error: unknown) => {
          // A connector is not meant to reject; if one does, its operations are tried again.
          log.error({ err: error, destination: id }, 'the connector failed a whole batch');
          for (const { op } of chunk) outcomes.push(retryOutcome(op, { ...errorSummary(error), class: 'retryable' }, true, true));
        }));
      }
    }
    await Promise.all(calls);
    // A merged write's outcome is every merged operation's.
    for (const outcome of [...outcomes]) {
      for (const follower of followers.get(outcome.id) ?? []) {
        const copy = { ...outcome, id: follower } as OperationOutcome & { unbound?: unknown };
        delete copy.unbound;
        outcomes.push(copy);
      }
    }
    await options.store.recordOutcomes(outcomes, { owner: options.owner, now: options.now() });
    for (const outcome of outcomes) {
      const kind = outcome.outcome === 'retry' ? (outcome.spendAttempt ? 'retry' : 'waiting') : outcome.outcome;
      options.metrics?.dispatchResults.inc({ destination: id, outcome: kind });
    }
    if (rt.pausedUntil > options.now().getTime()) rt.state = 'paused';
    return leased.length;
  };

  const retryOutcome = (op: StoredOperation, error: VendorError & { class?: string }, spendAttempt: boolean, outcomeUnknown = false, waitMs?: number): OperationOutcome => {
    const now = options.now();
    if (spendAttempt && pastRetryWindow(new Date(op.createdAt), now, schedule)) {
      log.warn({ operationId: op.id, object: op.object, code: error.code }, 'an operation ran out of retries; kept as a dead letter');
      return { id: op.id, outcome: 'dead', error: { ...error, class: error.class ?? 'retryable', gaveUp: `retried for ${Math.round(schedule.maxAgeMs / 3600_000)} h` } };
    }
    const delay = waitMs ?? retryDelayMs(op.attempts + 1, schedule, options.random);
    return { id: op.id, outcome: 'retry', nextAttemptAt: new Date(now.getTime() + delay), error: { ...error, class: error.class ?? 'retryable' }, spendAttempt, ...(outcomeUnknown ? { outcomeUnknown } : {}) };
  };

  const outcomeFor = (op: StoredOperation, result: WriteResult | undefined, rt: Runtime): OperationOutcome => {
    if (!result) return retryOutcome(op, { code: 'PARLEY_OUTBOX_NO_RESULT', message: 'the connector returned no result for this operation' }, true);
    switch (result.status) {
      case 'done': return { id: op.id, outcome: 'done', crmId: result.recordId };
      case 'retryable': return retryOutcome(op, { ...result.error, class: 'retryable' }, true, result.outcomeUnknown === true);
      case 'rate-limited':
        rt.pausedUntil = Math.max(rt.pausedUntil, options.now().getTime() + result.retryAfterMs);
        return retryOutcome(op, { ...result.error, class: 'rate-limited' }, false, false, heldOperationWaitMs(result.retryAfterMs, rt));
      case 'permanent':
        log.warn({ destination: rt.destination.id, operationId: op.id, object: op.object, code: result.error.code, scope: result.scope }, 'the CRM refused an operation for good; kept as a dead letter');
        return { id: op.id, outcome: 'dead', error: { ...result.error, class: 'permanent', scope: result.scope } };
    }
  };

  const pause = (ms: number) => new Promise<void>((resolve) => { const timer = setTimeout(resolve, ms); timer.unref(); });

  const loop = async (id: string) => {
    const rt = runtimes.get(id)!;
    while (!stopped) {
      let handled = 0;
      try {
        handled = await dispatchOnce(id);
      } catch (error) {
        log.warn({ err: error, destination: id }, 'dispatching failed; retrying');
      }
      if (stopped) break;
      if (handled >= rt.definition.limits.maxBatchSize) continue;
      if (handled > 0) { await pause(lingerMs); continue; }
      const waitMs = rt.pausedUntil > Date.now() ? Math.min(rt.pausedUntil - Date.now(), 60_000, usageProbe.waitMs(rt) ?? Infinity) : pollMs;
      const woken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), waitMs);
        timer.unref();
        rt.wake = () => { clearTimeout(timer); resolve(true); };
      });
      rt.wake = undefined;
      // Woken by new operations: let the rest of the burst be planned before sending.
      if (woken && !stopped) await pause(lingerMs);
    }
  };

  return {
    async connectAll(signal) {
      const found: Array<{ destination: string; file: string; mapping: string; key: string; problem: string }> = [];
      // Resolves when the signal aborts: the connect goes on in the background; its outcome still lands in the runtime.
      const aborted = new Promise<void>((resolve) => { if (signal?.aborted) resolve(); else signal?.addEventListener('abort', () => resolve(), { once: true }); });
      for (const rt of runtimes.values()) {
        if (signal?.aborted) break;
        await Promise.race([connect(rt), aborted]);
        for (const issue of rt.mappingIssues ?? []) found.push({ destination: rt.destination.id, ...issue });
      }
      return found;
    },
    start() {
      for (const id of runtimes.keys()) loops.push(loop(id));
    },
    notify() {
      for (const rt of runtimes.values()) rt.wake?.();
    },
    dispatchOnce,
    status() {
      return [...runtimes.values()].map((rt) => ({
        id: rt.destination.id, connector: rt.definition.id, state: rt.state, action: actionFor(rt.state, rt.lastError?.code),
        ...(rt.pausedUntil > Date.now() ? { pausedUntil: new Date(rt.pausedUntil).toISOString() } : {}),
        ...(rt.usage ? { usage: { used: rt.usage.used, limit: rt.usage.limit, at: rt.usage.at.toISOString() }, budgetRemaining: Math.max(0, budgetRemaining(rt)!) } : {}),
        ...(rt.lastError ? { lastError: rt.lastError } : {}),
      }));
    },
    async stop({ graceMs }: { graceMs?: number } = {}) {
      stopped = true;
      onStopping();
      for (const rt of runtimes.values()) rt.wake?.();
      const rounds = Promise.all(loops).then(() => true);
      const finished = graceMs === undefined ? await rounds : await Promise.race([rounds, pause(graceMs).then(() => false)]);
      // A round past the grace ends on its own; its late results are ignored once its leases are given back.
      if (!finished) log.warn({ graceMs }, 'a round was still sending when stopping; its operations are given back, to be looked up before being sent again');
      const released = await options.store.releaseLeases(options.owner, { now: options.now() }).catch((err: unknown) => {
        log.warn({ err }, 'could not give back the leases at stop; they expire on their own');
        return 0;
      });
      if (released > 0) log.info({ released }, 'leased operations given back');
      if (!finished) return;
      for (const rt of runtimes.values()) {
        await rt.limiter.stop({ dropWaitingJobs: false }).catch(() => undefined);
        await rt.client?.close().catch(() => undefined);
      }
    },
  };
}
