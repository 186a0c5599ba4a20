import pRetry, { AbortError } from 'p-retry';
import type { VendorRecordResult } from '../destination-session.ts';
import { resultFor, type ErrorClass, type VendorError, type WriteBatch, type WriteOperation, type WriteResult } from '../destination.ts';
import { sendIsolating } from './isolate.ts';
import { pRetryOptions, type RetryPolicy } from './retry-policy.ts';

/** What the write loop needs: the connector's facts, bound to one destination, and its signals. */
export interface WriteLoopDeps {
  /** The destination's name, for logs. */
  name: string;
  /** Most operations in one call (`limits.maxBatchSize`). */
  maxBatchSize: number;
  retry: RetryPolicy;
  /** One CRM call (already through the limiter, with usage read after it). */
  send(batch: WriteBatch): Promise<VendorRecordResult[]>;
  classify(error: unknown, matchKey: string | undefined): ErrorClass;
  describe(error: unknown): VendorError;
  precheck?: ((batch: WriteBatch, operation: WriteOperation) => VendorError | undefined) | undefined;
  /** The CRM refused a call for quota: the destination pauses `waitMs`. */
  onRateLimited(waitMs: number, error: VendorError): void;
  logger: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

/** A request Parley itself got wrong: the same batch would fail again, whatever the CRM. */
export const bug = (message: string): WriteResult => ({ status: 'permanent', scope: 'bug', error: { code: 'PARLEY_OUTBOX_INVALID_OPERATION', message } });

/**
 * Writes one batch the way every destination does (ARCHITECTURE.md, the destination kit), and
 * answers one result per operation id; never rejects for a CRM or network failure.
 * - Refused before sending: a batch over `maxBatchSize` (all `permanent`/`bug`), an operation
 *   missing what its kind needs (a record id, an upsert's match value: `bug`), one the connector's
 *   `precheck` refuses (`permanent`/`record`). An id given twice is written once (logged).
 * - A call refused for one record's sake is split to find it (isolate.ts).
 * - What `classify` calls retryable is tried again in the call (p-retry, `retry`), records and whole
 *   calls alike, except a create whose outcome is unknown: it comes back `retryable` with
 *   `outcomeUnknown`, to be looked up before it is written again.
 * - A call refused for quota signals `onRateLimited` once; its operations come back `rate-limited`.
 */
export async function writeBatch(batch: WriteBatch, deps: WriteLoopDeps): Promise<Map<string, WriteResult>> {
  const results = new Map<string, WriteResult>();
  if (batch.operations.length > deps.maxBatchSize) {
    for (const op of batch.operations) results.set(op.id, bug(`a batch holds at most ${deps.maxBatchSize} operations`));
    return results;
  }
  let pending = admitted(batch, results, deps);
  const classify = (error: unknown) => deps.classify(error, batch.matchKey);
  let lastError: VendorError | undefined;

  const attempt = async () => {
    if (pending.length === 0) return;
    let items: Array<VendorRecordResult & { systemic?: boolean }>;
    try {
      items = await sendIsolating(pending, { send: (operations) => deps.send({ ...batch, operations }), classify, describe: deps.describe });
    } catch (error) {
      const vendor = deps.describe(error);
      lastError = vendor;
      const classification = classify(error);
      const unknown = classification.kind === 'retryable' && classification.outcomeUnknown === true;
      // A lost connection after a create may have created the records: not retried blindly here.
      // p-retry retries only Errors; a connector may throw its vendor's plain error objects.
      if (classification.kind === 'retryable' && !(unknown && batch.operation === 'create')) throw error instanceof Error ? error : new Error(vendor.message || vendor.code);
      if (classification.kind === 'rate-limited') {
        deps.logger.warn({ destination: deps.name, code: vendor.code, waitMs: classification.retryAfterMs }, 'the CRM refused a call for its API limit');
        deps.onRateLimited(classification.retryAfterMs, vendor);
      }
      const result: WriteResult = classification.kind === 'retryable' ? { status: 'retryable', error: vendor, outcomeUnknown: true } : resultFor(vendor, classification);
      for (const op of pending) results.set(op.id, result);
      pending = [];
      throw new AbortError(vendor.message || vendor.code);
    }
    if (items.length !== pending.length) {
      // Which record each answer belongs to is unknown: none is trusted, each may have been written.
      lastError = { code: 'RESULT_COUNT_MISMATCH', message: `the CRM answered ${items.length} results for ${pending.length} records` };
      for (const op of pending) results.set(op.id, { status: 'retryable', error: lastError, outcomeUnknown: true });
      pending = [];
      throw new AbortError(lastError.message);
    }
    const again: WriteOperation[] = [];
    items.forEach((item, i) => {
      const op = pending[i]!;
      if (item.ok) {
        results.set(op.id, { status: 'done', recordId: item.recordId || op.recordId || '', ...(item.created !== undefined ? { created: item.created } : {}) });
        return;
      }
      const vendor = deps.describe(item.error);
      if (item.systemic) { results.set(op.id, resultFor(vendor, { kind: 'permanent', scope: 'config' })); return; }
      const classification = classify(item.error);
      if (classification.kind === 'retryable') { again.push(op); lastError = vendor; results.set(op.id, { status: 'retryable', error: vendor }); return; }
      results.set(op.id, resultFor(vendor, classification));
    });
    pending = again;
    if (pending.length > 0) throw new Error(`${pending.length} records hit transient errors (${lastError?.code})`);
  };

  try {
    await pRetry(attempt, pRetryOptions(deps.retry));
  } catch (error) {
    // Out of tries: what is still pending goes back to the outbox with the last transient error.
    if (!(error instanceof AbortError) && pending.length > 0) {
      const vendor = lastError ?? deps.describe(error);
      for (const op of pending) if (!results.has(op.id) || results.get(op.id)!.status === 'retryable') results.set(op.id, { status: 'retryable', error: vendor });
    }
  }
  for (const op of batch.operations) {
    if (!results.has(op.id)) results.set(op.id, { status: 'retryable', error: lastError ?? { code: 'UNKNOWN', message: 'no result' } });
  }
  return results;
}

/**
 * The operations to send, once each and in order; the others get their result now: a repeated id
 * is dropped (its first occurrence's result answers for it), an incomplete operation is a `bug`,
 * one the connector's precheck refuses is `permanent` for the record.
 */
export function admitted(batch: WriteBatch, results: Map<string, WriteResult>, deps: Pick<WriteLoopDeps, 'name' | 'precheck' | 'logger'>): WriteOperation[] {
  const pending: WriteOperation[] = [];
  const seen = new Set<string>();
  for (const op of batch.operations) {
    if (seen.has(op.id)) {
      deps.logger.error({ destination: deps.name, operationId: op.id }, 'an operation id appears twice in one batch; the second is not written');
      continue;
    }
    seen.add(op.id);
    const problem = incomplete(batch, op);
    if (problem) { results.set(op.id, bug(problem)); continue; }
    const refused = deps.precheck?.(batch, op);
    if (refused) { results.set(op.id, { status: 'permanent', scope: 'record', error: refused }); continue; }
    pending.push(op);
  }
  return pending;
}

/** What an operation lacks for its kind, or undefined. */
function incomplete(batch: WriteBatch, op: WriteOperation): string | undefined {
  if ((batch.operation === 'update' || batch.operation === 'delete') && !op.recordId) return `${batch.operation} needs the record id`;
  if (batch.operation === 'upsert') {
    if (!batch.matchKey) return 'upsert needs a match key';
    const value = op.fields[batch.matchKey] ?? op.matchValue;
    if (value === undefined || value === null || value === '') return `upsert needs a value for ${batch.matchKey}`;
  }
  return undefined;
}
