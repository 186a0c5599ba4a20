import type jsforce from 'jsforce';
import type { BulkIngestSession, BulkJobStatus, BulkRowOutcome, WriteBatch } from '../../src/connectors/index.ts';
import { batchCsv, csvText, failureOf, matchRows, resultRows, successOf } from './bulk-csv.ts';

type Connection = InstanceType<typeof jsforce.Connection>;

/** A Bulk API 2.0 JobInfo, as far as the connector reads it (reference §9). */
interface JobInfo {
  id: string;
  state: 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  errorMessage?: string;
}

/** Parley's operation → the job's `operation` (`purge` deletes are `hardDelete`: no recycle bin). */
const OPERATIONS = { create: 'insert', update: 'update', upsert: 'upsert', delete: 'delete' } as const;

/**
 * Salesforce Bulk API 2.0 ingest (reference §9), one HTTP request per method, through the
 * connection's own transport (Parley's outbound policy) and `call` (which keeps the usage header).
 * URLs are relative to the instance (`/jobs/ingest` → `{instance_url}/services/data/vXX.X/jobs/ingest`):
 * jsforce's own `bulk2` resolves `/services/data/…` against the host only, dropping an instance
 * URL's path such as the sandbox's `/sandbox/salesforce`.
 */
export class SalesforceBulk implements BulkIngestSession {
  readonly #conn: Connection;
  readonly #call: <T>(run: () => Promise<T>) => Promise<T>;

  constructor(conn: Connection, call: <T>(run: () => Promise<T>) => Promise<T>) {
    this.#conn = conn;
    this.#call = call;
  }

  /** `POST /jobs/ingest`: CSV, comma, LF; upserts match on the batch's `matchKey` (`externalIdFieldName`). */
  async create(batch: WriteBatch, options: { purge: boolean }): Promise<string> {
    const operation = options.purge ? 'hardDelete' : OPERATIONS[batch.operation];
    const body = {
      object: batch.object, operation, ...(batch.operation === 'upsert' && batch.matchKey ? { externalIdFieldName: batch.matchKey } : {}),
      contentType: 'CSV', columnDelimiter: 'COMMA', lineEnding: 'LF',
    };
    const info = await this.#json<JobInfo>('POST', '/jobs/ingest', body);
    if (typeof info?.id !== 'string') throw Object.assign(new Error('Salesforce answered a job creation without a job id'), { errorCode: 'UNEXPECTED_ANSWER' });
    return info.id;
  }

  /** `PUT /jobs/ingest/{id}/batches` with the batch as CSV (answers 201, no body). */
  async upload(jobId: string, batch: WriteBatch): Promise<void> {
    const url = `/jobs/ingest/${encodeURIComponent(jobId)}/batches`;
    await this.#call(() => this.#conn.request({ method: 'PUT', url, body: csvText(batchCsv(batch)), headers: { 'content-type': 'text/csv' } }) as Promise<unknown>);
  }

  /** `PATCH /jobs/ingest/{id}` `{"state":"UploadComplete"}`. */
  async close(jobId: string): Promise<void> {
    await this.#json('PATCH', `/jobs/ingest/${encodeURIComponent(jobId)}`, { state: 'UploadComplete' });
  }

  /** `PATCH /jobs/ingest/{id}` `{"state":"Aborted"}`. */
  async abort(jobId: string): Promise<void> {
    await this.#json('PATCH', `/jobs/ingest/${encodeURIComponent(jobId)}`, { state: 'Aborted' });
  }

  /**
   * `GET /jobs/ingest/{id}`. A Failed job's `errorMessage` (`InvalidBatch : Field name not found : Foo`)
   * becomes an error item whose code is its first word, for classify.
   */
  async status(jobId: string): Promise<BulkJobStatus> {
    const info = await this.#call(() => this.#conn.request({ method: 'GET', url: `/jobs/ingest/${encodeURIComponent(jobId)}` }) as Promise<JobInfo>);
    switch (info.state) {
      case 'JobComplete': return { state: 'complete' };
      case 'Aborted': return { state: 'aborted' };
      case 'Failed': {
        const message = info.errorMessage ?? 'the bulk job failed';
        const code = /^(\w+)\s*:/.exec(message)?.[1] ?? 'BULK_JOB_FAILED';
        return { state: 'failed', error: { errorCode: code, message } };
      }
      default: return { state: 'in-progress' };
    }
  }

  /** `GET …/successfulResults` or `…/failedResults`, matched back to operation ids (bulk-csv.ts). */
  async processed(jobId: string, batch: WriteBatch, which: 'successful' | 'failed'): Promise<BulkRowOutcome[]> {
    const rows = await this.#csv(`/jobs/ingest/${encodeURIComponent(jobId)}/${which === 'successful' ? 'successfulResults' : 'failedResults'}`);
    return matchRows(batch, rows, which === 'successful' ? successOf : failureOf).map(({ operationId, value }) => ({ operationId, result: value }));
  }

  /** `GET …/unprocessedrecords`, matched back to operation ids. */
  async unprocessed(jobId: string, batch: WriteBatch): Promise<string[]> {
    const rows = await this.#csv(`/jobs/ingest/${encodeURIComponent(jobId)}/unprocessedrecords`);
    return matchRows(batch, rows, () => undefined).map(({ operationId }) => operationId);
  }

  async #csv(url: string): Promise<Array<Record<string, string>>> {
    // jsforce reads a `text/csv` answer into records keyed by column; error bodies stay JSON errors.
    return resultRows(await this.#call(() => this.#conn.request({ method: 'GET', url }) as Promise<unknown>));
  }

  #json<T>(method: 'POST' | 'PATCH', url: string, body: unknown): Promise<T> {
    return this.#call(() => this.#conn.request({ method, url, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) as Promise<T>);
  }
}
