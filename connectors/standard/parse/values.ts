import { createHash } from 'node:crypto';
import { Activity, Network } from '../../../src/connectors/index.ts';

// What a profile's expressions give is whatever the tool sent: each canonical field is read from it
// by one of these, which keep a value only when it is usable as that field, and otherwise drop it
// (listening tools send many nulls; every field is optional).

// The model's instants are ISO strings with four-digit years.
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** The model bounds ids at 512 characters. */
const MAX_ID = 512;

/** A non-empty string (trimmed), or a number/boolean as text; anything else undefined. */
export function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * An id: a non-empty string, or a number that is still exact (a relayed number past 2^53 has lost
 * digits already and could name another item, so it is dropped). Longer than the model allows →
 * undefined.
 */
export function asId(value: unknown): string | undefined {
  const id = typeof value === 'number' ? (Number.isSafeInteger(value) ? String(value) : undefined) : typeof value === 'string' ? value.trim() : undefined;
  return id === undefined || id === '' || id.length > MAX_ID ? undefined : id;
}

/** An id as part of an event key: as it is when short, else its SHA-256, so keys stay within 512 characters and stay stable. */
export function keyPart(id: string): string {
  return id.length <= 200 ? id : 'sha256-' + createHash('sha256').update(id).digest('hex');
}

/** A handle without a leading `@`. */
export function asHandle(value: unknown): string | undefined {
  const text = asText(value)?.trim().replace(/^@/, '');
  return text === '' ? undefined : text;
}

/**
 * A network name in the model's spelling (lower-case letters, digits and `-`, starting with a
 * letter, at most 40): `Twitter` → `twitter`, `MESSAGEBOARD_OTHER` → `messageboard-other`. Undefined
 * when that leaves no valid name (`4chan`: a digit first), so the source's `network` applies.
 */
export function asNetwork(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const name = value.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+/, '').slice(0, 40).replace(/-+$/, '');
  return Network.safeParse(name).success ? name : undefined;
}

/** An absolute http(s) URL; anything else undefined. */
export function asUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? value.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** Epoch seconds or milliseconds, told apart by magnitude (below 1e11 is seconds: before 1973 as ms), as an ISO instant. */
function fromEpoch(value: number): string | undefined {
  if (!Number.isFinite(value) || value < 0) return undefined;
  const ms = value < 1e11 ? value * 1000 : value;
  return ms <= MAX_MS ? new Date(Math.round(ms)).toISOString() : undefined;
}

// ISO 8601 as tools send it: `2019-10-10T17:48:54.588+0000` (Brandwatch, no colon in the offset),
// `2022-11-03T20:26:10.344522Z` (microseconds), a space instead of `T`, no zone (taken as UTC).
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(?:\s*(Z|[+-]\d{2}(?::?\d{2})?))?$/i;

/**
 * A time as an ISO-8601 UTC instant with milliseconds: epoch seconds or milliseconds (number or
 * digit string) or an ISO date-time with any zone spelling. Undefined when it is none of these or
 * not a real date (`2019-02-30`).
 */
export function asInstant(value: unknown): string | undefined {
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d{1,16}(\.\d+)?$/.test(text)) return fromEpoch(Number(text));
  const match = ISO.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone = 'Z'] = match as unknown as string[];
  const local = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(fraction.padEnd(3, '0').slice(0, 3)));
  const check = new Date(local);
  if (check.getUTCFullYear() !== Number(year) || check.getUTCMonth() !== Number(month) - 1 || check.getUTCDate() !== Number(day)
    || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  let offsetMinutes = 0;
  if (zone!.toUpperCase() !== 'Z') {
    const digits = zone!.slice(1).replace(':', '');
    offsetMinutes = (zone!.startsWith('-') ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
  }
  const ms = local - offsetMinutes * 60_000;
  return ms >= 0 && ms <= MAX_MS ? new Date(ms).toISOString() : undefined;
}

/** A count (followers, reach): a non-negative number or digit string, rounded to an integer. */
export function asCount(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isFinite(number) && number >= 0 && number <= Number.MAX_SAFE_INTEGER ? Math.round(number) : undefined;
}

/** A yes/no the sender states as a JSON boolean; anything else ("yes", 1) is not taken as one. */
export function asFlag(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** Topics: a string or a list of strings, blanks and repeats dropped; undefined when none is left. */
export function asTopics(value: unknown): string[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  const topics = [...new Set(list.flatMap((item) => {
    const text = asText(item)?.trim();
    return text ? [text] : [];
  }))];
  return topics.length > 0 ? topics : undefined;
}

/** One of the model's activities (`mention`, `comment`, …), compared case-insensitively; else undefined. */
export function asActivity(value: unknown): Activity | undefined {
  const parsed = Activity.safeParse(typeof value === 'string' ? value.trim().toLowerCase() : value);
  return parsed.success ? parsed.data : undefined;
}

/** How a profile states its sentiment scale (see `SentimentSpec`). */
export interface SentimentScale {
  scale?: readonly [number, number];
  labels?: ReadonlyMap<string, number>;
}

/**
 * A tool's sentiment on the model's −1…1: a number on `scale: [min, max]` mapped linearly, or a
 * label looked up in `labels` (case-insensitively). Outside the scale, or an unlisted label → undefined.
 */
export function asSentiment(value: unknown, spec: SentimentScale): number | undefined {
  if (spec.labels) {
    if (typeof value !== 'string') return undefined;
    return spec.labels.get(value.trim().toLowerCase());
  }
  if (!spec.scale) return undefined;
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  const [min, max] = spec.scale;
  if (!Number.isFinite(number) || number < min || number > max) return undefined;
  const mapped = ((number - min) / (max - min)) * 2 - 1;
  // Rounded so that −5…5 gives 0.6 for 3, not 0.6000000000000001.
  return Math.round(mapped * 1e6) / 1e6;
}
