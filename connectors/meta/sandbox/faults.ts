import type { FaultCatalog, FaultRuleDefaults } from '../../../src/connectors/index.ts';

/** The Meta sandbox serves reads only. */
export type CallKind = 'read';

/**
 * Faults `_faults.errors` may inject, by Graph error code or HTTP status: the transient errors a
 * read can meet (developers.facebook.com/docs/graph-api/guides/error-handling: 1 "API Unknown",
 * 2 "API Service" — wait and retry; 4/17/32/613/80001 throttling — wait). The throttling codes'
 * statuses follow the sandbox's `throttleStatus` rule (403 for 4, else 400).
 */
export const FAULTS: FaultCatalog<CallKind> = {
  1: { on: ['read'], status: 500, errorCode: '1', message: 'An unknown error has occurred.' },
  2: { on: ['read'], status: 503, errorCode: '2', message: 'An unexpected error has occurred. Please retry your request later.' },
  4: { on: ['read'], status: 403, errorCode: '4', message: '(#4) Application request limit reached' },
  17: { on: ['read'], status: 400, errorCode: '17', message: '(#17) User request limit reached' },
  32: { on: ['read'], status: 400, errorCode: '32', message: '(#32) Page request limit reached' },
  613: { on: ['read'], status: 400, errorCode: '613', message: '(#613) Calls to this api have exceeded the rate limit.' },
  500: { on: ['read'], status: 500, errorCode: '1', message: 'An unknown error has occurred.' },
  502: { on: ['read'], status: 502, errorCode: 'BadGateway', message: 'Bad Gateway', nonJson: true },
  503: { on: ['read'], status: 503, errorCode: '2', message: 'An unexpected error has occurred. Please retry your request later.' },
};

/** The Graph API reads have no per-record rules: a sandbox of reads only never applies them. */
export const RULES: FaultRuleDefaults = { errorCode: '100', message: 'refused by a sandbox rule' };

/** What `_stats.errors` counts a spent daily quota under (the kit's; Graph's app-level throttle). */
export const DAILY_LIMIT_CODE = '4';
