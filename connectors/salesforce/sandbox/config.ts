import { z } from 'zod';

/** The demo credentials every CRM sandbox accepts (ARCHITECTURE.md, Fixed interfaces). */
export const DEMO_CLIENT_ID = 'parley-demo';
export const DEMO_CLIENT_SECRET = 'parley-demo-secret';
export const DEMO_USERNAME = 'demo@parley.local';
export const DEMO_PASSWORD = 'demo';

const FieldPatch = z.record(z.string(), z.unknown());

/** `sandboxes.salesforce` in `parley.yaml`. Every key is optional; the defaults are the demo org. */
export const SalesforceSandboxConfig = z.object({
  /** Connected apps: OAuth clients, each with the PEM public key its JWT bearer assertions are checked against. */
  clients: z.array(z.object({
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    /** PEM (SPKI) public key for JWT bearer; default: the demo key pair's (connectors/salesforce/demo-keys/). */
    jwtPublicKey: z.string().optional(),
  }).strict()).optional(),
  /** Users for the password grant and as JWT `sub`. */
  users: z.array(z.object({ username: z.string().min(1), password: z.string().min(1) }).strict()).optional(),
  /** `DailyApiRequests` quota: calls beyond it get 403 REQUEST_LIMIT_EXCEEDED. */
  dailyLimit: z.coerce.number().int().positive().default(15_000),
  /** How long an access token lives, ms (real orgs: the session timeout, 2 h by default). */
  sessionTtlMs: z.coerce.number().int().positive().default(2 * 3600_000),
  /** Rows per query page (Salesforce: 2000, lowered by `Sforce-Query-Options: batchSize=`). */
  queryBatchSize: z.coerce.number().int().min(200).max(2000).default(2000),
  /** Keep records in this JSON file (relative to PARLEY_DATA_DIR) across restarts; in memory only when absent. */
  file: z.string().min(1).optional(),
  /** Accepted JWT `aud` values besides the sandbox's own URL. */
  audiences: z.array(z.string()).default(['https://login.salesforce.com', 'https://test.salesforce.com']),
  /**
   * Describe overrides per object and field, e.g. `{ SocialPost: { ExternalPostId: { externalId: true } } }`:
   * for points the reference could not confirm (whether ExternalPostId is an External ID).
   */
  fieldOverrides: z.record(z.string(), z.record(z.string(), FieldPatch)).optional(),
  /** Custom fields to add, e.g. `{ SocialPost: [{ name: Parley_Key__c, type: string, length: 255, externalId: true, unique: true }] }`. */
  customFields: z.record(z.string(), z.array(FieldPatch.and(z.object({ name: z.string(), type: z.string() })))).optional(),
  /**
   * Bulk API 2.0 ingest jobs (reference §9). A closed job answers `InProgress` to `inProgressPolls`
   * status reads and is processed on the next, or on the first read `completeAfterMs` after it was
   * closed. `hardDeletePermission: false` is a user without "Bulk API Hard Delete": hardDelete jobs
   * are refused with FEATURENOTENABLED.
   */
  bulk: z.object({
    inProgressPolls: z.coerce.number().int().min(0).max(100).default(1),
    completeAfterMs: z.coerce.number().int().min(0).optional(),
    hardDeletePermission: z.boolean().default(true),
  }).strict().default({ inProgressPolls: 1, hardDeletePermission: true }),
  /** Faults from the start (the same shape as `PUT /_faults`). */
  faults: z.unknown().optional(),
}).strict();
export type SalesforceSandboxConfig = z.infer<typeof SalesforceSandboxConfig>;
