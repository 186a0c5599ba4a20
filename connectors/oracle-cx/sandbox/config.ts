import { z } from 'zod';

/** The demo credentials every CRM sandbox accepts (ARCHITECTURE.md, Fixed interfaces). */
export const DEMO_USER = 'parley-demo';
export const DEMO_PASSWORD = 'parley-demo-secret';

const codes = (defaults: readonly string[]) => z.array(z.string().min(1).max(30)).min(1).default([...defaults]);

/**
 * `sandboxes.oracle-cx` in `parley.yaml`. Every key is optional (`{}` is the demo pod); `public` and
 * `baseUrl` are Parley's own keys, taken off before this schema sees the block. Values the reference
 * (../shared/reference/oracle-cx.md) marks [unconfirmed] are switches here, so tests can read either way.
 */
export const OracleCxSandboxConfig = z.object({
  /** Keep records in this JSON file (relative to PARLEY_DATA_DIR) across restarts; in memory only when absent. */
  file: z.string().min(1).optional(),
  /** Calls per day before 429 (Oracle publishes no REST quota: reference §5). */
  dailyLimit: z.coerce.number().int().positive().default(1_000_000),
  /** Faults from the start (the same shape as `PUT /_faults`). */
  faults: z.unknown().optional(),
  /** Users for Basic auth. */
  users: z.array(z.object({ user: z.string().min(1), password: z.string().min(1) }).strict()).default([{ user: DEMO_USER, password: DEMO_PASSWORD }]),
  /** OAuth clients of the token endpoint (`/oauth2/v1/token`), authenticated with Basic. */
  oauthClients: z.array(z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1) }).strict()).default([{ clientId: DEMO_USER, clientSecret: DEMO_PASSWORD }]),
  /** Lifetime of an issued access token, seconds (the token answer's `expires_in`). */
  tokenTtlSeconds: z.coerce.number().int().positive().default(3600),
  /** LOV of `socialUsers.SocialNetworkCd` and `socialPosts.ChannelCd` (lookup HZ_INSTANT_MESSENGER_TYPE; values [unconfirmed], §6.1). */
  socialNetworkCodes: codes(['TWITTER', 'FACEBOOK', 'INSTAGRAM', 'LINKEDIN', 'WHATSAPP', 'OTHER']),
  /** LOV of `socialPosts.MessageTypeCd` (lookup ORA_SVC_SOC_POST_MSG_TYPE_CD; values [unconfirmed], §6.2). */
  postMessageTypeCodes: codes(['ORA_SVC_PUBLIC', 'ORA_SVC_PRIVATE']),
  /** LOV of `serviceRequests.SeverityCd` (values [unconfirmed], §6.3). */
  severityCodes: codes(['ORA_SVC_SEV1', 'ORA_SVC_SEV2', 'ORA_SVC_SEV3', 'ORA_SVC_SEV4']),
  /** Largest `limit` a collection GET honours; a larger one is clamped (about 500 per third-party notes, §2). */
  maxLimit: z.coerce.number().int().positive().default(500),
  /** Status of an `Upsert-Mode` POST that updated a row (§3: 200 vs 201 [unconfirmed]). */
  upsertUpdateStatus: z.union([z.literal(200), z.literal(201)]).default(200),
  /** Status of a batch answer with failed parts (§4 [unconfirmed]); 200 reads as "failures only inside the parts". */
  batchFailureStatus: z.coerce.number().int().min(200).max(599).default(400),
  /** Error bodies: JSON by framework version / Accept, or always plain text, or always JSON (§3). */
  jsonErrors: z.enum(['by-version', 'never', 'always']).default('by-version'),
  /** The first REST-Framework-Version answered with JSON errors under `by-version` (§3 [unconfirmed]). */
  jsonErrorsFromVersion: z.coerce.number().int().min(1).max(10).default(4),
  /** `Retry-After` of an injected 429 or a spent quota, seconds; 0 sends none (§5). */
  rateLimitRetryAfterSeconds: z.coerce.number().int().min(0).default(5),
}).strict();
export type OracleCxSandboxConfig = z.infer<typeof OracleCxSandboxConfig>;
