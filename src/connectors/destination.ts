import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { OutboundClient } from './outbound.ts';
import type { ClassifyContext, DestinationSession } from './destination-session.ts';

export type { BulkIngestSession, BulkJobStatus, BulkRowOutcome, ClassifyContext, DestinationSession, VendorRecordResult } from './destination-session.ts';

/**
 * The destination half of the connector SDK: what a CRM connector (Salesforce, SAP C4C, Oracle CX,
 * or an outside plugin) gives Parley. The core plans operations in CRM terms (object and field
 * API names from the connector's catalog) and the connector turns each batch into the CRM's bulk
 * call, answering one result per operation.
 */

/** What an operation does to a CRM record. */
export type WriteOperationKind = 'create' | 'update' | 'upsert' | 'delete';

/**
 * One record write, planned by Parley. `fields` use the CRM's field API names; values are JSON
 * (datetimes as ISO 8601 strings, numbers, booleans, null to clear a field).
 */
export interface WriteOperation {
  /** Parley's operation id: results are keyed by it. */
  id: string;
  /** `update` and `delete`: the CRM's record id. */
  recordId?: string;
  /** `upsert`: the match key's value (also present in `fields` under the batch's `matchKey`). */
  matchValue?: string;
  fields: Record<string, unknown>;
}

/**
 * Operations of one kind on one object, sent together. A connector splits nothing: the dispatcher
 * never sends more than `limits.maxBatchSize` operations in a batch.
 */
export interface WriteBatch {
  /** The CRM object's API name (`SocialPost`). */
  object: string;
  operation: WriteOperationKind;
  /** `upsert`: the field the CRM matches on (an external-id field of the object). */
  matchKey?: string;
  operations: WriteOperation[];
}

/** An error as the CRM reported it, kept verbatim for the operator. */
export interface VendorError {
  /** The vendor's own error code (`REQUIRED_FIELD_MISSING`, `UNABLE_TO_LOCK_ROW`, `HTTP_503`). */
  code: string;
  message: string;
  /** The fields the error is about, when the CRM says. */
  fields?: string[];
  /** The HTTP status of the response that carried it, when there was one. */
  httpStatus?: number;
}

/**
 * How a failure should be handled — decided by the connector's `classify`, in one place:
 * - `retryable`: may succeed later unchanged (5xx, timeouts, lock contention): the outbox retries it.
 * - `rate-limited`: the CRM refused for quota; nothing is wrong with the records. `retryAfterMs` is
 *   the wait the CRM announced (or the connector's estimate); the destination pauses that long and
 *   no record spends an attempt.
 * - `permanent`: will fail again unchanged. `scope` says what must change: the `record` (validation),
 *   the `config` (credentials, permissions, an unknown field in a mapping) or the CRM's `data`
 *   (duplicates in the org).
 */
export type ErrorClass =
  /**
   * `outcomeUnknown`: the call may have been carried out before it failed (a connection lost after
   * the request was sent). The kit then retries in the call only what is idempotent (updates,
   * upserts, deletes); a create comes back `retryable` with `outcomeUnknown`, to be looked up first.
   */
  | { kind: 'retryable'; outcomeUnknown?: boolean }
  | { kind: 'rate-limited'; retryAfterMs: number }
  | { kind: 'permanent'; scope: PermanentScope };

/**
 * What must change before a permanent failure can succeed: the `record` (validation), the `config`
 * (credentials, permissions, a mapping naming an unknown field), the CRM's `data` (duplicates in
 * the org), or Parley itself (`bug`: it sent a request the API cannot take, such as too many records).
 */
export type PermanentScope = 'record' | 'config' | 'data' | 'bug';

/** The outcome of one operation. */
export type WriteResult =
  | { status: 'done'; recordId: string; created?: boolean }
  /**
   * `outcomeUnknown`: the call may have been carried out (a connection lost after sending a create):
   * before writing again, look the record up by its natural key (ARCHITECTURE.md, idempotent writes).
   */
  | { status: 'retryable'; error: VendorError; outcomeUnknown?: boolean }
  | { status: 'rate-limited'; error: VendorError; retryAfterMs: number }
  | { status: 'permanent'; scope: PermanentScope; error: VendorError };

/** Turns a classification and the error it was made for into an operation's result. */
export function resultFor(error: VendorError, classification: ErrorClass): WriteResult {
  switch (classification.kind) {
    case 'retryable': return { status: 'retryable', error, ...(classification.outcomeUnknown ? { outcomeUnknown: true } : {}) };
    case 'rate-limited': return { status: 'rate-limited', error, retryAfterMs: classification.retryAfterMs };
    case 'permanent': return { status: 'permanent', scope: classification.scope, error };
  }
}

/** A CRM field as the catalog describes it, in vendor-neutral terms plus the vendor's own type. */
export interface CatalogField {
  name: string;
  label: string;
  /** The vendor's type name (`picklist`, `reference`, `datetime`, `Edm.String`). */
  vendorType: string;
  /** What a mapping's value is coerced to. */
  valueType: 'string' | 'integer' | 'number' | 'boolean' | 'datetime' | 'date' | 'reference' | 'other';
  /** Maximum length in characters, for text; undefined when not limited or not text. */
  length?: number;
  /** Must be given on create. */
  required: boolean;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  /** Can be an upsert's match key. */
  upsertKey: boolean;
  /** Allowed values; `restricted` means other values are refused. */
  picklist?: { values: string[]; restricted: boolean };
  /** Objects a reference field may point to. */
  referenceTo?: string[];
}

/** One CRM object of the catalog. */
export interface CatalogObject {
  name: string;
  label: string;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  fields: CatalogField[];
}

/** The object catalog: what a mapping may target, checked at start-up. */
export interface ObjectCatalog {
  objects: CatalogObject[];
}

/** API quota as the CRM last reported it (`Sforce-Limit-Info: api-usage=25/15000`). */
export interface UsageReading {
  /** Calls counted in the current window. */
  used: number;
  /** The window's quota. */
  limit: number;
  /** When it was read. */
  at: Date;
}

/** Default limits; the config may lower or raise them per destination. */
export interface DestinationLimits {
  /** Most operations in one batch (Salesforce sObject Collections: 200). */
  maxBatchSize: number;
  /** Calls in flight at once. */
  maxConcurrent: number;
  /** Least time between the starts of two calls, ms. */
  minTimeMs: number;
  /** Most values in one `lookup` call (Salesforce: 100 in a SOQL `IN`); default 100. */
  maxLookupValues?: number;
  /** Bulk jobs, for a connector whose session has `bulk`; without it the client has no `writeBulk` or `purge`. */
  bulk?: BulkLimits;
}

/**
 * How a destination runs bulk jobs (`DestinationClient.writeBulk`, `purge`).
 * @example { minRecords: 2_000, maxRecords: 10_000, pollIntervalMs: 2_000, maxWaitMs: 600_000 }
 */
export interface BulkLimits {
  /** Fewest operations worth a job: `writeBulk` sends a smaller batch through `write` instead, in parts of `maxBatchSize`. */
  minRecords: number;
  /** Most operations in one job; a bigger batch is refused before sending (every operation `permanent`/`bug`). Salesforce: 150 MB of CSV per job. */
  maxRecords: number;
  /** Wait between two status reads of a job, ms; default 2 000. */
  pollIntervalMs?: number;
  /** Longest wait for a job to finish, ms; default 600 000. The kit then aborts it: rows it processed keep their results, the others come back retryable. */
  maxWaitMs?: number;
}

/** What Parley hands a connector when it connects. */
export interface DestinationContext {
  /** The config block's name (`salesforce`), for messages. */
  name: string;
  logger: {
    debug(obj: object, msg?: string): void;
    info(obj: object, msg?: string): void;
    warn(obj: object, msg?: string): void;
    error(obj: object, msg?: string): void;
  };
  /**
   * The built-in sandbox's base URL (`http://127.0.0.1:3000/sandbox/salesforce`) when Parley mounts
   * it; a connector uses it when its config names no URL of the CRM.
   */
  sandboxUrl?: string;
  /**
   * The only way a connector reaches the network (ARCHITECTURE.md, "Outbound calls"): a client bound
   * to `baseUrl` (the URL the config names, or `sandboxUrl`) that calls only trusted hosts over
   * https (http to loopback), never follows a redirect and times every call out.
   * @throws ParleyError PARLEY_DESTINATION_UNTRUSTED_HOST when `baseUrl` itself breaks the policy
   */
  outbound: (baseUrl: string) => OutboundClient;
  now?: () => Date;
}

/** What the core asks to be told during a write. */
export interface WriteHooks {
  /**
   * Awaited once, just before the first CRM call of the write leaves (after the limiter let it
   * through): the outbox marks the operations sent here, so after a crash only they are looked up.
   * Not called when no operation is sent (every one refused before sending).
   */
  beforeSend?: () => Promise<void>;
  /**
   * What the write is for, on the destination's limiter: `live` (default) goes before `resync`
   * waiting on the same limiter, so a resync's calls never hold up fresh posts' in the queue.
   */
  priority?: 'live' | 'resync';
}

/**
 * A connected destination as the core uses it: the destination kit's product (`connectDestination`),
 * built from a connector's `DestinationSession`. The kit owns the behaviour every CRM shares:
 * retries inside a call, isolation of a record that fails the whole call, results keyed by
 * operation id, the duplicate-id guard, usage and rate-limit signalling, and the limiter.
 */
export interface DestinationClient {
  /** The objects and fields available to mappings. */
  catalog(): Promise<ObjectCatalog>;
  /**
   * Writes one batch; resolves with one result per operation, keyed by operation id — including
   * when the whole call failed (every operation then carries that call's classified error).
   * Never rejects for a CRM or network failure.
   */
  write(batch: WriteBatch, hooks?: WriteHooks): Promise<Map<string, WriteResult>>;
  /**
   * The CRM id of the record whose `field` equals `value`, or undefined when there is none.
   * Used before writing again after an attempt whose outcome is unknown, and to find the record of
   * an update or delete Parley has no link for.
   */
  lookup?(object: string, field: string, value: string): Promise<string | undefined>;
  /**
   * `lookup` for many values in as few calls as the CRM allows (Salesforce: one SOQL `IN` query per
   * 100 values): value → CRM id, a value with no record absent. The dispatcher uses it for every
   * look-up of a round at once (operations whose sent write's outcome is unknown after a crash);
   * without it, it calls `lookup` per value. Rejects when a call fails (nothing is assumed absent).
   */
  lookupMany?(object: string, field: string, values: readonly string[]): Promise<Map<string, string>>;
  /**
   * Present when the connector has bulk jobs (`limits.bulk` and `session.bulk`): writes one batch
   * as a job, and resolves like `write` with one result per operation id, never rejecting for a CRM
   * or network failure. A batch under `limits.bulk.minRecords` goes through `write` (in parts of
   * `maxBatchSize`; `hooks.beforeSend` may then run once per part). Every request
   * of the job (create, upload, close, each status read, each result file) passes the limiter.
   * Rows the CRM failed are classified by the connector's `classify` (not retried in the call);
   * rows it did not process come back `retryable` (or with the job's classified error when the
   * job failed); rows whose result never came back are `retryable` with `outcomeUnknown`.
   */
  writeBulk?(batch: WriteBatch, hooks?: WriteHooks): Promise<Map<string, WriteResult>>;
  /**
   * Present when the connector has bulk jobs: deletes records of `object` for good, leaving nothing
   * restorable (Salesforce: a Bulk API 2.0 `hardDelete` job, no recycle bin), for erasures. Always a
   * job, whatever the count (at most `limits.bulk.maxRecords` ids). Resolves with one result per
   * record id given; a record already gone answers what the CRM says (Salesforce:
   * ENTITY_IS_DELETED, as the connector classifies it).
   */
  purge?(object: string, recordIds: readonly string[], hooks?: WriteHooks): Promise<Map<string, WriteResult>>;
  /** Where a person opens the record `recordId` of `object` in the CRM (the session's `recordUrl`); undefined when the connector cannot say. No call. */
  recordUrl?(object: string, recordId: string): string | undefined;
  /** The last quota reading, if any. */
  usage(): UsageReading | undefined;
  /**
   * Optional vendor fact: reads the API quota with the cheapest call the vendor has (Salesforce
   * `GET /services/data/vXX.X/limits`, `DailyApiRequests {Max, Remaining}`), so a destination paused
   * for its quota or its budget reserve learns when the quota is back without a write. The
   * dispatcher calls it only while paused, at most once per `usageProbeSeconds`, through the
   * destination's limiter. Rejects when the CRM refuses or cannot be reached (the pause goes on).
   */
  refreshUsage?(): Promise<UsageReading>;
  close(): Promise<void>;
}

/**
 * A CRM connector: its static facts as data, behaviour as functions.
 * `C` is the destination's own config, as `configSchema` produces it from its block in `parley.yaml`.
 */
export interface DestinationDefinition<C = unknown> {
  /** Kebab-case id (`salesforce`); also the sandbox's mount point `/sandbox/<id>`. */
  id: string;
  displayName: string;
  /** SDK versions this connector works with, as a semver range. */
  sdk: string;
  configSchema: z.ZodType<C>;
  limits: DestinationLimits;
  /**
   * The vendor's own domains (`salesforce.com`, `force.com`): when the configured URL is on one of
   * them, a URL the vendor hands back (a login's `instance_url`) on any of them is trusted too.
   * Hosts outside them need the destination's `allowedHosts`.
   */
  trustedDomains?: readonly string[];
  /**
   * Classifies any error the session's calls raise or a record result carries, in one place
   * (see `ErrorClass`). `context.matchKey` is the batch's upsert key, for errors whose class
   * depends on it; `context.config` the destination's config (a configured wait, say).
   */
  classify: (error: unknown, context: ClassifyContext<C>) => ErrorClass;
  /** The vendor's own words for an error the session raised or a record result carries (`{ code, message, fields?, httpStatus? }`). */
  describeError: (error: unknown) => VendorError;
  /**
   * Optional vendor fact: what is wrong with an operation before it is sent (a record id that is
   * not one of the vendor's, say), or undefined. Such an operation is not sent; it comes back
   * `permanent` with scope `record` and this error.
   */
  precheck?: (batch: WriteBatch, operation: WriteOperation) => VendorError | undefined;
  /**
   * Connects (authenticates) and returns a session: the vendor's calls, nothing more. Parley wraps
   * it in the destination kit (`connectDestination`), which owns the write loop.
   * @throws ParleyError PARLEY_DESTINATION_CONFIG (credentials or settings refused: `misconfigured`),
   *   PARLEY_DESTINATION_UNTRUSTED_HOST or PARLEY_DESTINATION_REDIRECTED (`misconfigured`),
   *   PARLEY_DESTINATION_UNREACHABLE or any other error (`unreachable`: retried with backoff)
   */
  connect: (config: C, context: DestinationContext) => Promise<DestinationSession>;
  /** The vendor simulator, mounted at `/sandbox/<id>` when the config lists it under `sandboxes`. */
  sandbox?: SandboxDefinition;
}

/**
 * A sandbox: a Fastify plugin simulating the vendor's wire protocol (ARCHITECTURE.md, Connectors).
 * Parley registers `plugin` under the prefix `/sandbox/<id>`; below it the vendor's own paths apply.
 */
export interface SandboxDefinition<O = unknown> {
  /** Validates the sandbox's block in `parley.yaml` (`sandboxes.<id>`). */
  configSchema: z.ZodType<O>;
  /**
   * Registers the routes. `options.baseUrl()` is the sandbox's own absolute URL
   * (`http://127.0.0.1:3000/sandbox/salesforce`, or the block's `baseUrl`), for the absolute URLs it
   * answers (a login's `instance_url`): never built from the request's `Host` header, which any
   * client can forge. `dataDir` is PARLEY_DATA_DIR. Parley refuses non-loopback clients before the
   * plugin sees them unless the block says `public: true`. The plugin answers every error in the
   * vendor's own shape, never Parley's.
   */
  plugin: (app: FastifyInstance, options: { config: O; baseUrl: () => string; dataDir: string }) => Promise<void>;
  /**
   * Paths some published clients send to the server's root rather than under the sandbox's URL
   * (jsforce's Bulk API 2.0 resolves `/services/data/vXX.X/jobs/ingest` against the origin of
   * `instance_url`, dropping its `/sandbox/salesforce`). A request at the root whose path matches
   * one is served by this sandbox, when it is the only mounted sandbox that claims it.
   */
  rootPaths?: readonly RegExp[];
}

/**
 * Declares a destination connector.
 * @example export default defineDestination({ id: 'salesforce', sdk: '^2.0.0', configSchema, limits, classify, connect });
 */
export function defineDestination<C>(definition: DestinationDefinition<C>): DestinationDefinition<C> {
  return Object.freeze({ ...definition });
}
