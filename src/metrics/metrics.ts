import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DESTINATION_STATES } from '../outbox/destination-state.ts';

/**
 * Parley's Prometheus metrics, on a registry of their own (not prom-client's global one), so two
 * apps in one process (tests) do not share counters.
 */
export interface Metrics {
  registry: Registry;
  /** HTTP requests by method, route pattern and status. */
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  /** Requests the HTTP layer refused before a route's own logic ran (Node's parser, Fastify's router and body reading, `Expect`, `Host`, shutdown), by error code. */
  httpRefused: Counter<'code'>;
  /** Deliveries answered 200 (stored), by source. */
  intakeAccepted: Counter<'source' | 'outcome'>;
  /** Deliveries derived into events, by source and outcome: `events`, `duplicate`, `empty`, `dead_letter`. */
  derivedDeliveries: Counter<'source' | 'outcome'>;
  /** Stored deliveries not yet derived; set by `trackPending`. */
  pendingDeliveries: Gauge;
  /** Deliveries refused, by source and reason (`bad_signature`, `invalid_json`, `body_too_large`, …). */
  intakeRejected: Counter<'source' | 'reason'>;
  /** Canonical events by source, kind and outcome (`stored`, `duplicate`). */
  intakeEvents: Counter<'source' | 'kind' | 'outcome'>;
  /** Group-commit transaction latency, seconds. */
  commitLatency: Histogram<'outcome'>;
  /** Deliveries per group-commit transaction. */
  commitBatchSize: Histogram;
  /** Outbox operations by destination and state; set by `trackOutbox`. */
  outboxOperations: Gauge<'destination' | 'state'>;
  /** Records per CRM write call, by destination. */
  dispatchBatchSize: Histogram<'destination'>;
  /** Operation results by destination and outcome (`done`, `retry`, `rate_limited`, `dead`). */
  dispatchResults: Counter<'destination' | 'outcome'>;
  /** Destinations by state (1 for the current one): `connecting`, `ready`, `paused`, `misconfigured`, `unreachable`; set by `trackOutbox`. */
  destinationState: Gauge<'destination' | 'state'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'parley_' });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({ name: 'parley_http_requests_total', help: 'HTTP requests by method, route and status', labelNames: ['method', 'route', 'status'], registers }),
    httpRefused: new Counter({ name: 'parley_http_refused_total', help: 'Requests refused by the HTTP layer before any route logic ran, by error code', labelNames: ['code'], registers }),
    httpDuration: new Histogram({
      name: 'parley_http_request_duration_seconds', help: 'HTTP request duration in seconds', labelNames: ['method', 'route'], registers,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
    intakeAccepted: new Counter({ name: 'parley_intake_accepted_total', help: 'Webhook deliveries stored and answered 200, by source', labelNames: ['source', 'outcome'], registers }),
    derivedDeliveries: new Counter({ name: 'parley_intake_derived_total', help: 'Stored deliveries turned into events, by source and outcome', labelNames: ['source', 'outcome'], registers }),
    pendingDeliveries: new Gauge({ name: 'parley_intake_pending_deliveries', help: 'Stored deliveries not yet turned into events', registers }),
    intakeRejected: new Counter({ name: 'parley_intake_rejected_total', help: 'Webhook deliveries refused, by source and reason', labelNames: ['source', 'reason'], registers }),
    intakeEvents: new Counter({ name: 'parley_intake_events_total', help: 'Canonical events from deliveries, by source, kind and outcome', labelNames: ['source', 'kind', 'outcome'], registers }),
    commitLatency: new Histogram({
      name: 'parley_intake_commit_seconds', help: 'Group-commit transaction latency in seconds', labelNames: ['outcome'], registers,
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
    }),
    commitBatchSize: new Histogram({ name: 'parley_intake_commit_batch_deliveries', help: 'Deliveries per group-commit transaction', registers, buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }),
    outboxOperations: new Gauge({ name: 'parley_outbox_operations', help: 'Outbox operations by destination and state', labelNames: ['destination', 'state'], registers }),
    dispatchBatchSize: new Histogram({ name: 'parley_dispatch_batch_records', help: 'Records per CRM write call', labelNames: ['destination'], registers, buckets: [1, 5, 10, 25, 50, 100, 150, 200] }),
    dispatchResults: new Counter({ name: 'parley_dispatch_results_total', help: 'Operation results by destination and outcome', labelNames: ['destination', 'outcome'], registers }),
    destinationState: new Gauge({ name: 'parley_destination_state', help: 'Each destination\'s state (1 for the current one)', labelNames: ['destination', 'state'], registers }),
  };
}

/** Reads the outbox counts and the destinations' states at every scrape. */
export function trackOutbox(metrics: Metrics, counts: () => Promise<Array<{ destination: string; state: string; count: number }>>, states: () => Array<{ id: string; state: string }>): void {
  const operations = metrics.outboxOperations as Gauge<'destination' | 'state'> & { collect?: () => Promise<void> };
  operations.collect = async () => {
    operations.reset();
    for (const row of await counts()) operations.set({ destination: row.destination, state: row.state }, row.count);
  };
  const destination = metrics.destinationState as Gauge<'destination' | 'state'> & { collect?: () => void };
  destination.collect = () => {
    destination.reset();
    for (const d of states()) for (const state of DESTINATION_STATES) destination.set({ destination: d.id, state }, d.state === state ? 1 : 0);
  };
}

/** Reads the pending-delivery count from `count` at every scrape. */
export function trackPending(metrics: Metrics, count: () => Promise<number>): void {
  const gauge = metrics.pendingDeliveries as Gauge & { collect?: () => Promise<void> };
  gauge.collect = async () => { gauge.set(await count()); };
}
