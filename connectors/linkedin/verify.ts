import { headerValue, hmacSha256, matchesAnyKey, rotatingKeys, type DeliveryRequest, type HandshakeRequest, type HandshakeResult, type VerifyResult } from '../../src/connectors/index.ts';
import type { LinkedInSourceConfig } from './config.ts';

/** LinkedIn signs each delivery in `X-LI-Signature` (hex HMAC-SHA256 under the app's client secret; see `SignatureInput`). */
export const SIGNATURE_HEADER = 'x-li-signature';

/** The prefix LinkedIn's docs name; in the `prefixed-body` reading it starts the signed input, and a header may carry it too. */
const PREFIX = 'hmacsha256=';
const SIGNATURE_FORMAT = /^(?:hmacsha256=)?([0-9a-fA-F]{64})$/;

/**
 * A challenge code as LinkedIn sends it: a UUID ("randomly generated type-4 UUID", Webhook
 * validation page). Nothing else is signed, so the challenge cannot be used to get a signature of
 * a delivery body: a JSON body never has this shape, and in the `prefixed-body` reading the signed
 * input starts with `hmacsha256=`, which no UUID does.
 */
const CHALLENGE_CODE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Every secret a delivery may be signed with: the current and previous client secret, then each child app's. */
function deliveryKeys(config: LinkedInSourceConfig): string[] {
  return [...rotatingKeys(config.clientSecret, config.clientSecretPrevious), ...config.applicationSecrets.values()];
}

/** The bytes LinkedIn signs for `rawBody` under the configured reading. */
export function signedInput(rawBody: Buffer, config: Pick<LinkedInSourceConfig, 'signatureInput'>): Buffer {
  return config.signatureInput === 'prefixed-body' ? Buffer.concat([Buffer.from(PREFIX), rawBody]) : rawBody;
}

/**
 * Verifies `X-LI-Signature` (64 hex digits, with or without a `hmacsha256=` prefix) over the raw
 * bytes, in constant time, against every configured secret. Never throws.
 */
export function verifyDelivery(request: DeliveryRequest, config: LinkedInSourceConfig): VerifyResult {
  const presented = headerValue(request.headers[SIGNATURE_HEADER]);
  if (presented === undefined || presented === '') return { ok: false, reason: 'missing', header: SIGNATURE_HEADER };
  const match = SIGNATURE_FORMAT.exec(presented.trim());
  if (!match) return { ok: false, reason: 'malformed', header: SIGNATURE_HEADER };
  const input = signedInput(request.rawBody, config);
  const ok = matchesAnyKey(match[1]!.toLowerCase(), deliveryKeys(config), (key) => hmacSha256(key, input, 'hex'));
  return ok ? { ok: true } : { ok: false, reason: 'mismatch', header: SIGNATURE_HEADER };
}

/**
 * LinkedIn's endpoint validation: `GET ?challengeCode=<uuid>[&applicationId=<id>]` → 200
 * `{"challengeCode": <same>, "challengeResponse": <hex HMAC-SHA256(client secret, challengeCode)>}`
 * (Webhook validation page). With an `applicationId` listed in `applicationSecrets`, that app's
 * secret; otherwise the current client secret (LinkedIn computes its expectation with the secret
 * the app has now). Anything but a UUID is refused with 400.
 */
export function answerChallenge(request: HandshakeRequest, config: LinkedInSourceConfig): HandshakeResult {
  const code = request.query.challengeCode;
  if (code === undefined || code === '') return { ok: false, reason: 'bad-request', message: 'challengeCode query parameter is required' };
  if (!CHALLENGE_CODE.test(code)) return { ok: false, reason: 'bad-request', message: 'challengeCode must be a UUID, as LinkedIn sends it' };
  const applicationId = request.query.applicationId;
  const secret = (applicationId === undefined ? undefined : config.applicationSecrets.get(applicationId)) ?? config.clientSecret;
  return { ok: true, contentType: 'application/json', body: { challengeCode: code, challengeResponse: hmacSha256(secret, code, 'hex') } };
}
