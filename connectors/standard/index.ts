import { defineSource } from '../../src/connectors/index.ts';
import { StandardSourceConfig } from './config.ts';
import { parseDelivery } from './parse/index.ts';
import { ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyDelivery } from './verify.ts';

/**
 * Standard Webhooks (spec v1, standardwebhooks.com) with payload profiles: any sender that signs
 * this way (a listening tool's relay, an internal service) delivers here, and a profile (YAML data
 * in `profiles/` or the user's `profilesDir`) turns its mentions into canonical events.
 */
export default defineSource<StandardSourceConfig>({
  id: 'standard',
  displayName: 'Standard Webhooks (listening tools and other senders)',
  sdk: '^2.0.0',
  configSchema: StandardSourceConfig,
  signatureHeader: SIGNATURE_HEADER,
  keptHeaders: [ID_HEADER, TIMESTAMP_HEADER],
  description: 'Any Standard Webhooks v1 sender: `webhook-id`, `webhook-timestamp` (unix seconds, within 5 minutes of Parley\'s clock either way) and `webhook-signature` (space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`; any one matching the current or previous secret is enough). A payload profile (Talkwalker, Brandwatch, the spec\'s `{type, timestamp, data}`, or the user\'s own YAML) turns the body\'s mentions into events. A redelivery with the same `webhook-id` is stored once.',
  contentTypes: ['application/json'],
  bodyLimitBytes: 1024 * 1024,
  verify: verifyDelivery,
  parse: parseDelivery,
});
