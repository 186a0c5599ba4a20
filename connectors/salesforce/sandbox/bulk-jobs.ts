/**
 * Bulk API 2.0 ingest jobs of the sandbox (reference §9; Bulk API 2.0 Developer Guide, "Create a
 * Job", "Upload Job Data", "Close or Abort a Job", "Get Job Info", "Get Job Successful / Failed
 * Record Results", "Get Job Unprocessed Record Results", "Delete a Job"): the lifecycle
 * `Open → UploadComplete → InProgress → JobComplete | Failed | Aborted`, and the rows' results.
 *
 * Processing is asynchronous as Salesforce's is, but driven by the client, never by a timer: a
 * closed job answers `InProgress` to its first `inProgressPolls` status reads and is processed on
 * the next one, or on the first read `completeAfterMs` after it was closed. Jobs live in memory.
 */
import { makeSalesforceId } from './ids.ts';
import { parseCsv, writeCsv, type ColumnDelimiter, type CsvDialect, type CsvTable, type LineEnding } from './bulk-csv.ts';
import { errorCell, headerProblem, INGEST_OPERATIONS, processRows, type IngestOperation, type ProcessedRow } from './bulk-rows.ts';
import type { SandboxOrg } from './org.ts';
import { COLUMN_DELIMITERS } from './bulk-csv.ts';
import { SalesforceRequestError, type SalesforceErrorItem } from './types.ts';

/** A job's state, in Salesforce's words. */
export type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

/** How the sandbox runs jobs: `bulk` in the sandbox config. */
export interface BulkSettings {
  /** Status reads that answer `InProgress` before a closed job is processed (0: the first read completes it). */
  inProgressPolls: number;
  /** A closed job is processed on the first read at least this long after it was closed, ms; undefined: polls only. */
  completeAfterMs?: number | undefined;
  /** The user holds "Bulk API Hard Delete"; without it a hardDelete job is refused. */
  hardDeletePermission: boolean;
}

interface Job {
  id: string;
  object: string;
  operation: IngestOperation;
  externalIdFieldName?: string;
  dialect: CsvDialect;
  apiVersion: string;
  createdDate: string;
  systemModstamp: string;
  state: JobState;
  uploads: CsvTable[];
  polls: number;
  closedAt?: number;
  lockFault: boolean;
  errorMessage?: string;
  processed: ProcessedRow[];
  unprocessed: CsvTable[];
}

/** What the job registry uses of the sandbox. */
export interface BulkJobsOptions {
  org: SandboxOrg;
  userId: string;
  settings: () => BulkSettings;
  /** The draw for injected lock faults (the sandbox kit's generator, seedable). */
  random: () => number;
  /** The error an injected lock fault answers per row. */
  lockError: SalesforceErrorItem;
  now?: () => Date;
}

const MISSING = () => new SalesforceRequestError(404, 'NOT_FOUND', 'The requested resource does not exist');
// Bulk API 2.0 answers a job in the wrong state with 400/409 and an `INVALIDJOBSTATE` item [unconfirmed: status 400 chosen].
const wrongState = (message: string) => new SalesforceRequestError(400, 'INVALIDJOBSTATE', message);
const invalidJob = (message: string) => new SalesforceRequestError(400, 'INVALIDJOB', message);

/** The sandbox's ingest jobs. */
export class BulkJobs {
  readonly #jobs = new Map<string, Job>();
  readonly #options: BulkJobsOptions;
  #counter = 0;

  constructor(options: BulkJobsOptions) {
    this.#options = options;
  }

  /**
   * `POST /jobs/ingest`: a new job in state Open.
   * @throws SalesforceRequestError 400 INVALIDJOB for a bad job definition, 400 FEATURENOTENABLED for
   *   hardDelete without the permission, 404 for an unknown object
   */
  create(body: unknown, apiVersion: string): Record<string, unknown> {
    const request = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const operation = request.operation as IngestOperation;
    if (!INGEST_OPERATIONS.includes(operation)) throw invalidJob(`InvalidJob : Invalid operation: ${String(request.operation)}`);
    if (typeof request.object !== 'string' || request.object === '') throw invalidJob('InvalidJob : object is required');
    const describe = this.#options.org.describe(request.object);
    if (!describe) throw invalidJob(`InvalidJob : Invalid object: ${request.object}`);
    if ((request.contentType ?? 'CSV') !== 'CSV') throw invalidJob(`InvalidJob : Invalid content type: ${String(request.contentType)}`);
    const columnDelimiter = (request.columnDelimiter ?? 'COMMA') as ColumnDelimiter;
    if (!Object.hasOwn(COLUMN_DELIMITERS, columnDelimiter)) throw invalidJob(`InvalidJob : Invalid column delimiter: ${String(request.columnDelimiter)}`);
    const lineEnding = (request.lineEnding ?? 'LF') as LineEnding;
    if (lineEnding !== 'LF' && lineEnding !== 'CRLF') throw invalidJob(`InvalidJob : Invalid line ending: ${String(request.lineEnding)}`);
    let externalIdFieldName: string | undefined;
    if (operation === 'upsert') {
      if (typeof request.externalIdFieldName !== 'string' || request.externalIdFieldName === '') {
        throw invalidJob(`InvalidJob : External ID was blank for ${describe.name}. An External ID must be specified for upsert.`);
      }
      externalIdFieldName = this.#options.org.upsertKey(describe, request.externalIdFieldName);
    }
    if (operation === 'hardDelete' && !this.#options.settings().hardDeletePermission) {
      // The text Salesforce gives a user without "Bulk API Hard Delete" [observed on Bulk API 1.0 as
      // FeatureNotEnabled; Bulk API 2.0's status and code spelling unconfirmed].
      throw new SalesforceRequestError(400, 'FEATURENOTENABLED', 'hardDelete operation requires special user profile permission, please contact your system administrator');
    }
    const now = this.#now().toISOString().replace('Z', '+0000');
    const job: Job = {
      id: makeSalesforceId('750', ++this.#counter), object: describe.name, operation, ...(externalIdFieldName ? { externalIdFieldName } : {}),
      dialect: { columnDelimiter, lineEnding }, apiVersion, createdDate: now, systemModstamp: now, state: 'Open',
      uploads: [], polls: 0, lockFault: false, processed: [], unprocessed: [],
    };
    this.#jobs.set(job.id, job);
    return this.#info(job, false);
  }

  /**
   * `PUT /jobs/ingest/{id}/batches`: keeps the CSV for processing.
   * @throws SalesforceRequestError 404, 400 INVALIDJOBSTATE when the job is not Open, 400 INVALIDCSV
   */
  upload(id: string, text: string, lockFault: boolean): void {
    const job = this.#job(id);
    if (job.state !== 'Open') throw wrongState(`Job ${id} is not open for uploads (state ${job.state})`);
    if (typeof text !== 'string' || text.trim() === '') throw new SalesforceRequestError(400, 'INVALIDCSV', 'The upload holds no CSV data');
    job.uploads.push(parseCsv(text, job.dialect));
    job.lockFault ||= lockFault;
  }

  /**
   * `PATCH /jobs/ingest/{id}` with `{"state":"UploadComplete"}` or `{"state":"Aborted"}`.
   * @throws SalesforceRequestError 404, 400 INVALIDJOBSTATE for a change the job's state does not allow
   */
  setState(id: string, body: unknown, lockFault: boolean): Record<string, unknown> {
    const job = this.#job(id);
    const wanted = (body as { state?: unknown } | null)?.state;
    if (wanted === 'UploadComplete') {
      if (job.state !== 'Open') throw wrongState(`Job ${id} cannot be closed in state ${job.state}`);
      job.state = 'UploadComplete';
      job.closedAt = this.#now().getTime();
      job.lockFault ||= lockFault;
    } else if (wanted === 'Aborted') {
      if (job.state === 'JobComplete' || job.state === 'Failed' || job.state === 'Aborted') throw wrongState(`Job ${id} cannot be aborted in state ${job.state}`);
      job.state = 'Aborted';
      job.unprocessed = job.uploads;
    } else {
      throw invalidJob(`InvalidJob : Invalid state: ${String(wanted)}`);
    }
    job.systemModstamp = this.#now().toISOString().replace('Z', '+0000');
    return this.#info(job, false);
  }

  /** `GET /jobs/ingest/{id}`: the job's info; a read of a closed job may process it (see the file's comment). */
  info(id: string): Record<string, unknown> {
    const job = this.#job(id);
    this.#advance(job, true);
    return this.#info(job, true);
  }

  /** `GET /jobs/ingest`: every job, as one page (`done: true`). */
  list(): Record<string, unknown> {
    return { done: true, records: [...this.#jobs.values()].map((job) => this.#info(job, false)), nextRecordsUrl: null };
  }

  /**
   * `DELETE /jobs/ingest/{id}`: only a job in UploadComplete, JobComplete, Aborted or Failed.
   * @throws SalesforceRequestError 404, 400 INVALIDJOBSTATE for an Open or running job
   */
  delete(id: string): void {
    const job = this.#job(id);
    if (job.state === 'Open' || job.state === 'InProgress') throw wrongState(`Job ${id} cannot be deleted in state ${job.state}`);
    this.#jobs.delete(id);
  }

  /**
   * The CSV of `successfulResults` (`sf__Id`, `sf__Created`, the row), `failedResults` (`sf__Id`,
   * `sf__Error`, the row) or `unprocessedrecords` (the row). Rows are in upload order (Salesforce
   * guarantees no order). Before the job is processed the files hold only their header.
   * @throws SalesforceRequestError 404
   */
  results(id: string, kind: 'successful' | 'failed' | 'unprocessed'): string {
    const job = this.#job(id);
    this.#advance(job, false);
    const columns = job.uploads[0]?.columns ?? [];
    if (kind === 'unprocessed') return writeCsv(columns, job.unprocessed.flatMap((t) => t.rows), job.dialect);
    if (kind === 'successful') {
      const rows = job.processed.filter((p) => p.result.success).map((p) => [p.result.id ?? '', String(p.result.created ?? job.operation === 'insert'), ...p.cells]);
      return writeCsv(['sf__Id', 'sf__Created', ...columns], rows, job.dialect);
    }
    const rows = job.processed.filter((p) => !p.result.success).map((p) => [p.result.id ?? '', errorCell(p.result.errors), ...p.cells]);
    return writeCsv(['sf__Id', 'sf__Error', ...columns], rows, job.dialect);
  }

  #job(id: string): Job {
    const job = this.#jobs.get(id) ?? [...this.#jobs.values()].find((j) => j.id.slice(0, 15) === id.slice(0, 15));
    if (!job) throw MISSING();
    return job;
  }

  /** Moves a closed job on: to InProgress, or processed to JobComplete / Failed. */
  #advance(job: Job, isPoll: boolean): void {
    if (job.state !== 'UploadComplete' && job.state !== 'InProgress') return;
    const settings = this.#options.settings();
    const waited = settings.completeAfterMs !== undefined && this.#now().getTime() - (job.closedAt ?? 0) >= settings.completeAfterMs;
    if (!waited && !(isPoll && job.polls >= settings.inProgressPolls)) {
      if (isPoll) { job.polls++; job.state = 'InProgress'; }
      return;
    }
    this.#process(job);
  }

  #process(job: Job): void {
    const { org } = this.#options;
    const describe = org.describe(job.object)!;
    job.systemModstamp = this.#now().toISOString().replace('Z', '+0000');
    for (const table of job.uploads) {
      const problem = headerProblem(table.columns, { describe, operation: job.operation, org });
      if (problem) { job.state = 'Failed'; job.errorMessage = problem; job.unprocessed = job.uploads; job.processed = []; return; }
    }
    const locked = job.lockFault ? this.#lockedRows(job.uploads.reduce((n, t) => n + t.rows.length, 0)) : undefined;
    let offset = 0;
    for (const table of job.uploads) {
      const start = offset;
      job.processed.push(...processRows(table, {
        org, describe, operation: job.operation, ...(job.externalIdFieldName ? { externalIdFieldName: job.externalIdFieldName } : {}),
        ...(locked ? { locked: (i: number) => locked.has(start + i), lockError: this.#options.lockError } : {}),
      }));
      offset += table.rows.length;
    }
    job.state = 'JobComplete';
  }

  /** Rows an injected lock fault hits: about half, at least one. */
  #lockedRows(count: number): Set<number> {
    const locked = new Set<number>();
    for (let i = 0; i < count; i++) if (this.#options.random() < 0.5) locked.add(i);
    if (locked.size === 0 && count > 0) locked.add(Math.floor(this.#options.random() * count));
    return locked;
  }

  /** JobInfo as Salesforce answers it; `full` adds the processing counters of `GET /jobs/ingest/{id}`. */
  #info(job: Job, full: boolean): Record<string, unknown> {
    const info: Record<string, unknown> = {
      id: job.id, operation: job.operation, object: job.object, createdById: this.#options.userId, createdDate: job.createdDate,
      systemModstamp: job.systemModstamp, state: job.state, ...(job.externalIdFieldName ? { externalIdFieldName: job.externalIdFieldName } : {}),
      concurrencyMode: 'Parallel', contentType: 'CSV', apiVersion: Number(job.apiVersion),
      contentUrl: `services/data/v${job.apiVersion}/jobs/ingest/${job.id}/batches`, lineEnding: job.dialect.lineEnding, columnDelimiter: job.dialect.columnDelimiter,
    };
    if (!full) return info;
    const failed = job.processed.filter((p) => !p.result.success).length;
    return {
      ...info, jobType: 'V2Ingest', numberRecordsProcessed: job.processed.length, numberRecordsFailed: failed, retries: 0,
      totalProcessingTime: 0, apiActiveProcessingTime: 0, apexProcessingTime: 0, ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
    };
  }

  #now(): Date {
    return (this.#options.now ?? (() => new Date()))();
  }
}
