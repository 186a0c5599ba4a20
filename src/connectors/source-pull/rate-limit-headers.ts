import type { RateLimitReading } from './types.ts';

/**
 * A `rateLimit` reader for the common header style: a window's limit, what is left and its reset
 * as epoch seconds — X's `x-rate-limit-limit`, `x-rate-limit-remaining`, `x-rate-limit-reset`
 * ("Unix timestamp when window resets", docs.x.com/x-api/fundamentals/rate-limits). A header that
 * is absent or not a non-negative integer is left out of the reading.
 *
 * @example rateLimit: epochSecondsRateLimit({ limit: 'x-rate-limit-limit', remaining: 'x-rate-limit-remaining', reset: 'x-rate-limit-reset' })
 */
export function epochSecondsRateLimit(names: { limit?: string; remaining: string; reset: string }) {
  return (headers: Readonly<Record<string, string>>): RateLimitReading | undefined => {
    const limit = names.limit === undefined ? undefined : count(headers[names.limit]);
    const remaining = count(headers[names.remaining]);
    const reset = count(headers[names.reset]);
    if (limit === undefined && remaining === undefined && reset === undefined) return undefined;
    return {
      ...(limit !== undefined ? { limit } : {}),
      ...(remaining !== undefined ? { remaining } : {}),
      ...(reset !== undefined ? { resetAt: new Date(reset * 1000) } : {}),
    };
  };
}

function count(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
