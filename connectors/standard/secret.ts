/**
 * A Standard Webhooks signing secret: `whsec_` + base64 of the key bytes (spec v1, "Signature
 * scheme"). The SDK reads it (src/connectors/standard-webhooks.ts), the same way for this source's
 * verification and for the webhooks Parley sends itself.
 */
export { decodeWebhookSecret as decodeSecret, MIN_WEBHOOK_SECRET_BYTES as MIN_SECRET_BYTES } from '../../src/connectors/index.ts';
