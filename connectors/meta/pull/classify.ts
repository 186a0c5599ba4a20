import { isPullHttpError, type ErrorClass } from '../../../src/connectors/index.ts';
import { readMetaUsage } from './usage-headers.ts';

/**
 * Throttling codes (developers.facebook.com/docs/graph-api/guides/error-handling and
 * /overview/rate-limiting; reference §2.7): 4 app, 17 user, 32 Page, 613 custom, 80001-80014
 * business use cases (80001 Pages, 80002 Instagram).
 */
export function isThrottling(code: number): boolean {
  return code === 4 || code === 17 || code === 32 || code === 613 || (code >= 80001 && code <= 80014);
}

/** `{error: {code, error_subcode, is_transient}}` of a Graph error body, when it is one. */
export function graphErrorOf(body: unknown): { code: number; subcode?: number; transient: boolean } | undefined {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as Record<string, unknown>;
  if (typeof record.code !== 'number') return undefined;
  return { code: record.code, ...(typeof record.error_subcode === 'number' ? { subcode: record.error_subcode } : {}), transient: record.is_transient === true };
}

/** Wait when the usage headers announce none: Meta's Page budget is a sliding window, so a few minutes frees some of it. */
export const DEFAULT_THROTTLE_WAIT_MS = 5 * 60_000;

/**
 * How a failed Graph API call of a pull is handled. Meta's HTTP statuses do not tell a throttle
 * from a bad request (both 400 or 403), so the body's `error.code` decides:
 * - throttling codes → `rate-limited`, waiting `estimated_time_to_regain_access` (minutes, from
 *   the usage headers of the refusal), else 5 minutes;
 * - 1 "API Unknown", 2 "API Service", `is_transient`, and 5xx without a Graph body → `retryable`;
 * - 102/104/190 (session, no token, bad or expired token), 10 and 200-299 (permissions) → `permanent`, config;
 * - 100 with subcode 33 (no such object: a wrong Page id or version) → `permanent`, config;
 * - anything else Graph refuses → `permanent`, bug (Parley sent what it should not have).
 * No answer at all (a dropped connection) is retryable.
 */
export function classifyMetaPull(error: unknown): ErrorClass {
  if (!isPullHttpError(error)) return { kind: 'retryable' };
  const graph = graphErrorOf(error.body);
  if (!graph) return error.status >= 500 || error.status === 408 || error.status === 429 ? { kind: 'retryable' } : { kind: 'permanent', scope: 'bug' };
  if (isThrottling(graph.code)) {
    const regain = readMetaUsage(error.headers)?.regainMinutes ?? 0;
    return { kind: 'rate-limited', retryAfterMs: regain > 0 ? regain * 60_000 : DEFAULT_THROTTLE_WAIT_MS };
  }
  if (graph.code === 1 || graph.code === 2 || graph.transient || error.status >= 500) return { kind: 'retryable' };
  if ([102, 104, 190, 10].includes(graph.code) || (graph.code >= 200 && graph.code <= 299)) return { kind: 'permanent', scope: 'config' };
  if (graph.code === 100 && graph.subcode === 33) return { kind: 'permanent', scope: 'config' };
  if (graph.code === 2635 || graph.code === 2500) return { kind: 'permanent', scope: 'config' };
  return { kind: 'permanent', scope: 'bug' };
}
