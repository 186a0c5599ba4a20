import type { ActiveSource } from '../connectors/registry.ts';
import type { Logger } from '../logging/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { DerivedDelivery, PendingDelivery, Store } from '../store/store.ts';
import { deadLetterKey, deriveEvents } from './derive-events.ts';

/**
 * Turns stored deliveries into canonical events, deduplicated, in order, off the webhook's hot path.
 *
 * Why not parse before the 200: parsing, validating and writing 2–3 events costs several times
 * what verifying and appending the raw body does (BENCHMARKS.md), and the sender only needs to know
 * the delivery is safe. Storing first also means a parser bug can never lose a delivery. While
 * webhooks keep arriving, derivation takes small steps so the 200s stay fast; when intake is quiet
 * it catches up in large ones. Readers that must see every event (`GET /v1/events`) call `catchUp`.
 */
export interface Deriver {
  /** Starts on whatever is pending (deliveries left by a previous run). */
  start(): void;
  /** Tells the deriver deliveries were committed. */
  notify(): void;
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
  /** Deliveries per transaction (default 256). */
  chunk?: number;
  /** Deliveries per step while webhooks keep arriving (default 32). */
  busyChunk?: number;
  /**
   * Share of the event loop derivation may take while webhooks keep arriving (default 0.05): after
   * a step of d ms it waits d × (1 − share) / share ms, so the 200s stay fast under a burst while
   * a steady stream well below the peak is still derived as it comes.
   */
  busyShare?: number;
  /** Pause before retrying after a failed step, ms (default 1000). */
  retryMs?: number;
}

export function createDeriver(options: DeriverOptions): Deriver {
  const chunk = options.chunk ?? 256;
  const busyChunk = options.busyChunk ?? 32;
  const busyShare = options.busyShare ?? 0.05;
  // Intake counts as busy when it committed within this many ms.
  const busyWindowMs = 50;
  const retryMs = options.retryMs ?? 1000;
  const sources = new Map(options.sources.map((s) => [s.id, s]));
  const log = options.logger;
  let lastNotified = 0;
  let timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  let stopped = false;
  let current: Promise<number> = Promise.resolve(0);

  const derive = (delivery: PendingDelivery): DerivedDelivery => {
    const source = sources.get(delivery.source);
    const outcome = source
      ? deriveEvents(source, delivery.body, delivery.receivedAt)
      : { ok: false as const, reasonCode: 'PARSER_FAILED' as const, reason: `source "${delivery.source}" is no longer configured`, details: {} };
    if (outcome.ok) {
      return { delivery, outcome: { type: 'events', events: outcome.events.map((e) => ({ id: options.newId(), kind: e.data.kind, key: e.key, data: e.data })) } };
    }
    if (outcome.reasonCode === 'PARSER_FAILED') log.error({ err: outcome.cause, source: delivery.source, deliveryId: delivery.id }, outcome.reason);
    return {
      delivery,
      outcome: { type: 'dead-letter', deadLetter: { id: options.newId(), reasonCode: outcome.reasonCode, reason: outcome.reason, details: outcome.details, key: deadLetterKey(delivery.body) } },
    };
  };

  const runStep = async (limit: number): Promise<number> => {
    const pending = await options.store.readPendingDeliveries(limit);
    if (pending.length === 0) return 0;
    const batch = pending.map(derive);
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
    return pending.length;
  };

  // Steps never overlap: each waits for the one before.
  const step = (limit: number): Promise<number> => {
    current = current.catch(() => 0).then(() => runStep(limit));
    return current;
  };

  const schedule = (delayMs: number): void => {
    if (stopped || timer) return;
    const run = () => {
      timer = undefined;
      const started = performance.now();
      const busy = Date.now() - lastNotified < busyWindowMs;
      const limit = busy ? busyChunk : chunk;
      step(limit).then(
        (n) => {
          const took = performance.now() - started;
          if (n === limit) schedule(busy ? Math.max(1, (took * (1 - busyShare)) / busyShare) : 0);
        },
        (err: unknown) => { log.warn({ err }, 'deriving events failed; retrying'); schedule(retryMs); },
      );
    };
    timer = delayMs > 0 ? setTimeout(run, delayMs) : setImmediate(run);
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
      if (timer) { clearTimeout(timer as NodeJS.Timeout); clearImmediate(timer as NodeJS.Immediate); timer = undefined; }
      await current.catch(() => 0);
    },
  };
}
