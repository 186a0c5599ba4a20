import { defineSource } from '../../src/connectors/index.ts';
import { XSourceConfig } from './config.ts';
import { parseDelivery } from './parse/index.ts';
import { SIGNATURE_HEADER, answerCrc, verifyDelivery } from './verify.ts';

/**
 * X (Twitter) Account Activity API webhooks: CRC handshake, `x-twitter-webhooks-signature`
 * verification and the parsing of every activity type into canonical events.
 */
export default defineSource<XSourceConfig>({
  id: 'x',
  displayName: 'X (Account Activity API)',
  sdk: '^1.0.0',
  configSchema: XSourceConfig,
  signatureHeader: SIGNATURE_HEADER,
  contentTypes: ['application/json'],
  bodyLimitBytes: 1024 * 1024,
  handshake: answerCrc,
  verify: verifyDelivery,
  parse: parseDelivery,
});
