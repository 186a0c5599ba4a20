import { createHash } from 'node:crypto';
import type { Logger } from '../logging/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { ParsedEvent } from '../model/index.ts';
import type { IntakeWrite, IntakeWriteResult, Store } from '../store/store.ts';
import { createGroupCommitter } from './group-commit.ts';

/** A verified, parsed delivery handed to intake. */
export interface VerifiedDelivery {
  source: string;
  contentType: string;
  body: Buffer;
  events: ParsedEvent[];
}

/** A verified delivery that could not be parsed into events. */
export interface UnparseableDelivery {
  source: string;
  contentType: string;
  body: Buffer;
  /** `PAYLOAD_INVALID` (the parser refused it) or `PARSER_FAILED` (the parser broke). */
  reasonCode: 'PAYLOAD_INVALID' | 'PARSER_FAILED';
  reason: string;
  details: Record<string, unknown>;
}

export interface DeliveryReceipt {
  deliveryId: string;
  /** Events stored now. */
  stored: number;
  /** Events already seen within the dedup window. */
  duplicates: number;
}

export interface DeadLetterReceipt {
  deliveryId: string;
  deadLetterId: string;
  /** False when the same body was already kept within the dedup window. */
  stored: boolean;
}

export interface Intake {
  /** Stores a delivery's events durably (group commit); resolves after the commit. */
  acceptDelivery(delivery: VerifiedDelivery): Promise<DeliveryReceipt>;
  /** Keeps an unparseable delivery as a dead letter; resolves after the commit. */
  acceptDeadLetter(delivery: UnparseableDelivery): Promise<DeadLetterReceipt>;
  /** Forgets dedup keys older than the window; returns how many. */
  pruneDedupKeys(): Promise<number>;
  /** Waits for every queued commit. */
  drain(): Promise<void>;
}

export interface IntakeOptions {
  store: Store;
  metrics: Metrics;
  logger: Logger;
  /** The clock; a parameter so tests can move time. */
  now: () => Date;
  /** Makes ids (UUIDv7 in production). */
  newId: () => string;
  /** How long an event key deduplicates, ms. */
  dedupWindowMs: number;
  /** Most deliveries per transaction. */
  maxBatch: number;
}

export function createIntake(options: IntakeOptions): Intake {
  const { store, metrics, now, newId } = options;
  const committer = createGroupCommitter<IntakeWrite, IntakeWriteResult>({
    maxBatch: options.maxBatch,
    commit: (writes) => store.commitIntake(writes, { dedupSince: new Date(now().getTime() - options.dedupWindowMs) }),
    onCommit: (size, ms, ok) => {
      metrics.commitLatency.observe({ outcome: ok ? 'ok' : 'failed' }, ms / 1000);
      metrics.commitBatchSize.observe(size);
    },
  });

  return {
    async acceptDelivery(delivery) {
      const deliveryId = newId();
      const events = delivery.events.map((e) => ({ id: newId(), kind: e.data.kind, key: e.key, data: e.data }));
      const result = await committer.submit({
        type: 'delivery', deliveryId, source: delivery.source, receivedAt: now(), contentType: delivery.contentType, body: delivery.body, events,
      });
      if (result.type !== 'delivery') throw new TypeError('store returned a dead-letter result for a delivery');
      const stored = new Set(result.storedEventIds);
      for (const e of events) metrics.intakeEvents.inc({ source: delivery.source, kind: e.kind, outcome: stored.has(e.id) ? 'stored' : 'duplicate' });
      metrics.intakeAccepted.inc({ source: delivery.source, outcome: events.length === 0 ? 'empty' : stored.size === 0 ? 'duplicate' : 'accepted' });
      return { deliveryId, stored: stored.size, duplicates: result.duplicateKeys.length };
    },

    async acceptDeadLetter(delivery) {
      const deliveryId = newId();
      const deadLetterId = newId();
      const key = 'dead-letter:' + createHash('sha256').update(delivery.body).digest('hex');
      const result = await committer.submit({
        type: 'dead-letter', id: deadLetterId, deliveryId, source: delivery.source, receivedAt: now(), contentType: delivery.contentType,
        body: delivery.body, reasonCode: delivery.reasonCode, reason: delivery.reason, details: delivery.details, key,
      });
      const stored = result.type === 'dead-letter' && result.stored;
      metrics.intakeAccepted.inc({ source: delivery.source, outcome: stored ? 'dead_letter' : 'duplicate' });
      return { deliveryId, deadLetterId, stored };
    },

    pruneDedupKeys: () => store.pruneDedupKeys(new Date(now().getTime() - options.dedupWindowMs)),
    drain: () => committer.drain(),
  };
}
