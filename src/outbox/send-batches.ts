import type { DestinationClient, VendorError, WriteResult } from '../connectors/destination.ts';
import { errors } from '../errors.ts';
import type { PlannedBatch, PlannedWrite } from './plan-writes.ts';

// Sending a round's batches, and what their results say about the destination itself (as opposed
// to each record): cut off by the network, or rate-limited.

/** A batch once its call ended: the results keyed by operation id, or what the connector rejected with. */
export interface SentBatch {
  batch: PlannedBatch['batch'];
  writes: PlannedWrite[];
  results?: Map<string, WriteResult>;
  /** Set when the connector rejected the whole write (it is not meant to: a connector bug). */
  error?: unknown;
}

/** What sending needs. */
export interface SendDeps {
  client: Pick<DestinationClient, 'write' | 'purge'>;
  /** Deletes of every operation (not only erasures') purge where the client can (the destination's `purgeDeletes`). */
  purgeDeletes?: boolean;
  /** Head id → the ids merged into it (write-plan.ts `mergeByRecord`): marked sent with their head. */
  followers: ReadonlyMap<string, readonly string[]>;
  /** Marks operations sent, durably (store.markSent): after a crash only these are looked up before being written again. */
  markSent(ids: string[]): Promise<void>;
  /** Told each batch's size as it is sent (the batch-size metric). */
  onBatch?(size: number): void;
}

/**
 * Sends every batch at once (the destination's limiter, inside the client, spaces the calls) and
 * resolves when all have ended, with one `SentBatch` per batch in the order given, whatever order
 * the calls end in. Each batch's operations (and their followers) are marked sent just before its
 * first CRM call leaves (`beforeSend`). Never rejects for a failed write.
 */
export async function sendBatches(batches: readonly PlannedBatch[], deps: SendDeps): Promise<SentBatch[]> {
  return Promise.all(batches.map(async ({ batch, writes }): Promise<SentBatch> => {
    deps.onBatch?.(batch.operations.length);
    const sent = writes.flatMap(({ op }) => [op.id, ...(deps.followers.get(op.id) ?? [])]);
    try {
      const purge = deps.client.purge;
      if (purge && batch.operation === 'delete' && writes.every(({ op }) => op.erasureId !== undefined || deps.purgeDeletes)) {
        return { batch, writes, results: await purgeBatch(batch, (ids, hooks) => purge(batch.object, ids, hooks), () => deps.markSent(sent)) };
      }
      // A batch of a resync's writes only waits behind live ones on the limiter (a mixed one is live).
      const priority = writes.every(({ op }) => op.resyncId !== undefined) ? 'resync' as const : 'live' as const;
      const results = await deps.client.write(batch, { beforeSend: () => deps.markSent(sent), priority });
      return { batch, writes, results };
    } catch (error) {
      return { batch, writes, error };
    }
  }));
}

/**
 * A batch of deletes sent as one purge (a delete that leaves nothing in the CRM's recycle bin:
 * Salesforce's Bulk API 2.0 hardDelete), its results keyed back from record ids to operation ids.
 * A record already gone (`ENTITY_IS_DELETED`: deleted, or purged by an earlier try) is done: there
 * is nothing left to erase.
 */
async function purgeBatch(batch: PlannedBatch['batch'], purge: (ids: string[], hooks: { beforeSend: () => Promise<void> }) => Promise<Map<string, WriteResult>>, beforeSend: () => Promise<void>): Promise<Map<string, WriteResult>> {
  const byRecord = new Map(batch.operations.filter((o) => o.recordId !== undefined).map((o) => [o.recordId!, o.id]));
  const purged = await purge([...byRecord.keys()], { beforeSend });
  const results = new Map<string, WriteResult>();
  for (const [recordId, opId] of byRecord) {
    const result = purged.get(recordId);
    const gone = result?.status === 'permanent' && result.error.code === 'ENTITY_IS_DELETED';
    results.set(opId, gone ? { status: 'done', recordId } : result ?? { status: 'retryable', error: { code: errors.DESTINATION_UNREACHABLE.code, message: 'the purge answered nothing for this record' } });
  }
  return results;
}

/**
 * The network error of a call cut off for every record (each result retryable with
 * `PARLEY_DESTINATION_UNREACHABLE`): the destination is unreachable, not each record wrong.
 * Undefined when any record got another answer, or there were no results.
 */
export function unreachableCut(results: ReadonlyMap<string, WriteResult>): VendorError | undefined {
  const all = [...results.values()];
  const first = all[0];
  if (first?.status !== 'retryable') return undefined;
  return all.every((r) => r.status === 'retryable' && r.error.code === errors.DESTINATION_UNREACHABLE.code) ? first.error : undefined;
}

/**
 * Until when the destination pauses for the rate limits in `results`: `nowMs` plus the longest
 * wait a rate-limited record announced (epoch ms), or undefined when none was rate-limited.
 */
export function rateLimitedUntil(results: ReadonlyMap<string, WriteResult>, nowMs: number): number | undefined {
  let until: number | undefined;
  for (const result of results.values()) {
    if (result.status === 'rate-limited') until = Math.max(until ?? -Infinity, nowMs + result.retryAfterMs);
  }
  return until;
}
