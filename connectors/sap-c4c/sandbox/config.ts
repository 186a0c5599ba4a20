import { z } from 'zod';

/** The demo credentials every CRM sandbox accepts (ARCHITECTURE.md, Fixed interfaces). */
export const DEMO_USER = 'parley-demo';
export const DEMO_PASSWORD = 'parley-demo-secret';

/** `sandboxes.sap-c4c` in `parley.yaml`. Every key is optional; the defaults are the demo tenant. */
export const SapC4cSandboxConfig = z.object({
  /** Business or integration users for Basic auth. */
  users: z.array(z.object({ user: z.string().min(1), password: z.string().min(1) }).strict()).default([{ user: DEMO_USER, password: DEMO_PASSWORD }]),
  /** Access tokens accepted as `Authorization: Bearer` besides those the token endpoint issues; they never expire. */
  bearerTokens: z.array(z.string().min(1)).default([]),
  /** OAuth clients of the SAML bearer token endpoint (`/sap/bc/sec/oauth2/token`, reference §1), authenticated with Basic. */
  oauthClients: z.array(z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1) }).strict()).default([{ clientId: DEMO_USER, clientSecret: DEMO_PASSWORD }]),
  /** Lifetime of an issued access token, seconds: the token answer's `expires_in` (C4C's own default [unconfirmed]). */
  tokenTtlSeconds: z.coerce.number().int().positive().default(3600),
  /** CSRF protection on writes and `$batch`; off = integration-user mode (reference §1, item 4). */
  csrf: z.boolean().default(true),
  /** Rows per server page without `$top` (reference §2: 1000) and with `$expand` (100). */
  pageSize: z.coerce.number().int().positive().default(1000),
  expandPageSize: z.coerce.number().int().positive().default(100),
  /** Most operations one `$batch` may hold before 400 (undocumented for C4C: reference §4) [unconfirmed]. */
  batchMaxOperations: z.coerce.number().int().positive().default(1000),
  /** Calls per day before 429 (C4C v1 documents no quota: reference §7) [unconfirmed]. */
  dailyLimit: z.coerce.number().int().positive().default(1_000_000),
  /** `TypeCode` of the document reference from a root activity's automatic ticket (sample: 1607; its README: 1067) [unconfirmed]. */
  ticketReferenceTypeCode: z.string().default('1607'),
  /** Status of a `$batch` answer: 202 per OData v2 and SAP Gateway, C4C's own [unconfirmed] (reference §4). */
  batchStatus: z.union([z.literal(200), z.literal(202)]).default(202),
  /** Keep records in this JSON file (relative to PARLEY_DATA_DIR) across restarts; in memory only when absent. */
  file: z.string().min(1).optional(),
  /** Faults from the start (the same shape as `PUT /_faults`). */
  faults: z.unknown().optional(),
}).strict();
export type SapC4cSandboxConfig = z.infer<typeof SapC4cSandboxConfig>;
