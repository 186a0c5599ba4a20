import { z } from 'zod';

/** X API v2's own host: where a pull goes unless the config (or the demo's sandbox) names another. */
export const X_API_URL = 'https://api.x.com';

/**
 * The `pull` key of the `x` source block: what `from-source` resyncs need to read X API v2.
 * The bearer token is an app-only token (OAuth 2.0 Bearer): per-app rate limits apply
 * (docs.x.com/x-api/fundamentals/rate-limits). Never logged.
 */
export const XPullConfig = z.object({
  /** App-only bearer token (`X_BEARER_TOKEN`). */
  bearerToken: z.string().min(1, 'the X app-only bearer token (X_BEARER_TOKEN) is required for pulls'),
  /**
   * API root. Unset: the built-in sandbox (`/sandbox/x`) when Parley mounts it, else https://api.x.com.
   * Calls go only to this URL's host (https, or http to loopback).
   */
  apiUrl: z.url().optional().or(z.literal('').transform(() => undefined)),
  /**
   * The brand's own X user id (the account the webhooks are subscribed for): its posts are
   * `outbound`, everyone else's `inbound`, as the webhook parse has them. Unset: the user being
   * pulled is taken as the subscribed account, as an X Activity API subscription filtered on that user would.
   */
  accountUserId: z.string().regex(/^[0-9]{1,19}$/).optional().or(z.literal('').transform(() => undefined)),
  /** Posts per page, 5-100 (`max_results`; X's most is 100). */
  pageSize: z.coerce.number().int().min(5).max(100).default(100),
}).strict();
export type XPullConfig = z.infer<typeof XPullConfig>;
