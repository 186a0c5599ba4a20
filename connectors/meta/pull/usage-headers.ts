/**
 * The Graph API's usage headers (developers.facebook.com/docs/graph-api/overview/rate-limiting;
 * reference §2.7): `X-App-Usage` and `X-Page-Usage` `{"call_count","total_cputime","total_time"}`
 * and `X-Business-Use-Case-Usage` `{"<object id>":[{"type","call_count","total_cputime",
 * "total_time","estimated_time_to_regain_access"}]}`, each a percentage of the budget (100 = spent),
 * the wait in minutes. Meta sends them "once enough calls have been made": their absence is no
 * headroom reading, only silence.
 */
import type { RateLimitReading } from '../../../src/connectors/index.ts';

/** What the headers say: the highest share used of any budget, percent, and the longest announced wait, minutes. */
export interface MetaUsage {
  percent: number;
  regainMinutes: number;
}

const PLATFORM_HEADERS = ['x-app-usage', 'x-page-usage', 'x-ad-account-usage'] as const;
const BUC_HEADER = 'x-business-use-case-usage';

function json(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function numberAt(record: Record<string, unknown>, key: string): number | undefined {
  const value = record[key];
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** One usage object's share (its highest of the three percentages) and wait. */
function usageOf(value: unknown): MetaUsage | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const shares = ['call_count', 'total_cputime', 'total_time', 'acc_id_util_pct'].map((key) => numberAt(record, key)).filter((n) => n !== undefined);
  const regain = numberAt(record, 'estimated_time_to_regain_access');
  if (shares.length === 0 && regain === undefined) return undefined;
  return { percent: Math.max(0, ...shares), regainMinutes: regain ?? 0 };
}

/** The usage the headers announce, or undefined when they carry none (lower-case names). */
export function readMetaUsage(headers: Readonly<Record<string, string>>): MetaUsage | undefined {
  const readings: MetaUsage[] = [];
  for (const name of PLATFORM_HEADERS) {
    const usage = usageOf(json(headers[name]));
    if (usage) readings.push(usage);
  }
  const buc = json(headers[BUC_HEADER]);
  if (typeof buc === 'object' && buc !== null && !Array.isArray(buc)) {
    for (const entries of Object.values(buc as Record<string, unknown>)) {
      for (const entry of Array.isArray(entries) ? entries : []) {
        const usage = usageOf(entry);
        if (usage) readings.push(usage);
      }
    }
  }
  if (readings.length === 0) return undefined;
  return { percent: Math.max(...readings.map((r) => r.percent)), regainMinutes: Math.max(...readings.map((r) => r.regainMinutes)) };
}

/**
 * The kit's reading of the usage headers: the budget as 100 points, `remaining` what is left of
 * the most used one. No `resetAt`: Meta announces a wait relative to the answer (minutes), and the
 * kit's `rateLimit` gets no clock to anchor it; the wait reaches the kit through `classify`'s
 * `retryAfterMs` on the throttling error instead (see classify.ts, and the report's kit change).
 */
export function metaRateLimit(headers: Readonly<Record<string, string>>): RateLimitReading | undefined {
  const usage = readMetaUsage(headers);
  if (!usage) return undefined;
  return { limit: 100, remaining: Math.max(0, 100 - Math.ceil(usage.percent)) };
}
