import { defineSource } from '../../src/connectors/index.ts';
import { META_BODY_LIMIT_BYTES, MetaSourceConfig } from '../meta/config.ts';
import { VerificationQuery, answerVerification } from '../meta/handshake.ts';
import { LEGACY_SIGNATURE_HEADER, SIGNATURE_HEADER, verifyDelivery } from '../meta/verify.ts';
import { parseInstagramDelivery } from './parse/index.ts';

/**
 * Instagram webhooks (`object: "instagram"`) of a professional account: comments and live
 * comments on its media, @mentions, and direct messages.
 */
export default defineSource<MetaSourceConfig>({
  id: 'instagram',
  displayName: 'Instagram',
  sdk: '^2.0.0',
  configSchema: MetaSourceConfig,
  signatureHeader: SIGNATURE_HEADER,
  secretHeaders: [LEGACY_SIGNATURE_HEADER],
  description: 'Meta Instagram webhooks: `comments` and `live_comments`, `mentions` (ids only: no author or text), and direct messages in `messaging` (unsent messages are erasures; reads are ignored). Verified with `hub.verify_token` on GET and `X-Hub-Signature-256` (hex HMAC-SHA256 of the raw body under the app secret) on POST; the legacy SHA-1 `X-Hub-Signature` alone is refused. Up to 1,000 updates per delivery.',
  handshakeQuery: VerificationQuery,
  contentTypes: ['application/json'],
  bodyLimitBytes: META_BODY_LIMIT_BYTES,
  handshake: answerVerification,
  verify: verifyDelivery,
  parse: parseInstagramDelivery,
});
