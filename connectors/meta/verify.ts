import { headerValue, hmacSha256, matchesAnyKey, rotatingKeys, type DeliveryRequest, type VerifyResult } from '../../src/connectors/index.ts';
import type { MetaSourceConfig } from './config.ts';

/**
 * Meta signs every delivery in this header: `sha256=<lowercase hex HMAC-SHA256(app secret, raw body)>`
 * (Graph API Webhooks docs, "Validate Payloads"). The bytes signed are the bytes sent, with Meta's
 * `\uXXXX` and `\/` escapes: a re-serialised body would not match.
 */
export const SIGNATURE_HEADER = 'x-hub-signature-256';
/**
 * The legacy `sha1=` signature Meta still sends beside it. Never enough alone (SHA-1, and a
 * second header an attacker could pick): never checked, but never logged either.
 */
export const LEGACY_SIGNATURE_HEADER = 'x-hub-signature';

const SIGNATURE_FORMAT = /^sha256=[0-9a-f]{64}$/;

/**
 * Verifies `X-Hub-Signature-256` over the raw bytes, in constant time, against the current app
 * secret and, during a rotation, the previous one. A delivery with only the SHA-1 header is
 * `missing`. Never throws.
 */
export function verifyDelivery(request: DeliveryRequest, config: MetaSourceConfig): VerifyResult {
  const presented = headerValue(request.headers[SIGNATURE_HEADER]);
  if (presented === undefined || presented === '') return { ok: false, reason: 'missing', header: SIGNATURE_HEADER };
  if (!SIGNATURE_FORMAT.test(presented)) return { ok: false, reason: 'malformed', header: SIGNATURE_HEADER };
  const keys = rotatingKeys(config.appSecret, config.appSecretPrevious);
  const ok = matchesAnyKey(presented, keys, (key) => 'sha256=' + hmacSha256(key, request.rawBody, 'hex'));
  return ok ? { ok: true } : { ok: false, reason: 'mismatch', header: SIGNATURE_HEADER };
}
