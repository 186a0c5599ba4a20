import { z } from 'zod';

/** The bearer token the X sandbox accepts unless its block names others: an app-only token for the demo. */
export const DEMO_BEARER_TOKEN = 'parley-demo-x-bearer-token';

/** A rate-limit window: `limit` requests per `windowSeconds`. */
const Window = z.object({
  limit: z.coerce.number().int().positive(),
  windowSeconds: z.coerce.number().int().positive().max(86_400),
}).strict();
export type RateWindow = z.infer<typeof Window>;

/** The endpoints the sandbox serves, by the route pattern `_stats` counts them under. */
export const ENDPOINTS = ['GET /2/users/:id', 'GET /2/users/by/username/:username', 'GET /2/users/:id/tweets', 'GET /2/users/:id/mentions'] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

/**
 * Per-app (bearer token) limits per 15 minutes, docs.x.com/x-api/fundamentals/rate-limits
 * (xdevplatform/docs `x-api/fundamentals/rate-limits.mdx`, read 2026-12-02): users lookup 300,
 * user Posts timeline 10,000, user mention timeline 450.
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<Endpoint, RateWindow>> = {
  'GET /2/users/:id': { limit: 300, windowSeconds: 900 },
  'GET /2/users/by/username/:username': { limit: 300, windowSeconds: 900 },
  'GET /2/users/:id/tweets': { limit: 10_000, windowSeconds: 900 },
  'GET /2/users/:id/mentions': { limit: 450, windowSeconds: 900 },
};

/** Partial limits by endpoint, as the config and `PUT /_rate-limits` give them. */
export const RateLimitsPatch = z.partialRecord(z.enum(ENDPOINTS), Window);
export type RateLimitsPatch = z.infer<typeof RateLimitsPatch>;

/** `sandboxes.x` in `parley.yaml`. Every key is optional. */
export const XSandboxConfig = z.object({
  /** App-only bearer tokens accepted (`Authorization: Bearer …`). */
  bearerTokens: z.array(z.string().min(1)).min(1).default([DEMO_BEARER_TOKEN]),
  /** Per-endpoint windows replacing X's published per-app limits (a demo of a 429 wants a small one). */
  rateLimits: RateLimitsPatch.default({}),
  /**
   * Calls before every answer is X's "usage capped" 429 (the product's monthly cap on Post reads,
   * which X counts in posts, not calls: simplified here to calls). The kit's `_faults.dailyLimit` replaces it.
   */
  usageCap: z.coerce.number().int().positive().default(1_000_000),
  /** Faults from the start (the same shape as `PUT /_faults`). */
  faults: z.unknown().optional(),
}).strict();
export type XSandboxConfig = z.infer<typeof XSandboxConfig>;
