/**
 * JSON syntax check over raw bytes (RFC 8259), without building any value.
 *
 * Why not `JSON.parse`: intake only needs to know whether a delivery is JSON (a verified body that
 * is not gets a 400); the deriver parses it later, off the hot path. Decoding the bytes and building
 * every object just to throw them away cost intake about a sixth of its time per request. This
 * scanner allocates nothing but a small nesting stack.
 *
 * Bytes of 0x80 and above are accepted inside strings without UTF-8 validation, as `JSON.parse`
 * on Node's lenient decoding of the same bytes would. A byte-order mark is refused, as JSON.parse
 * refuses it.
 */

// Scanner states.
const VALUE = 0; // a value is expected
const AFTER_VALUE = 1; // a value ended: `,`, a closing bracket or the end may follow
const KEY = 2; // after `{` or `,` in an object: a string key (or `}` right after `{`)
const COLON = 3;

const OBJECT = 1;
const ARRAY = 2;

const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;
const isSpace = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/**
 * Returns -1 when `bytes` is exactly one JSON text (with optional surrounding whitespace), else the
 * byte offset (0-based) where the syntax broke; `bytes.length` when the text ended too early.
 */
export function jsonSyntaxError(bytes: Uint8Array): number {
  const n = bytes.length;
  // Nesting: one entry per open container. Grown on demand (deep nesting is legal JSON).
  let stack = new Uint8Array(64);
  let depth = 0;
  let state = VALUE;
  let emptyContainer = false; // just after `[` or `{`: the closing bracket may come at once
  let i = 0;

  while (i < n) {
    const b = bytes[i]!;
    if (isSpace(b)) { i++; continue; }

    if (state === VALUE || state === KEY) {
      if (state === KEY && b !== 0x22) {
        if (b === 0x7d && emptyContainer) { depth--; state = AFTER_VALUE; emptyContainer = false; i++; continue; }
        return i;
      }
      if (state === VALUE && emptyContainer && b === 0x5d) { depth--; state = AFTER_VALUE; emptyContainer = false; i++; continue; }
      emptyContainer = false;
      if (b === 0x22) { // string
        const end = scanString(bytes, i + 1);
        if (end < 0) return -end - 1;
        i = end;
        state = state === KEY ? COLON : AFTER_VALUE;
        continue;
      }
      if (b === 0x7b || b === 0x5b) { // { or [
        if (depth === stack.length) { const grown = new Uint8Array(stack.length * 2); grown.set(stack); stack = grown; }
        stack[depth++] = b === 0x7b ? OBJECT : ARRAY;
        state = b === 0x7b ? KEY : VALUE;
        emptyContainer = true;
        i++;
        continue;
      }
      if (b === 0x2d || isDigit(b)) {
        const end = scanNumber(bytes, i);
        if (end < 0) return -end - 1;
        i = end;
        state = AFTER_VALUE;
        continue;
      }
      const literalEnd = b === 0x74 ? matchLiteral(bytes, i, TRUE) : b === 0x66 ? matchLiteral(bytes, i, FALSE) : b === 0x6e ? matchLiteral(bytes, i, NULL) : -1 - i;
      if (literalEnd < 0) return -literalEnd - 1;
      i = literalEnd;
      state = AFTER_VALUE;
      continue;
    }

    if (state === COLON) {
      if (b !== 0x3a) return i;
      state = VALUE;
      i++;
      continue;
    }

    // AFTER_VALUE
    if (depth === 0) return i; // something after the top-level value
    const container = stack[depth - 1];
    if (b === 0x2c) { state = container === OBJECT ? KEY : VALUE; i++; continue; }
    if ((b === 0x7d && container === OBJECT) || (b === 0x5d && container === ARRAY)) { depth--; i++; continue; }
    return i;
  }
  return state === AFTER_VALUE && depth === 0 ? -1 : n;
}

const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

/** The offset after the literal, or -(offset of the mismatch) - 1. */
function matchLiteral(bytes: Uint8Array, start: number, literal: readonly number[]): number {
  for (let k = 0; k < literal.length; k++) {
    if (start + k >= bytes.length || bytes[start + k] !== literal[k]) return -(start + k) - 1;
  }
  return start + literal.length;
}

/** `start` is just after the opening quote. The offset after the closing quote, or -(offset of the error) - 1. */
function scanString(bytes: Uint8Array, start: number): number {
  const n = bytes.length;
  let i = start;
  while (i < n) {
    const b = bytes[i]!;
    if (b === 0x22) return i + 1;
    if (b < 0x20) return -i - 1; // control characters must be escaped
    if (b !== 0x5c) { i++; continue; }
    // An escape: \" \\ \/ \b \f \n \r \t or \uXXXX.
    const e = bytes[i + 1];
    if (e === undefined) return -n - 1;
    if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) { i += 2; continue; }
    if (e !== 0x75) return -(i + 1) - 1;
    for (let k = 2; k < 6; k++) {
      const h = bytes[i + k];
      if (h === undefined) return -n - 1;
      const hex = isDigit(h) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66);
      if (!hex) return -(i + k) - 1;
    }
    i += 6;
  }
  return -n - 1;
}

/** `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. The offset after it, or -(offset of the error) - 1. */
function scanNumber(bytes: Uint8Array, start: number): number {
  let i = start;
  if (bytes[i] === 0x2d) i++;
  if (bytes[i] === 0x30) i++;
  else if (bytes[i] !== undefined && isDigit(bytes[i]!)) { while (i < bytes.length && isDigit(bytes[i]!)) i++; }
  else return -i - 1;
  if (bytes[i] === 0x2e) {
    i++;
    if (!(i < bytes.length && isDigit(bytes[i]!))) return -i - 1;
    while (i < bytes.length && isDigit(bytes[i]!)) i++;
  }
  if (bytes[i] === 0x65 || bytes[i] === 0x45) {
    i++;
    if (bytes[i] === 0x2b || bytes[i] === 0x2d) i++;
    if (!(i < bytes.length && isDigit(bytes[i]!))) return -i - 1;
    while (i < bytes.length && isDigit(bytes[i]!)) i++;
  }
  return i;
}
