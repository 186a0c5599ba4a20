import { headerValue, hmacSha256, matchesAnyKey, type DeliveryRequest, type HandshakeRequest, type HandshakeResult, type VerifyResult } from '../../src/connectors/index.ts';
import type { XSourceConfig } from './config.ts';

/** X signs deliveries in this header: `sha256=<base64 HMAC-SHA256(consumer secret, raw body)>` (X Account Activity docs, "Securing webhooks"). */
export const SIGNATURE_HEADER = 'x-twitter-webhooks-signature';
const SIGNATURE_FORMAT = /^sha256=[A-Za-z0-9+/]{43}=$/;

function secretsOf(config: XSourceConfig): string[] {
  return config.consumerSecretPrevious ? [config.consumerSecret, config.consumerSecretPrevious] : [config.consumerSecret];
}

/** Verifies `x-twitter-webhooks-signature` over the raw bytes, in constant time, against the current and previous secret. */
export function verifyDelivery(request: DeliveryRequest, config: XSourceConfig): VerifyResult {
  const presented = headerValue(request.headers[SIGNATURE_HEADER]);
  if (presented === undefined || presented === '') return { ok: false, reason: 'missing', header: SIGNATURE_HEADER };
  if (!SIGNATURE_FORMAT.test(presented)) return { ok: false, reason: 'malformed', header: SIGNATURE_HEADER };
  const ok = matchesAnyKey(presented, secretsOf(config), (key) => 'sha256=' + hmacSha256(key, request.rawBody, 'base64'));
  return ok ? { ok: true } : { ok: false, reason: 'mismatch', header: SIGNATURE_HEADER };
}

/**
 * The CRC check: `GET ?crc_token=T` → `{"response_token":"sha256=<base64 HMAC-SHA256(consumer secret, T)>"}`.
 * The token is used as decoded from the query string (tokens may hold `=` and `+`). Always signed with
 * the current secret: X computes its expectation with the secret the app has now.
 */
export function answerCrc(request: HandshakeRequest, config: XSourceConfig): HandshakeResult {
  const token = request.query.crc_token;
  if (token === undefined || token === '') return { ok: false, reason: 'bad-request', message: 'crc_token query parameter is required' };
  return { ok: true, contentType: 'application/json', body: { response_token: 'sha256=' + hmacSha256(config.consumerSecret, token, 'base64') } };
}
