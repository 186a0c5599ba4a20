import { InvalidArgumentError } from 'commander';

// Option value parsers: each returns the value to send, or throws commander's InvalidArgumentError,
// which commander prints as a usage error naming the option (exit 2).

/** `a,b, c` → `['a', 'b', 'c']`; an empty item is refused. */
export function parseList(value: string): string[] {
  const items = value.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw new InvalidArgumentError('expected a comma-separated list without empty items.');
  return items;
}

// A date (`2026-11-01`, midnight UTC) or a date-time with `Z` or an offset. A date-time without one
// is refused rather than read in this machine's time zone: the server may be in another.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;

/** An ISO 8601 date or date-time with a zone, as the instant it names in UTC (`2026-11-01T00:00:00.000Z`). */
export function parseIsoTime(value: string): string {
  const time = Date.parse(value);
  if (!ISO_TIME.test(value) || Number.isNaN(time)) {
    throw new InvalidArgumentError('expected an ISO 8601 date (2026-11-01) or date-time with Z or an offset (2026-11-01T09:30:00Z).');
  }
  return new Date(time).toISOString();
}

/** A page size for `--limit`: an integer from 1 to 500 (the API's range). */
export function parseLimit(value: string): number {
  const limit = Number(value);
  if (!/^\d+$/.test(value) || limit < 1 || limit > 500) throw new InvalidArgumentError('expected an integer from 1 to 500.');
  return limit;
}

/** Seconds between polls for `--interval`: a number from 0.1 to 3600. */
export function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0.1 || seconds > 3600) throw new InvalidArgumentError('expected seconds, from 0.1 to 3600.');
  return seconds;
}
