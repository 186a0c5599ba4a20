import type { FaultCatalog, FaultRuleDefaults } from '../../../src/connectors/index.ts';

/** The X sandbox serves reads only. */
export type CallKind = 'read';

/**
 * Faults `_faults.errors` may inject, by HTTP status: what X API v2 answers on a read when it is
 * rate-limited or failing (docs.x.com/x-api/fundamentals/response-codes-and-errors: 429, 500, 502,
 * 503, 504 "wait and retry").
 */
export const FAULTS: FaultCatalog<CallKind> = {
  429: { on: ['read'], status: 429, errorCode: 'TooManyRequests', message: 'Too Many Requests' },
  500: { on: ['read'], status: 500, errorCode: 'InternalError', message: 'Internal Server Error' },
  503: { on: ['read'], status: 503, errorCode: 'ServiceUnavailable', message: 'Service Unavailable' },
  504: { on: ['read'], status: 504, errorCode: 'GatewayTimeout', message: 'Gateway Timeout', nonJson: true },
};

/** X has no per-record write rules: a sandbox of reads only never applies them. */
export const RULES: FaultRuleDefaults = { errorCode: 'InvalidRequest', message: 'refused by a sandbox rule' };

/** The error `_stats.errors` counts a spent usage cap under. */
export const USAGE_CAPPED = 'UsageCapExceeded';
