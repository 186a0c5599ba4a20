import { DEFAULT_BULK_MAX_WAIT_MS } from '../connectors/destination-kit/bulk-loop.ts';
import type { BulkLimits, DestinationClient, WriteResult } from '../connectors/destination.ts';
import type { Store } from '../store/store.ts';
import type { DestinationRuntime } from './dispatcher-types.ts';
import { batchWrites, type PlannedWrite } from './plan-writes.ts';
import { sendBatches, type SentBatch, type SendDeps } from './send-batches.ts';

// The bulk lane: beside a destination's live loop, a second loop that claims only resync jobs'
// operations, many at once, and sends big groups of them as bulk jobs (Salesforce: Bulk API 2.0
// ingest jobs, a handful of calls for up to 10,000 records). A job runs for minutes; the live loop
// never waits for it, so fresh posts keep flowing meanwhile (issue 20).

/** How a destination's bulk lane runs, from its connector's `limits.bulk` and its config block. */
export interface BulkLane {
  limits: BulkLimits;
  /** Fewest writes of one object and operation sent as a job (`bulkMinRecords`; default the connector's `minRecords`). */
  threshold: number;
  /** The lane's lease, ms: a job's longest wait (`maxWaitMs`) plus the live loop's lease as a margin for the upload and the results. */
  leaseMs: number;
}

/**
 * The bulk lane of a connected destination whose client runs bulk jobs (`writeBulk`, and the
 * connector's `limits.bulk`); undefined otherwise (its resyncs go through the live loop).
 */
export function bulkLaneOf(rt: Pick<DestinationRuntime, 'client' | 'definition' | 'destination'>, leaseMs: number): BulkLane | undefined {
  const limits = rt.definition.limits.bulk;
  if (!limits || typeof rt.client?.writeBulk !== 'function') return undefined;
  return { limits, threshold: rt.destination.bulkMinRecords ?? limits.minRecords, leaseMs: (limits.maxWaitMs ?? DEFAULT_BULK_MAX_WAIT_MS) + leaseMs };
}

/** What sending in bulk needs: sending's (send-batches.ts), the client's `writeBulk`, and the sizes. */
export interface BulkSendDeps extends SendDeps {
  client: Pick<DestinationClient, 'write' | 'writeBulk' | 'purge'>;
  /** Fewest writes of one group sent as one job; smaller groups go as the live loop sends. */
  threshold: number;
  /** Most writes in one job (`limits.bulk.maxRecords`). */
  maxRecords: number;
  /** Most writes in one call of a smaller group (`limits.maxBatchSize`). */
  maxBatchSize: number;
}

/**
 * Sends a claim of the bulk lane: its writes grouped by object, operation and match key
 * (plan-writes.ts `batchWrites`) in groups of at most `maxRecords`; each group of at least
 * `threshold` writes as one bulk job (`writeBulk`, marked sent when the job is created), the others
 * in batches of `maxBatchSize` as a round sends them. Deletes always go as a round sends them (a
 * purge there, where asked). Every group at once; one `SentBatch` per job or batch, in group order.
 * Never rejects for a failed write: a rejected job is a `SentBatch` with `error`.
 */
export async function sendInBulk(writes: readonly PlannedWrite[], deps: BulkSendDeps): Promise<SentBatch[]> {
  const writeBulk = deps.client.writeBulk;
  const parts = await Promise.all(batchWrites(writes, deps.maxRecords).map(async (group): Promise<SentBatch[]> => {
    if (!writeBulk || group.writes.length < deps.threshold || group.batch.operation === 'delete') {
      return sendBatches(batchWrites(group.writes, deps.maxBatchSize), deps);
    }
    const sent = group.writes.flatMap(({ op }) => [op.id, ...(deps.followers.get(op.id) ?? [])]);
    try {
      // Not observed as one batch: the batch-size metric counts records per call, and a job is several calls.
      const results: Map<string, WriteResult> = await writeBulk(group.batch, { beforeSend: () => deps.markSent(sent), priority: 'resync' });
      return [{ ...group, results }];
    } catch (error) {
      return [{ ...group, error }];
    }
  }));
  return parts.flat();
}

/** What the lane's next claim is: nothing yet, or up to `limit` operations leased for `leaseMs`. */
export type BulkClaim = { kind: 'wait'; heldSince: number } | { kind: 'claim'; limit: number; leaseMs: number };

/**
 * When and how much the lane claims. A resync's runner queues pages of a few hundred events: claimed
 * at once, a 2,500-record resync would go as a dozen small calls instead of one job; and a claim
 * of a job's size leases all of a small resync, which a cancel could then no longer withdraw.
 * - It holds back while a job for `destination` is still planning and those jobs have less than a
 *   full job queued (`counts.queued` < `maxRecords`), for at most `settleMs` since it first held
 *   back (`heldSince`, epoch ms, kept by the caller; undefined when not holding).
 * - Then it claims a job's worth (`maxRecords`, leased for a job: `lane.leaseMs`) when the active
 *   jobs for `destination` have at least `threshold` operations queued, else a round's worth
 *   (`roundLimit`, leased for `roundLeaseMs`), sent as the live loop sends. A threshold above
 *   `maxRecords` never holds back: no job could reach it.
 * `counts.queued` is a job's, over all its destinations: an estimate, on the side of claiming big.
 */
export async function bulkClaimTiming(store: Pick<Store, 'resyncs'>, destination: string, lane: BulkLane,
  options: { nowMs: number; heldSince: number | undefined; settleMs: number; roundLimit: number; roundLeaseMs: number }): Promise<BulkClaim> {
  const round: BulkClaim = { kind: 'claim', limit: options.roundLimit, leaseMs: lane.threshold <= options.roundLimit ? lane.leaseMs : options.roundLeaseMs };
  if (lane.threshold > lane.limits.maxRecords) return round;
  // The newest jobs: an active one is recent (a job ends once its operations are delivered).
  const { items } = await store.resyncs.list({ limit: 50 });
  const active = items.filter((job) => (job.state === 'queued' || job.state === 'running') && job.destinations.includes(destination));
  const queued = (jobs: typeof active) => jobs.reduce((sum, job) => sum + job.counts.queued, 0);
  const planning = active.filter((job) => !job.planningDone);
  const heldSince = options.heldSince ?? options.nowMs;
  if (planning.length > 0 && queued(planning) < lane.limits.maxRecords && options.nowMs - heldSince < options.settleMs) return { kind: 'wait', heldSince };
  return queued(active) >= lane.threshold ? { kind: 'claim', limit: lane.limits.maxRecords, leaseMs: lane.leaseMs } : round;
}
