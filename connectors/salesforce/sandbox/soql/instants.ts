/**
 * Date and datetime text → epoch milliseconds: for literals in a query (`literalInstant`) and for
 * the values records hold (`parseInstant`).
 */

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const DATETIME_LITERAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * Epoch milliseconds of an ISO date (`2024-05-01`, midnight UTC) or datetime (`2024-05-01T10:00:00Z`,
 * `…00.000+0000`, `…00+02:00`; no zone means UTC); undefined when not one or not a real day/time.
 */
export function parseInstant(text: string): number | undefined {
  const m = INSTANT.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(utc);
  // Date.UTC rolls 2024-02-30 over to March; a real date reads back the same.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = m[8];
  if (!zone || zone === 'Z') return utc;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return utc - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

/** A date or datetime literal's instant. Datetime literals need seconds and a zone, as in SOQL. */
export function literalInstant(text: string, kind: 'date' | 'datetime'): number | undefined {
  if (kind === 'datetime' && !DATETIME_LITERAL.test(text)) return undefined;
  return parseInstant(text);
}
