/**
 * Salesforce record ids: the 15- and 18-character forms, the 18-character checksum suffix, and the
 * ids the sandbox makes for new records.
 */

/** Salesforce's base-62 digits, in its order. */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** The 32 characters of an 18-character id's suffix, indexed by a 5-bit uppercase mask. */
const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_15 = /^[0-9A-Za-z]{15}$/;
const ID_18 = /^[0-9A-Za-z]{18}$/;

/**
 * The 3-character suffix that makes a 15-character id case-insensitively unique: for each block of
 * 5 characters, a bit per uppercase letter (first character = lowest bit), as a letter of A–Z0–5.
 */
export function idSuffix(id15: string): string {
  let suffix = '';
  for (let block = 0; block < 3; block++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(block * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX_CHARS[bits];
  }
  return suffix;
}

/** Salesforce ids: 15 or 18 characters, base-62, 18-char checksum suffix valid. */
export function isSalesforceId(value: string): boolean {
  if (typeof value !== 'string') return false;
  if (ID_15.test(value)) return true;
  return ID_18.test(value) && value.slice(15) === idSuffix(value.slice(0, 15));
}

/**
 * The 18-character form of a Salesforce id (what Salesforce stores and returns).
 * @throws RangeError when `id` is not a Salesforce id
 */
export function toId18(id: string): string {
  if (!isSalesforceId(id)) throw new RangeError(`not a Salesforce id: ${id}`);
  return id.length === 18 ? id : id + idSuffix(id);
}

/** Counters fit in the 9 base-62 digits of an id's record part, and in a safe integer. */
const MAX_COUNTER = Number.MAX_SAFE_INTEGER;

/**
 * Makes an 18-character id with the object's key prefix and a correct checksum suffix from a counter:
 * `<prefix>` + `SB0` (a fixed "pod" part, so sandbox ids are recognisable) + 9 base-62 digits + suffix.
 * @throws RangeError when the prefix is not 3 base-62 characters or the counter not an integer ≥ 0
 */
export function makeSalesforceId(keyPrefix: string, counter: number): string {
  if (!/^[0-9A-Za-z]{3}$/.test(keyPrefix)) throw new RangeError(`key prefix must be 3 base-62 characters, got '${keyPrefix}'`);
  if (!Number.isSafeInteger(counter) || counter < 0 || counter > MAX_COUNTER) throw new RangeError(`id counter must be a safe integer ≥ 0, got ${counter}`);
  let digits = '';
  for (let n = counter; n > 0; n = Math.floor(n / 62)) digits = BASE62[n % 62] + digits;
  const id15 = keyPrefix + 'SB0' + digits.padStart(9, '0');
  return id15 + idSuffix(id15);
}
