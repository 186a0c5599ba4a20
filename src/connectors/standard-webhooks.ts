import { hmacSha256 } from './signature.ts';

/**
 * The Standard Webhooks v1 scheme (standardwebhooks.com, spec "Signature scheme"), once for the
 * `standard` source that verifies it and for the webhooks Parley sends itself (crisis alerts):
 * headers `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`) under the key a `whsec_` secret encodes.
 */
export const STANDARD_WEBHOOK_HEADERS = { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' } as const;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The spec asks producers for secrets of 24 to 64 bytes; anything under 16 is a placeholder, not a key. */
export const MIN_WEBHOOK_SECRET_BYTES = 16;

/**
 * The key bytes of a `whsec_…` secret, or a reason it is not one (the secret itself is never in the
 * reason). The reference libraries also accept it without the prefix and without `=` padding; so
 * does this. Node's base64 decoder skips characters it does not know, so the text is checked first:
 * a typo must not silently become another key.
 */
export function decodeWebhookSecret(secret: string): { ok: true; key: Buffer } | { ok: false; reason: string } {
  const text = secret.trim().replace(/^whsec_/, '');
  if (!BASE64.test(text)) return { ok: false, reason: 'must be "whsec_" followed by base64 (as the sender shows it)' };
  const unpadded = text.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) return { ok: false, reason: 'is not valid base64 (its length is off by one character)' };
  const key = Buffer.from(unpadded, 'base64');
  if (key.length < MIN_WEBHOOK_SECRET_BYTES) return { ok: false, reason: `decodes to ${key.length} bytes; a Standard Webhooks secret has at least ${MIN_WEBHOOK_SECRET_BYTES} (the spec asks for 24 to 64)` };
  return { ok: true, key };
}

/** The `v1,<base64>` signature of one delivery. */
export function standardWebhookSignature(key: Buffer, id: string, timestamp: string, body: string | Buffer): string {
  return `v1,${hmacSha256(key, Buffer.concat([Buffer.from(`${id}.${timestamp}.`), Buffer.isBuffer(body) ? body : Buffer.from(body)]), 'base64')}`;
}

/**
 * The three headers of one delivery Parley sends.
 * @param id the delivery's id, the same on every retry (a receiver dedupes on it)
 * @param at when it is sent: `webhook-timestamp` is its unix seconds
 */
export function signStandardWebhook(key: Buffer, id: string, at: Date, body: string): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return { [STANDARD_WEBHOOK_HEADERS.id]: id, [STANDARD_WEBHOOK_HEADERS.timestamp]: timestamp, [STANDARD_WEBHOOK_HEADERS.signature]: standardWebhookSignature(key, id, timestamp, body) };
}
