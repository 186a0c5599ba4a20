// The model's instants are ISO strings with four-digit years; later times cannot be written.
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
// Below this an epoch number is seconds, above it milliseconds: 1e11 s is the year 5138, 1e11 ms is 1973.
const SECONDS_BELOW = 1e11;

/**
 * A Meta time as an ISO instant, or undefined when it is none. Meta mixes units: feed and Instagram
 * `created_time`/`entry.time` are epoch seconds, Messenger `timestamp` and Messenger/Instagram DM
 * `entry.time` epoch milliseconds (Graph API Webhooks docs; reference §2.6), and the Graph API's
 * `2017-03-29T21:45:55+0000`. Told apart by magnitude; digit strings (the dashboard's test
 * payloads) count as numbers. Tolerant by design: a bad time falls back to a coarser one.
 */
export function instantOf(value: unknown): string | undefined {
  let ms: number;
  if (typeof value === 'number') {
    ms = value < SECONDS_BELOW ? value * 1000 : value;
  } else if (typeof value === 'string' && /^\d{1,16}$/.test(value)) {
    return instantOf(Number(value));
  } else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    ms = Date.parse(value);
  } else {
    return undefined;
  }
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_MS ? new Date(Math.trunc(ms)).toISOString() : undefined;
}
