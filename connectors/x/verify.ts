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
 * The shape of a crc_token Parley answers: 1–256 characters of the base64 and base64url alphabets.
 *
 * Why a bound at all: the CRC answer is `sha256=base64(HMAC(consumer secret, token))`, the very
 * construction and key of `x-twitter-webhooks-signature`. Answered for any token, the public GET
 * would sign any body a caller chose, and the answer would pass as the signature of a forged POST.
 * X's tokens are opaque printable tokens, base64 in every one seen (the docs' `challenge_string`,
 * `MTU1NjYyNjg5MTk4Mg==` in the published vectors, `M2RkODJkZmMtYjlkYi00…` = base64 of a UUID in
 * a captured CRC GET), so this alphabet refuses none of them. A delivery must be JSON, and a JSON
 * object or array starts with `{` or `[` (after optional whitespace): none of these characters.
 * JSON numbers and literals (`123`, `-1e5`, `true`) do fit the alphabet, so a token that parses
 * as JSON is refused too: no token answered is a body intake would accept.
 */
const CRC_TOKEN = /^[A-Za-z0-9+/=_-]{1,256}$/;

/** True for a crc_token shaped as X sends them, which can never be a JSON delivery body. */
export function isCrcToken(token: string): boolean {
  if (!CRC_TOKEN.test(token)) return false;
  try {
    JSON.parse(token);
    return false;
  } catch {
    return true;
  }
}

/**
 * The CRC check: `GET ?crc_token=T` → `{"response_token":"sha256=<base64 HMAC-SHA256(consumer secret, T)>"}`
 * (docs.x.com/x-api/webhooks/quickstart). The token is used as decoded from the query string
 * (tokens may hold `=` and `+`). Always signed with the current secret: X computes its expectation
 * with the secret the app has now. A token not shaped as X's (`isCrcToken`) is refused with 400
 * rather than signed: the answer would otherwise be a valid delivery signature for that text.
 */
export function answerCrc(request: HandshakeRequest, config: XSourceConfig): HandshakeResult {
  const token = request.query.crc_token;
  if (token === undefined || token === '') return { ok: false, reason: 'bad-request', message: 'crc_token query parameter is required' };
  if (!isCrcToken(token)) {
    return {
      ok: false,
      reason: 'bad-request',
      message: 'crc_token must be 1-256 characters of A-Z a-z 0-9 + / = _ - (X sends base64 tokens) and must not itself be JSON; anything else is refused so the CRC cannot sign a delivery body',
    };
  }
  return { ok: true, contentType: 'application/json', body: { response_token: 'sha256=' + hmacSha256(config.consumerSecret, token, 'base64') } };
}
