/**
 * Reading the org's daily API quota from Salesforce's answers (reference §8, "Limits"):
 * - the `Sforce-Limit-Info: api-usage=<used>/<max>` header, which jsforce parses into
 *   `conn.limitInfo.apiUsage` on every response that carries it: exact, as of that call;
 * - the `GET /services/data/vXX.X/limits` body, `DailyApiRequests: { Max, Remaining }` (REST API
 *   Developer Guide, "Limits"): the cheapest call there is, but its values lag by about 5 minutes.
 */

/** The org's daily API quota: calls counted in the rolling 24 h window, and the window's maximum. */
export interface DailyApiUsage {
  used: number;
  limit: number;
}

/**
 * The daily quota in a `/limits` body: `used = Max − Remaining`.
 * @param body the parsed JSON answer of `GET /limits` (`{"DailyApiRequests":{"Max":15000,"Remaining":14975,…},…}`)
 * @throws Error when the body has no usable `DailyApiRequests` (non-negative integers, Remaining ≤ Max)
 */
export function dailyUsageFromLimits(body: unknown): DailyApiUsage {
  const entry = body !== null && typeof body === 'object' && Object.hasOwn(body, 'DailyApiRequests')
    ? (body as { DailyApiRequests: unknown }).DailyApiRequests : undefined;
  const max = entry !== null && typeof entry === 'object' ? (entry as { Max?: unknown }).Max : undefined;
  const remaining = entry !== null && typeof entry === 'object' ? (entry as { Remaining?: unknown }).Remaining : undefined;
  if (!isCount(max) || !isCount(remaining) || remaining > max) {
    throw new Error(`the /limits answer has no usable DailyApiRequests {Max, Remaining} (got ${JSON.stringify(entry)?.slice(0, 200)})`);
  }
  return { used: max - remaining, limit: max };
}

/**
 * The reading to trust after a `/limits` call: the `Sforce-Limit-Info` header of that same answer
 * when there was one (exact, and counting the call itself), else the body's (lagging) figures.
 * @param header `conn.limitInfo.apiUsage` if jsforce set it from this answer, else undefined
 */
export function freshestUsage(header: DailyApiUsage | undefined, body: unknown): DailyApiUsage {
  if (header && isCount(header.used) && isCount(header.limit) && header.limit > 0) return { used: header.used, limit: header.limit };
  return dailyUsageFromLimits(body);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
