import type { ObjectCatalog, UsageReading, WriteBatch } from './destination.ts';

/**
 * The vendor half of a destination: what a connector's `connect` returns. Only the vendor's calls
 * and the vendor's answers, raw. Retrying, isolating bad records, keying results, signalling usage
 * and rate limits, and the limiter are the destination kit's (`connectDestination`), written once
 * for every CRM (ARCHITECTURE.md, "Connectors").
 */

/**
 * One record's outcome as the vendor answered it. `error` is the vendor's own error item (a
 * Salesforce `{ statusCode, message, fields }`, an OData error): the kit passes it to the
 * definition's `classify` and `describeError`.
 */
export type VendorRecordResult =
  | { ok: true; recordId: string; created?: boolean }
  | { ok: false; error: unknown };

/** What `classify` is told besides the error. */
export interface ClassifyContext<C = unknown> {
  /** The batch's upsert key, when the error came from an upsert. */
  matchKey?: string;
  /** The destination's config, as its `configSchema` produced it. */
  config: C;
}

/** A connected vendor session. Every method may reject with the vendor's error; the kit classifies it. */
export interface DestinationSession {
  /** The objects and fields mappings may target (Salesforce: describe of the configured objects). */
  describe(): Promise<ObjectCatalog>;
  /**
   * One call writing the batch (at most `limits.maxBatchSize` operations, each already prechecked
   * and with a unique id): one result per operation, in the batch's order. Rejects when the whole
   * call failed; the kit then classifies that error for every operation, and when `classify` calls
   * it `permanent` with scope `record` (one bad value failing the whole request) it halves the
   * batch to find the bad records.
   */
  send(batch: WriteBatch): Promise<VendorRecordResult[]>;
  /**
   * Value → the CRM id of the record of `object` whose `field` equals it, for at most
   * `limits.maxLookupValues` values in one call (Salesforce: one SOQL `IN` query); a value with no
   * record is absent. Optional: without it Parley cannot recover an unknown outcome by looking up.
   */
  lookup?(object: string, field: string, values: readonly string[]): Promise<Map<string, string>>;
  /**
   * Optional vendor capability: asynchronous bulk jobs (Salesforce Bulk API 2.0 ingest) for big
   * batches and for purges (deletes that leave nothing restorable). Each method is one HTTP request,
   * so the kit can put each through the destination's limiter; the kit owns the order, polling,
   * bounded waits, aborts and the results (`DestinationClient.writeBulk` / `purge`).
   */
  bulk?: BulkIngestSession;
  /** The quota reading the vendor's last answer carried (`Sforce-Limit-Info`), if any. Read by the kit after every call. */
  usage?(): UsageReading | undefined;
  /**
   * Reads the quota with the cheapest call the vendor has (Salesforce `GET /limits`). Optional;
   * used while a destination is paused for its quota, so it learns the quota is back without a write.
   */
  readUsage?(): Promise<UsageReading>;
  /**
   * The address of a record in the CRM, for people to open (Salesforce: `<instance_url>/<Id>`,
   * which opens the record in Lightning or Classic; SAP C4C: the record's OData entity URL).
   * Optional and pure (no call): undefined when the session cannot say.
   */
  recordUrl?(object: string, recordId: string): string | undefined;
  /** Releases connections; sessions themselves simply expire. */
  close(): Promise<void>;
}

// Why a session and not a DestinationClient: a connector cannot skip the kit's behaviour (a client
// it built itself could forget the duplicate-id guard or the limiter); the core only ever holds
// what `connectDestination` built.

/** A bulk job's state as the kit needs it (Salesforce: Open/UploadComplete/InProgress → `in-progress`, JobComplete, Failed, Aborted). */
export interface BulkJobStatus {
  state: 'in-progress' | 'complete' | 'failed' | 'aborted';
  /** `failed`: the vendor's error for the whole job (Salesforce: `errorMessage`); the kit classifies it for the rows the job left unprocessed. */
  error?: unknown;
}

/** A processed row of a job, mapped back to its operation by the connector (by key, never by position). */
export interface BulkRowOutcome {
  operationId: string;
  result: VendorRecordResult;
}

/**
 * The vendor half of bulk jobs. Every method is exactly one HTTP request and may reject with the
 * vendor's error (the kit classifies it). `batch` is always the job's batch as the kit sent it to
 * `create` (operations already admitted, ids unique), so a connector can map result rows back to
 * operation ids without keeping state.
 */
export interface BulkIngestSession {
  /**
   * Creates a job for the batch's object and operation (Salesforce `POST /jobs/ingest`); `purge`
   * asks for a delete that leaves nothing restorable (Salesforce `hardDelete`: no recycle bin).
   * Resolves with the vendor's job id.
   */
  create(batch: WriteBatch, options: { purge: boolean }): Promise<string>;
  /** Uploads the batch's records (Salesforce `PUT /jobs/ingest/{id}/batches`, CSV). Never retried by the kit. */
  upload(jobId: string, batch: WriteBatch): Promise<void>;
  /** Marks the upload complete, so the vendor starts processing (Salesforce `PATCH … {"state":"UploadComplete"}`). Never retried by the kit. */
  close(jobId: string): Promise<void>;
  /** Reads the job's state (Salesforce `GET /jobs/ingest/{id}`). */
  status(jobId: string): Promise<BulkJobStatus>;
  /** The rows the job processed, successful or failed (Salesforce `…/successfulResults`, `…/failedResults`), keyed by operation id. */
  processed(jobId: string, batch: WriteBatch, which: 'successful' | 'failed'): Promise<BulkRowOutcome[]>;
  /** Operation ids of the rows the job did not process (Salesforce `…/unprocessedrecords`). */
  unprocessed(jobId: string, batch: WriteBatch): Promise<string[]>;
  /** Stops a job that has not finished (Salesforce `PATCH … {"state":"Aborted"}`); the kit calls it after a failed upload or close, and after its wait ran out. */
  abort(jobId: string): Promise<void>;
}
