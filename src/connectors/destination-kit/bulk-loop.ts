import type { BulkIngestSession, BulkJobStatus } from '../destination-session.ts';
import { resultFor, type BulkLimits, type ErrorClass, type VendorError, type WriteBatch, type WriteOperation, type WriteResult } from '../destination.ts';
import { admitted, bug } from './write-loop.ts';

/** `limits.bulk` defaults the connector need not give. */
export const DEFAULT_BULK_POLL_INTERVAL_MS = 2_000;
export const DEFAULT_BULK_MAX_WAIT_MS = 600_000;

/** What the bulk loop needs: the session's bulk calls, bound to the destination's limiter, and its signals. */
export interface BulkLoopDeps {
  /** The destination's name, for logs. */
  name: string;
  bulk: BulkIngestSession;
  limits: BulkLimits;
  /** One request through the limiter, tried again while `classify` calls its failure retryable; a quota refusal is signalled. Rejects with the session's error. */
  retried<T>(run: () => Promise<T>): Promise<T>;
  /** One request through the limiter, once (a quota refusal is signalled); for requests not safe to repeat (upload, close). */
  once<T>(run: () => Promise<T>): Promise<T>;
  classify(error: unknown, matchKey: string | undefined): ErrorClass;
  describe(error: unknown): VendorError;
  precheck?: ((batch: WriteBatch, operation: WriteOperation) => VendorError | undefined) | undefined;
  /** Awaited once, inside the first request (job creation), as `write`'s hook is. */
  beforeSend?: (() => Promise<void>) | undefined;
  /** Waits between status reads (injected by tests; default a timer). */
  sleep(ms: number): Promise<void>;
  logger: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

/** Results the kit itself writes (VendorError codes, not the CRM's). */
const UNPROCESSED: VendorError = { code: 'BULK_UNPROCESSED', message: 'the bulk job did not process this record' };
const MISSING: VendorError = { code: 'BULK_RESULT_MISSING', message: 'the bulk job answered no result for this record' };

/**
 * Runs one batch as a bulk job and answers one result per operation id; never rejects for a CRM or
 * network failure (a failing `beforeSend` rejects, as in `write`). Steps: admit (as `write` does,
 * plus at most `maxRecords`), create (with `beforeSend`), upload, close, poll the status every
 * `pollIntervalMs` for at most `maxWaitMs` (then abort), read the successful, failed and
 * unprocessed rows.
 * - Before processing began (create, upload or close failed): the job is aborted and every
 *   operation gets the failure's class; `outcomeUnknown` only when a failed close could not be
 *   undone by the abort (the job may be running).
 * - A processed row: done, or its error through `classify` (retryable rows are not retried here).
 * - An unprocessed row: `retryable`, or the job's own error classified when the job failed.
 * - A row without any answer (a status or result read failed for good): `retryable`, `outcomeUnknown`.
 */
export async function writeBulkJob(batch: WriteBatch, options: { purge: boolean }, deps: BulkLoopDeps): Promise<Map<string, WriteResult>> {
  const results = new Map<string, WriteResult>();
  if (batch.operations.length > deps.limits.maxRecords) {
    for (const op of batch.operations) results.set(op.id, bug(`a bulk job holds at most ${deps.limits.maxRecords} operations`));
    return results;
  }
  const pending = admitted(batch, results, deps);
  if (pending.length === 0) return results;
  const job: WriteBatch = { ...batch, operations: pending };
  const classify = (error: unknown) => deps.classify(error, batch.matchKey);
  const answerAll = (result: WriteResult) => { for (const op of pending) if (!results.has(op.id)) results.set(op.id, result); };
  const classified = (error: unknown, unknown = false): WriteResult => {
    const vendor = deps.describe(error);
    const classification = classify(error);
    if (unknown) return { status: 'retryable', error: vendor, outcomeUnknown: true };
    return classification.kind === 'retryable' ? { status: 'retryable', error: vendor } : resultFor(vendor, classification);
  };

  // -- create, upload, close: nothing is processed until the close went through --
  let hookError: unknown;
  let marked = deps.beforeSend === undefined;
  let jobId: string;
  try {
    jobId = await deps.retried(async () => {
      if (!marked) {
        try { await deps.beforeSend!(); } catch (error) { hookError = error; throw error; }
        marked = true;
      }
      return deps.bulk.create(job, options);
    });
  } catch (error) {
    if (hookError !== undefined) throw hookError;
    answerAll(classified(error));
    return results;
  }
  const abort = async (): Promise<boolean> => {
    try { await deps.once(() => deps.bulk.abort(jobId)); return true; } catch { return false; }
  };
  try {
    await deps.once(() => deps.bulk.upload(jobId, job));
  } catch (error) {
    // An unclosed job never runs: nothing was written, whatever the abort answers.
    await abort();
    answerAll(classified(error));
    return results;
  }
  try {
    await deps.once(() => deps.bulk.close(jobId));
  } catch (error) {
    const stopped = await abort();
    answerAll(classified(error, !stopped));
    return results;
  }

  // -- wait, bounded --
  const interval = deps.limits.pollIntervalMs ?? DEFAULT_BULK_POLL_INTERVAL_MS;
  const maxPolls = Math.max(1, Math.ceil((deps.limits.maxWaitMs ?? DEFAULT_BULK_MAX_WAIT_MS) / Math.max(1, interval)));
  let status: BulkJobStatus | undefined;
  try {
    for (let poll = 0; poll < maxPolls; poll++) {
      if (poll > 0) await deps.sleep(interval);
      const read = await deps.retried(() => deps.bulk.status(jobId));
      if (read.state !== 'in-progress') { status = read; break; }
    }
  } catch (error) {
    deps.logger.warn({ destination: deps.name, code: deps.describe(error).code }, 'a bulk job\'s status could not be read; its records come back to be looked up');
    await abort();
    answerAll(classified(error, true));
    return results;
  }
  if (!status) {
    deps.logger.warn({ destination: deps.name, waitedMs: maxPolls * interval }, 'a bulk job did not finish in time and was aborted');
    await abort();
  }

  // -- results, keyed by operation id --
  const known = new Set(pending.map((op) => op.id));
  try {
    for (const which of ['successful', 'failed'] as const) {
      for (const row of await deps.retried(() => deps.bulk.processed(jobId, job, which))) {
        if (!known.has(row.operationId) || results.has(row.operationId)) {
          deps.logger.error({ destination: deps.name, operationId: row.operationId }, 'a bulk result row matches no operation of the job, or one already answered');
          continue;
        }
        results.set(row.operationId, row.result.ok
          ? { status: 'done', recordId: row.result.recordId, ...(row.result.created !== undefined ? { created: row.result.created } : {}) }
          : classified(row.result.error));
      }
    }
    const jobFailure = status?.state === 'failed' && status.error !== undefined ? classified(status.error) : undefined;
    for (const id of await deps.retried(() => deps.bulk.unprocessed(jobId, job))) {
      if (known.has(id) && !results.has(id)) results.set(id, jobFailure ?? { status: 'retryable', error: UNPROCESSED });
    }
  } catch (error) {
    answerAll(classified(error, true));
    return results;
  }
  answerAll({ status: 'retryable', error: MISSING, outcomeUnknown: true });
  return results;
}
