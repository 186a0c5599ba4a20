import { defineSource } from '../../src/connectors/index.ts';
import { META_BODY_LIMIT_BYTES } from '../meta/config.ts';
import { VerificationQuery, answerVerification } from '../meta/handshake.ts';
import { LEGACY_SIGNATURE_HEADER, SIGNATURE_HEADER, verifyDelivery } from '../meta/verify.ts';
import { InstagramSourceConfig } from './config.ts';
import { parseInstagramDelivery } from './parse/index.ts';
import { instagramPull } from './pull/index.ts';

/**
 * Instagram webhooks (`object: "instagram"`) of a professional account: comments and live
 * comments on its media, @mentions, and direct messages.
 */
export default defineSource<InstagramSourceConfig>({
  id: 'instagram',
  displayName: 'Instagram',
  sdk: '^2.0.0',
  configSchema: InstagramSourceConfig,
  signatureHeader: SIGNATURE_HEADER,
  secretHeaders: [LEGACY_SIGNATURE_HEADER],
  description: 'Meta Instagram webhooks: `comments` and `live_comments`, `mentions` (ids only: no author or text), and direct messages in `messaging` (unsent messages are erasures; reads are ignored). Verified with `hub.verify_token` on GET and `X-Hub-Signature-256` (hex HMAC-SHA256 of the raw body under the app secret) on POST; the legacy SHA-1 `X-Hub-Signature` alone is refused. Up to 1,000 updates per delivery.',
  handshakeQuery: VerificationQuery,
  contentTypes: ['application/json'],
  bodyLimitBytes: META_BODY_LIMIT_BYTES,
  handshake: answerVerification,
  verify: verifyDelivery,
  parse: parseInstagramDelivery,
  // The Graph API's Instagram paths are simulated by the Meta sandbox the facebook source carries
  // (connectors/meta/sandbox): point `pull.apiUrl` at it (one simulator, not a second copy here).
  pull: instagramPull,
});
