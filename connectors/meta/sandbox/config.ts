import { z } from 'zod';

/** The Page access token the Meta sandbox accepts unless its block names others (a documented demo value). */
export const DEMO_PAGE_TOKEN = 'parley-demo-meta-page-token';

/** Graph API versions the sandbox serves unless its block names others: the path's first segment (`/v21.0/…`). */
export const DEFAULT_VERSIONS = ['v21.0', 'v22.0', 'v23.0'] as const;

/**
 * Graph API throttling error codes (developers.facebook.com/docs/graph-api/guides/error-handling,
 * /docs/graph-api/overview/rate-limiting; reference §2.7): 4 app, 17 user, 32 Page (Pages API with
 * a user token), 613 custom, 80001 business use case "Pages" (Page or system user token), 80002
 * business use case "Instagram".
 */
export const THROTTLE_CODES = [4, 17, 32, 613, 80001, 80002] as const;
export type ThrottleCode = (typeof THROTTLE_CODES)[number];

/**
 * The Page budget: `calls` per sliding `windowSeconds`. Meta's Page-level limit is "4,800 calls per
 * engaged user per 24 hours" on a 24-hour sliding window, CPU and total time tracked too
 * (developers.facebook.com/blog/post/2016/06/16/page-level-rate-limits/); the sandbox counts calls
 * only, for one engaged user by default. A demo of throttling wants a small budget.
 */
const Budget = z.object({
  calls: z.coerce.number().int().positive().default(4800),
  windowSeconds: z.coerce.number().int().positive().max(7 * 86_400).default(86_400),
}).strict();

/**
 * What a spent budget answers: the error `code` and the HTTP status. Meta's docs name the codes but
 * not the status of each; observed answers are 403 for code 4 and 400 for the others, so those are
 * the defaults — configurable because the reference does not settle it.
 */
const Throttle = z.object({
  code: z.union(THROTTLE_CODES.map((code) => z.literal(code))).default(32),
  status: z.union([z.literal(400), z.literal(403)]).optional(),
}).strict();

/** `sandboxes.<id>` of the Meta Graph API sandbox in `parley.yaml`. Every key is optional. */
export const MetaSandboxConfig = z.object({
  /** Page access tokens accepted (`access_token=` or `Authorization: Bearer|OAuth …`). */
  accessTokens: z.array(z.string().min(1)).min(1).default([DEMO_PAGE_TOKEN]),
  /** Versions served (`v21.0`); another version answers 400 (see wire.ts). */
  versions: z.array(z.string().regex(/^v\d{1,2}\.\d$/, 'a Graph API version such as v21.0')).min(1).default([...DEFAULT_VERSIONS]),
  budget: Budget.default({ calls: 4800, windowSeconds: 86_400 }),
  throttle: Throttle.default({ code: 32 }),
  /** Largest `limit` of a page (Graph API's is 100 on most edges). */
  maxLimit: z.coerce.number().int().min(1).max(1000).default(100),
  /** Calls per day before the kit's quota answers (the kit's `_faults.dailyLimit` replaces it). */
  dailyLimit: z.coerce.number().int().positive().default(1_000_000),
  /** Faults from the start (the same shape as `PUT /_faults`). */
  faults: z.unknown().optional(),
}).strict();
export type MetaSandboxConfig = z.infer<typeof MetaSandboxConfig>;

/** The HTTP status a throttling code answers with: the config's, else 403 for code 4 and 400 for the others. */
export function throttleStatus(throttle: MetaSandboxConfig['throttle']): number {
  return throttle.status ?? (throttle.code === 4 ? 403 : 400);
}

/** The endpoints `_stats.calls` counts, by route pattern (an edge the node lacks is counted under its own node's pattern). */
export const ENDPOINTS = [
  'GET /{version}/{page-id}', 'GET /{version}/{page-id}/feed', 'GET /{version}/{post-id}/comments',
  'GET /{version}/{ig-user-id}', 'GET /{version}/{ig-user-id}/media', 'GET /{version}/{ig-media-id}/comments', 'GET /{version}/{ig-comment-id}/replies',
] as const;
export type Endpoint = (typeof ENDPOINTS)[number];
