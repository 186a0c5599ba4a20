import { pino, type Logger, type DestinationStream } from 'pino';

/**
 * Paths never written to the log: credentials, signatures, personal data and message texts.
 * Compiled once, when the logger is made. Log ids and counts, not content.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-twitter-webhooks-signature"]',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-hub-signature"]',
  'req.headers["x-li-signature"]',
  'req.headers["webhook-signature"]',
  '*.secret', '*.consumerSecret', '*.consumerSecretPrevious', '*.password', '*.token', '*.key', '*.apiKey',
  'text', '*.text', 'body', '*.body', 'email', '*.email',
];

/** The bindings a child logger may carry; nothing user-controlled becomes a key. */
export type LogBindings = Partial<Record<'component' | 'source' | 'destination' | 'batchId' | 'eventId' | 'deliveryId' | 'reqId', string>>;

/** The root logger. `destination` defaults to stdout; tests pass a stream to read what was logged. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: { service: 'parley' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  }, destination);
}

export type { Logger };
