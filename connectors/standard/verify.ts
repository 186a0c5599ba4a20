import { STANDARD_WEBHOOK_HEADERS, headerValue, hmacSha256, safeEqual, type DeliveryRequest, type VerifyResult } from '../../src/connectors/index.ts';

/** Standard Webhooks v1 headers (spec "Signature scheme"): lower-case, as Node gives them. */
export const ID_HEADER = STANDARD_WEBHOOK_HEADERS.id;
export const TIMESTAMP_HEADER = STANDARD_WEBHOOK_HEADERS.timestamp;
export const SIGNATURE_HEADER = STANDARD_WEBHOOK_HEADERS.signature;

/** What verification needs of the config: the keys (current, then previous) and the allowed clock skew. */
export interface VerifyConfig {
  keys: readonly Buffer[];
  toleranceSeconds: number;
}

// Ids are short printable ASCII in every producer seen (`msg_p5jXN8AQM9LWM0D4loKWxJek`); the bound keeps
// event keys derived from them within the model's 512 characters.
const WEBHOOK_ID = /^[\x21-\x7e]{1,256}$/;
// Unix seconds as an integer: no sign, no fraction, no exponent, no spaces (`NaN`, `1.5e9` are refused).
const TIMESTAMP = /^\d{1,12}$/;
// A v1 signature is base64 of a 32-byte HMAC-SHA256: 43 characters and one `=`.
const V1_SIGNATURE = /^[A-Za-z0-9+/]{43}=$/;

/**
 * The `v1` signatures of a `webhook-signature` header: a space-separated list of `<version>,<base64>`
 * (several during a key rotation). Other versions (`v1a`, ed25519) and malformed entries are skipped.
 */
export function v1Signatures(header: string): string[] {
  return header.split(' ').flatMap((entry) => {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') return [];
    const signature = entry.slice(comma + 1);
    return V1_SIGNATURE.test(signature) ? [signature] : [];
  });
}

/**
 * Verifies a Standard Webhooks v1 delivery: `webhook-id`, `webhook-timestamp` (integer unix seconds
 * within `toleranceSeconds` of `receivedAt`, either way: the reference libraries refuse both stale
 * and future timestamps) and `webhook-signature`, accepted when any of its `v1` entries is the
 * base64 HMAC-SHA256 of `${id}.${timestamp}.${raw body}` under any key. Never throws.
 */
export function verifyDelivery(request: DeliveryRequest, config: VerifyConfig): VerifyResult {
  const id = headerValue(request.headers[ID_HEADER]);
  if (id === undefined || id === '') return { ok: false, reason: 'missing', header: ID_HEADER };
  if (!WEBHOOK_ID.test(id)) return { ok: false, reason: 'malformed', header: ID_HEADER };

  const timestamp = headerValue(request.headers[TIMESTAMP_HEADER]);
  if (timestamp === undefined || timestamp === '') return { ok: false, reason: 'missing', header: TIMESTAMP_HEADER };
  if (!TIMESTAMP.test(timestamp)) return { ok: false, reason: 'malformed', header: TIMESTAMP_HEADER };
  const skewSeconds = Math.abs(request.receivedAt.getTime() / 1000 - Number(timestamp));
  // A signature over a stale or future timestamp is a replay or a wrong clock: refused as a mismatch of this header.
  if (!(skewSeconds <= config.toleranceSeconds)) return { ok: false, reason: 'mismatch', header: TIMESTAMP_HEADER };

  const header = headerValue(request.headers[SIGNATURE_HEADER]);
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'missing', header: SIGNATURE_HEADER };
  const presented = v1Signatures(header);
  if (presented.length === 0) return { ok: false, reason: 'malformed', header: SIGNATURE_HEADER };

  const signedContent = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), request.rawBody]);
  const expected = config.keys.map((key) => hmacSha256(key, signedContent, 'base64'));
  // Every pair is compared, so timing does not tell which entry or key matched.
  let matched = false;
  for (const signature of presented) {
    for (const candidate of expected) matched = safeEqual(signature, candidate) || matched;
  }
  return matched ? { ok: true } : { ok: false, reason: 'mismatch', header: SIGNATURE_HEADER };
}
