/**
 * A Standard Webhooks signing secret: `whsec_` + base64 of the key bytes (spec v1, "Signature
 * scheme"). The reference libraries also accept it without the prefix and without `=` padding;
 * so does this. Node's base64 decoder skips characters it does not know, so the text is checked
 * first: a typo must not silently become another key.
 */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The spec asks producers for secrets of 24 to 64 bytes; anything under 16 is a placeholder, not a key. */
export const MIN_SECRET_BYTES = 16;

/** The key bytes of a `whsec_…` secret, or a reason it is not one (the secret itself is never in the reason). */
export function decodeSecret(secret: string): { ok: true; key: Buffer } | { ok: false; reason: string } {
  const text = secret.trim().replace(/^whsec_/, '');
  if (!BASE64.test(text)) return { ok: false, reason: 'must be "whsec_" followed by base64 (as the sender shows it)' };
  const unpadded = text.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) return { ok: false, reason: 'is not valid base64 (its length is off by one character)' };
  const key = Buffer.from(unpadded, 'base64');
  if (key.length < MIN_SECRET_BYTES) return { ok: false, reason: `decodes to ${key.length} bytes; a Standard Webhooks secret has at least ${MIN_SECRET_BYTES} (the spec asks for 24 to 64)` };
  return { ok: true, key };
}
