import { defineSource } from '../../src/connectors/index.ts';
import { META_BODY_LIMIT_BYTES } from '../meta/config.ts';
import { VerificationQuery, answerVerification } from '../meta/handshake.ts';
import { MetaSandboxConfig } from '../meta/sandbox/config.ts';
import { metaSandbox } from '../meta/sandbox/plugin.ts';
import { LEGACY_SIGNATURE_HEADER, SIGNATURE_HEADER, verifyDelivery } from '../meta/verify.ts';
import { FacebookSourceConfig } from './config.ts';
import { parseFacebookDelivery } from './parse/index.ts';
import { facebookPull } from './pull/index.ts';

/**
 * Facebook Pages webhooks (`object: "page"`): the Page `feed` (posts, comments and replies,
 * reactions, shares; edits and removals), Page `mention`s, and Messenger conversations of the Page.
 */
export default defineSource<FacebookSourceConfig>({
  id: 'facebook',
  displayName: 'Facebook Pages and Messenger',
  sdk: '^2.0.0',
  configSchema: FacebookSourceConfig,
  signatureHeader: SIGNATURE_HEADER,
  secretHeaders: [LEGACY_SIGNATURE_HEADER],
  description: 'Meta Page webhooks: `feed` (posts, comments, replies, reactions, shares, edits and removals), `mention`, and Messenger `messaging`/`standby` items (messages, echoes, edits, reactions, postbacks; reads and deliveries are ignored). Verified with `hub.verify_token` on GET and `X-Hub-Signature-256` (hex HMAC-SHA256 of the raw body under the app secret) on POST; the legacy SHA-1 `X-Hub-Signature` alone is refused. Up to 1,000 updates per delivery.',
  handshakeQuery: VerificationQuery,
  contentTypes: ['application/json'],
  bodyLimitBytes: META_BODY_LIMIT_BYTES,
  handshake: answerVerification,
  verify: verifyDelivery,
  parse: parseFacebookDelivery,
  pull: facebookPull,
  // The Graph API simulated (Pages and Instagram accounts: feeds, media, comments, usage headers, throttling): connectors/meta/sandbox.
  sandbox: { configSchema: MetaSandboxConfig, plugin: (app, options) => metaSandbox.plugin(app, options as never) },
});
