import type { Metrics } from '../metrics/metrics.ts';
import type { DeliveryWrite, Store } from '../store/store.ts';
import { createGroupCommitter } from './group-commit.ts';

/** A verified delivery handed to intake: checked signature, media type and JSON syntax. */
export interface VerifiedDelivery {
  source: string;
  contentType: string;
  body: Buffer;
  /** When it arrived (the time its signature was checked against); default: now. */
  receivedAt?: Date | undefined;
  /** The headers its source keeps (`keptHeaders`), if any. */
  headers?: Record<string, string> | undefined;
}

/** The hot path: store verified deliveries durably, in group commits. */
export interface Intake {
  /** Appends the delivery (group commit); resolves with its id once the commit is durable. */
  accept(delivery: VerifiedDelivery): Promise<{ deliveryId: string }>;
  /** Waits for every queued commit. */
  drain(): Promise<void>;
}

export interface IntakeOptions {
  store: Store;
  metrics: Metrics;
  /** The clock; a parameter so tests can move time. */
  now: () => Date;
  /** Makes ids (UUIDv7 in production). */
  newId: () => string;
  /** Most deliveries per transaction. */
  maxBatch: number;
  /** Called after each successful commit (the deriver listens, to start on the new deliveries). */
  onCommitted?: () => void;
}

/**
 * Intake stores the delivery as received and answers; turning it into canonical events is the
 * deriver's job, off the hot path (see deriver.ts for why).
 */
export function createIntake(options: IntakeOptions): Intake {
  const { store, metrics, now, newId } = options;
  const committer = createGroupCommitter<DeliveryWrite, void>({
    maxBatch: options.maxBatch,
    maxInFlight: store.appendConcurrency,
    commit: async (writes) => {
      await store.appendDeliveries(writes);
      options.onCommitted?.();
      return writes.map(() => undefined);
    },
    onCommit: (size, ms, ok) => {
      metrics.commitLatency.observe({ outcome: ok ? 'ok' : 'failed' }, ms / 1000);
      metrics.commitBatchSize.observe(size);
    },
  });

  const acceptedBySource = new Map<string, { inc: () => void }>();
  return {
    async accept(delivery) {
      const deliveryId = newId();
      await committer.submit({ id: deliveryId, source: delivery.source, receivedAt: delivery.receivedAt ?? now(), contentType: delivery.contentType, body: delivery.body, ...(delivery.headers ? { headers: delivery.headers } : {}) });
      let accepted = acceptedBySource.get(delivery.source);
      if (!accepted) acceptedBySource.set(delivery.source, accepted = metrics.intakeAccepted.labels(delivery.source, 'stored'));
      accepted.inc();
      return { deliveryId };
    },
    drain: () => committer.drain(),
  };
}
