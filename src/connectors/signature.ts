import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 of `data` under `key`, encoded as the vendor wants (`base64` for X, `hex` for Meta/LinkedIn). */
export function hmacSha256(key: string | Buffer, data: string | Buffer, encoding: 'base64' | 'hex'): string {
  return createHmac('sha256', key).update(data).digest(encoding);
}

/**
 * Constant-time string comparison. Returns false on a length mismatch instead of throwing (as
 * `timingSafeEqual` would): a throw would turn a bad signature into a 500 instead of a 401.
 */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}

/**
 * True when `presented` equals the signature computed under any of `keys` (the current secret and,
 * during a rotation, the previous one). Every key is tried, so timing does not tell which matched.
 */
export function matchesAnyKey(presented: string, keys: ReadonlyArray<string | Buffer>, sign: (key: string | Buffer) => string): boolean {
  let matched = false;
  for (const key of keys) matched = safeEqual(presented, sign(key)) || matched;
  return matched;
}

/** A header's single value: the first when repeated, undefined when absent. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The keys a signature may be made with: the current secret and, during a rotation, the previous
 * one (`<NAME>_PREVIOUS`). An empty or absent previous secret means no rotation is under way.
 */
export function rotatingKeys<K extends string | Buffer>(current: K, previous?: K | undefined): K[] {
  return previous === undefined || previous.length === 0 ? [current] : [current, previous];
}
