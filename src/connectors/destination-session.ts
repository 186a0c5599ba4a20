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
  /** The quota reading the vendor's last answer carried (`Sforce-Limit-Info`), if any. Read by the kit after every call. */
  usage?(): UsageReading | undefined;
  /**
   * Reads the quota with the cheapest call the vendor has (Salesforce `GET /limits`). Optional;
   * used while a destination is paused for its quota, so it learns the quota is back without a write.
   */
  readUsage?(): Promise<UsageReading>;
  /** Releases connections; sessions themselves simply expire. */
  close(): Promise<void>;
}

// Why a session and not a DestinationClient: a connector cannot skip the kit's behaviour (a client
// it built itself could forget the duplicate-id guard or the limiter); the core only ever holds
// what `connectDestination` built.
