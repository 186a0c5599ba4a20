import { z } from 'zod';
import { defineSource } from '../../src/connectors/index.ts';
import { XSourceConfig } from './config.ts';
import { parseXDelivery } from './delivery.ts';
import { xPull } from './pull/index.ts';
import { XSandboxConfig } from './sandbox/config.ts';
import { xSandbox } from './sandbox/plugin.ts';
import { SIGNATURE_HEADER, answerCrc, verifyDelivery } from './verify.ts';

/**
 * X webhooks, both products on one route: Account Activity API (AAA) deliveries and X Activity
 * API (XAA) events. CRC handshake, `x-twitter-webhooks-signature` verification, and the parsing
 * of every activity and event type into canonical events.
 */
export default defineSource<XSourceConfig>({
  id: 'x',
  displayName: 'X (Account Activity API and X Activity API)',
  sdk: '^2.0.0',
  configSchema: XSourceConfig,
  signatureHeader: SIGNATURE_HEADER,
  description: 'Deliveries from either X product on the same webhook, told apart by shape: Account Activity API deliveries '
    + '(`{"for_user_id": …, "tweet_create_events": [...], …}`: tweets, likes, follows, blocks, mutes, DMs, deletes, revokes) '
    + 'and X Activity API events (`{"data": {"event_uuid", "filter", "event_type", "payload", "includes"}}`: posts, mentions, '
    + 'replies, quotes, reposts, likes, follows, mutes, blocks, DMs, profile updates, deletes, revokes, encrypted chats, '
    + 'Spaces, broadcasts and news stories). An X Activity API event type Parley does not know is kept as a dead letter. '
    + 'The GET handshake is X\'s CRC, answered only for a base64-alphabet `crc_token` of at most 256 characters, '
    + 'so that its answer can never double as the signature of a delivery.',
  handshakeQuery: z.object({
    crc_token: z.string().optional().describe('X\'s challenge: 1-256 characters of A-Z a-z 0-9 + / = _ -. Answered with {"response_token": "sha256=<base64 HMAC-SHA256(consumer secret, crc_token)>"}.'),
  }),
  contentTypes: ['application/json'],
  bodyLimitBytes: 1024 * 1024,
  handshake: answerCrc,
  verify: verifyDelivery,
  parse: parseXDelivery,
  pull: xPull,
  // X API v2 simulated at /sandbox/x (user look-ups, Posts and mentions timelines, rate limits).
  sandbox: { configSchema: XSandboxConfig, plugin: (app, options) => xSandbox.plugin(app, options as never) },
});
