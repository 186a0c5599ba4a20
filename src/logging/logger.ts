import { pino, type Logger, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';

/**
 * Paths never written to the log: credentials, signatures, personal data and message texts.
 * Compiled once, when the logger is made. Log ids and counts, not content.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'secret', 'password', 'token', 'apiKey', 'clientSecret', 'privateKey', 'accessToken', 'authorization',
  '*.secret', '*.consumerSecret', '*.consumerSecretPrevious', '*.password', '*.token', '*.key', '*.apiKey',
  '*.clientSecret', '*.privateKey', '*.accessToken', '*.access_token', '*.authorization',
  'text', '*.text', 'body', '*.body', 'email', '*.email',
];

/**
 * A logger that also redacts the given request headers (lower-case names): the signature and
 * secret headers each source declares, so a new source needs no change here.
 */
export function withRedactedHeaders(logger: Logger, headers: readonly string[]): Logger {
  if (headers.length === 0) return logger;
  const paths = [...REDACT_PATHS, ...[...new Set(headers)].map((name) => `req.headers[${JSON.stringify(name)}]`)];
  return logger.child({}, { redact: { paths, censor: '[redacted]' } });
}

/** The bindings a child logger may carry; nothing user-controlled becomes a key. */
export type LogBindings = Partial<Record<'component' | 'source' | 'destination' | 'batchId' | 'eventId' | 'deliveryId' | 'reqId', string>>;

/**
 * The root logger. `destination` defaults to stdout; tests pass a stream to read what was logged.
 * `format: 'pretty'` renders each line for people through pino-pretty, in this thread (a worker
 * transport would lose the last lines when the process exits on a fatal start-up error); the
 * redaction is pino's, before formatting, so pretty lines hide the same things JSON lines do.
 */
export function createLogger(level: string, destination?: DestinationStream, format: 'json' | 'pretty' = 'json'): Logger {
  const options = {
    level,
    base: { service: 'parley' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (format === 'pretty') {
    return pino(options, pretty({ sync: true, colorize: destination === undefined && process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'service,pid,hostname', ...(destination ? { destination } : {}) }));
  }
  return pino(options, destination);
}

export type { Logger };
