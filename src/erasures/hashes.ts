import { createHmac } from 'node:crypto';

/**
 * The suppression list's hashes: HMAC-SHA256 under the store's random salt, so the list holds no
 * personal data (no user id or post id can be read back, nor guessed by hashing candidates without
 * the salt) yet a late delivery of an erased person is recognised. Pure.
 */
export function identityHash(salt: string, identityKey: string): string {
  return createHmac('sha256', salt).update(`identity\u0000${identityKey}`).digest('hex');
}

/** The hash of an event's dedup key within its source (`tweet:123` from `x`). Pure. */
export function eventHash(salt: string, source: string, key: string): string {
  return createHmac('sha256', salt).update(`event\u0000${source}\u0000${key}`).digest('hex');
}
