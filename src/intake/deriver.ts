import { performance } from 'node:perf_hooks';
import type { ActiveSource } from '../connectors/registry.ts';
import { deadLetterReasons } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { CanonicalData } from '../model/index.ts';
import type { DerivedDelivery, PendingDelivery, Store } from '../store/store.ts';
import { deadLetterKey, deriveEvents } from './derive-events.ts';

/**
 * Turns stored deliveries into canonical events, deduplicated, in order, off the webhook's hot path.
 *
 * Why not parse before the 200: parsing, validating and writing 2–3 events costs several times
 * what verifying and appending the raw body does (measured under `npm run bench:intake`), and the sender only needs to know
 * the delivery is safe. Storing first also means a parser bug can never lose a delivery.
 * While webhooks keep arriving, derivation takes a small share of the event loop (`pace`), so the
 * 200s stay fast through a burst, and it catches up as soon as intake is quiet. Readers that must
 * see every event (`GET /v1/events`) call `catchUp`.
 */
export interface Deriver {
  /** Starts on whatever is pending (deliveries left by a previous run). */
  start(): void;
  /** Tells the deriver deliveries were committed (here: intake is busy, pace derivation). */
  notify(): void;
  /** Looks for pending deliveries without taking intake for busy: another instance may have committed them. */
  poll(): void;
  /**
   * Derives until nothing is pending or `timeoutMs` passes.
   * @returns true when nothing was left pending
   */
  catchUp(timeoutMs: number): Promise<boolean>;
  /** Derives at most `limit` pending deliveries in one transaction; returns how many. */
  step(limit: number): Promise<number>;
  /** Stops scheduling; resolves once a running step has finished. */
  stop(): Promise<void>;
}

export interface DeriverOptions {
  store: Store;
  sources: ActiveSource[];
  metrics: Metrics;
  logger: Logger;
  now: () => Date;
  newId: () => string;
  /** How long an event key deduplicates, ms. */
  dedupWindowMs: number;
  /** Deliveries per step, and per transaction of `catchUp` (default 64). */
  chunk?: number;
  /** Pacing while webhooks keep arriving (see `pace`). */
  saturated?: Partial<SaturatedPacing>;
  /** Pause before retrying after a failed step, ms (default 1000). */
  retryMs?: number;
  /** Called after a step stored new events (the planner listens). */
  onEventsStored?: () => void;
  /**
   * The ids of events to refuse rather than store: an erased person's (src/erasures/suppression.ts).
   * Asked once per step; a refused event is counted (`outcome="erased"`), never stored.
   */
  refuse?: (events: Array<{ id: string; source: string; key: string; data: CanonicalData }>) => Promise<Set<string>>;
  /**
   * The data-gathering policy's intake drops (src/policies/intake-drops.ts): each parsed event's
   * data as it may be stored, so a dropped field never reaches the store. Applied before `refuse`.
   */
  dropFields?: (source: string, data: CanonicalData) => CanonicalData;
}

/** How derivation yields to webhooks while they keep arriving. */
export interface SaturatedPacing {
  /** Deliveries per step while webhooks keep arriving (default 16). */
  chunk: number;
  /** Share of the event loop derivation takes while webhooks keep arriving and it lags less than `maxLagMs` (default 0.03). */
  share: number;
  /** Past this lag (ms), derivation takes `lagShare` of the loop even while webhooks arrive (default 30 000). */
  maxLagMs: number;
  /** Share taken once the lag is past `maxLagMs` (default 0.5). */
  lagShare: number;
}

/** Intake counts as busy when it committed within this many ms. */
const BUSY_WINDOW_MS = 50;

/**
 * The next step's size and delay. Quiet intake: full steps, back to back. Busy intake: small steps
 * taking a small share of the loop, so a burst's 200s stay fast — unless derivation already lags
 * by more than `maxLagMs`, when it takes a larger share so the lag stays bounded under steady load.
 * Pure, so the policy is tested apart from timers.
 */
export function pace(state: { busy: boolean; lagMs: number; lastStepMs: number }, chunk: number, saturated: SaturatedPacing): { limit: number; delayMs: number } {
  if (!state.busy) return { limit: chunk, delayMs: 0 };
  const share = state.lagMs > saturated.maxLagMs ? saturated.lagShare : saturated.share;
  return { limit: saturated.chunk, delayMs: Math.max(1, (state.lastStepMs * (1 - share)) / share) };
}

export function createDeriver(options: DeriverOptions): Deriver {
  const chunk = options.chunk ?? 64;
  const saturated: SaturatedPacing = { chunk: 16, share: 0.03, maxLagMs: 30_000, lagShare: 0.5, ...options.saturated };
  const retryMs = options.retryMs ?? 1000;
  const sources = new Map(options.sources.map((s) => [s.id, s]));
  const log = options.logger;
  let lastStepMs = 0;
  let lastNotified = 0;
  // Age of the oldest delivery the last step found pending, ms: how far derivation lags behind.
  let lagMs = 0;
  let timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  let stopped = false;
  let current: Promise<number> = Promise.resolve(0);

  const derive = async (delivery: PendingDelivery): Promise<DerivedDelivery> => {
    const source = sources.get(delivery.source);
    const outcome = source
      ? await deriveEvents(source, delivery.body, delivery.receivedAt, delivery.headers)
      : { ok: false as const, reasonCode: deadLetterReasons.PARSER_FAILED.code, reason: `source "${delivery.source}" is no longer configured`, details: {} };
    if (outcome.ok) {
      const drop = options.dropFields;
      return { delivery, outcome: { type: 'events', events: outcome.events.map((e) => ({ id: options.newId(), kind: e.data.kind, key: e.key, data: drop ? drop(delivery.source, e.data) : e.data })) } };
    }
    if (outcome.reasonCode === deadLetterReasons.PARSER_FAILED.code) log.error({ err: outcome.cause, source: delivery.source, deliveryId: delivery.id }, outcome.reason);
    return {
      delivery,
      outcome: { type: 'dead-letter', deadLetter: { id: options.newId(), reasonCode: outcome.reasonCode, reason: outcome.reason, details: outcome.details, key: deadLetterKey(delivery.body) } },
    };
  };

  /** Drops the events of erased persons from the batch's outcomes (the delivery stays derived, with fewer events). */
  const refuseErased = async (batch: DerivedDelivery[], refuse: NonNullable<DeriverOptions['refuse']>): Promise<void> => {
    const candidates = batch.flatMap(({ delivery, outcome }) => (outcome.type === 'events' ? outcome.events.map((e) => ({ id: e.id, source: delivery.source, key: e.key, data: e.data })) : []));
    const refused = await refuse(candidates);
    if (refused.size === 0) return;
    for (const item of batch) {
      if (item.outcome.type !== 'events') continue;
      for (const e of item.outcome.events) if (refused.has(e.id)) options.metrics.intakeEvents.inc({ source: item.delivery.source, kind: e.kind, outcome: 'erased' });
      item.outcome = { type: 'events', events: item.outcome.events.filter((e) => !refused.has(e.id)) };
    }
    log.info({ refused: refused.size }, 'refused events of erased persons');
  };

  const runStep = async (limit: number): Promise<number> => {
    const pending = await options.store.readPendingDeliveries(limit);
    if (pending.length === 0) return 0;
    lagMs = options.now().getTime() - pending[0]!.receivedAt.getTime();
    const batch = await Promise.all(pending.map(derive));
    if (options.refuse) await refuseErased(batch, options.refuse);
    const results = await options.store.commitDerived(batch, { dedupSince: new Date(options.now().getTime() - options.dedupWindowMs) });
    results.forEach((result, i) => {
      const { delivery, outcome } = batch[i]!;
      if (result.type === 'dead-letter') {
        options.metrics.derivedDeliveries.inc({ source: delivery.source, outcome: result.stored ? 'dead_letter' : 'duplicate' });
        return;
      }
      const stored = new Set(result.storedEventIds);
      const events = outcome.type === 'events' ? outcome.events : [];
      for (const e of events) options.metrics.intakeEvents.inc({ source: delivery.source, kind: e.kind, outcome: stored.has(e.id) ? 'stored' : 'duplicate' });
      options.metrics.derivedDeliveries.inc({ source: delivery.source, outcome: events.length === 0 ? 'empty' : stored.size === 0 ? 'duplicate' : 'events' });
    });
    if (results.some((r) => r.type === 'events' && r.storedEventIds.length > 0)) options.onEventsStored?.();
    return pending.length;
  };

  // Steps never overlap: each waits for the one before.
  const step = (limit: number): Promise<number> => {
    current = current.catch(() => 0).then(() => runStep(limit));
    return current;
  };

  // One scheduled-or-running step at a time; a notify during it only marks that more may be pending.
  let scheduled = false;
  let more = false;
  const schedule = (delayMs: number): void => {
    if (stopped) return;
    if (scheduled) { more = true; return; }
    scheduled = true;
    more = false;
    const run = () => {
      timer = undefined;
      const busy = Date.now() - lastNotified < BUSY_WINDOW_MS;
      const { limit } = pace({ busy, lagMs, lastStepMs }, chunk, saturated);
      const started = performance.now();
      step(limit).then(
        (n) => {
          scheduled = false;
          lastStepMs = performance.now() - started;
          const next = pace({ busy, lagMs, lastStepMs }, chunk, saturated);
          if (n === limit || more) schedule(next.delayMs);
        },
        (err: unknown) => { scheduled = false; log.warn({ err }, 'deriving events failed; retrying'); schedule(retryMs); },
      );
    };
    if (delayMs <= 0) { timer = setImmediate(run); return; }
    // A paced pause (busy intake) ends early once intake is quiet: the pause is there to keep a
    // burst's 200s fast, and a long step under load (32 × its time at a 3 % share) would otherwise
    // keep the last deliveries of a burst waiting long after it ended.
    const due = Date.now() + delayMs;
    const wait = () => {
      const left = due - Date.now();
      if (left <= 0 || Date.now() - lastNotified >= BUSY_WINDOW_MS) { run(); return; }
      timer = setTimeout(wait, Math.min(left, BUSY_WINDOW_MS));
    };
    timer = setTimeout(wait, Math.min(delayMs, BUSY_WINDOW_MS));
  };

  return {
    start() {
      stopped = false;
      schedule(0);
    },
    notify() {
      lastNotified = Date.now();
      schedule(0);
    },
    poll() {
      schedule(0);
    },
    async catchUp(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (await step(chunk) < chunk) return true;
      }
      return false;
    },
    step,
    async stop() {
      stopped = true;
      if (timer) { clearTimeout(timer as NodeJS.Timeout); clearImmediate(timer as NodeJS.Immediate); timer = undefined; scheduled = false; }
      await current.catch(() => 0);
    },
  };
}
