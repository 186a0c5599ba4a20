import { z } from 'zod';
import { defineSource } from '../../src/connectors/index.ts';
import { LinkedInSourceConfig } from './config.ts';
import { parseDelivery } from './parse/index.ts';
import { SIGNATURE_HEADER, answerChallenge, verifyDelivery } from './verify.ts';

/**
 * LinkedIn organization social action notifications (likes, comments and their edits and
 * deletions, shares and mentions of the organization's posts): the `challengeCode` validation,
 * `X-LI-Signature` verification (the signed input is a config switch: `signatureInput`) and the
 * parsing of each notification into canonical events.
 */
export default defineSource<LinkedInSourceConfig>({
  id: 'linkedin',
  displayName: 'LinkedIn (organization social actions)',
  sdk: '^2.0.0',
  configSchema: LinkedInSourceConfig,
  signatureHeader: SIGNATURE_HEADER,
  description: 'LinkedIn organization social action notifications (`ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS`): likes, comments (and their edits and deletions), shares and mentions on the organization\'s posts. Validation: `GET ?challengeCode=<uuid>` answered with `{challengeCode, challengeResponse}` (hex HMAC-SHA256 under the client secret). Deliveries are signed in `X-LI-Signature`: hex HMAC-SHA256 under the client secret, over the raw body prefixed by `hmacsha256=` (or the raw body alone, per the `signatureInput` setting).',
  handshakeQuery: z.object({
    challengeCode: z.string().describe('A UUID LinkedIn generates; anything else is refused with 400'),
    applicationId: z.string().optional().describe('For parent/child apps: the app whose client secret answers'),
  }),
  contentTypes: ['application/json'],
  bodyLimitBytes: 1024 * 1024,
  handshake: answerChallenge,
  verify: verifyDelivery,
  parse: (body) => parseDelivery(body),
});
