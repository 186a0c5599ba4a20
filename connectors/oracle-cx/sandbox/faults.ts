import type { FaultCatalog, FaultRuleDefaults } from '../../../src/connectors/index.ts';

/**
 * The Oracle CX faults `PUT /sandbox/oracle-cx/_faults` can inject, keyed by HTTP status
 * (../shared/reference/oracle-cx.md §3, §5). Each is answered in the error format the request
 * selects (errors.ts); a 429 carries `Retry-After` per config. `errorCode` is the `_stats.errors` name.
 */

/** What a call is: a read (GET), a single write, or a batch POST. */
export type CallKind = 'read' | 'write' | 'batch';

const ALL: readonly CallKind[] = ['read', 'write', 'batch'];

/** Faults this sandbox knows; every one can hit any call (front tier and server faults, §5). */
export const FAULTS: FaultCatalog<CallKind> = {
  // Throttling from the front tier [unconfirmed, §5].
  429: { on: ALL, status: 429, errorCode: 'HTTP_429', message: 'Too many requests. Try again later.' },
  500: { on: ALL, status: 500, errorCode: 'HTTP_500', message: 'Internal Server Error' },
  502: { on: ALL, status: 502, errorCode: 'HTTP_502', message: 'Bad Gateway' },
  503: { on: ALL, status: 503, errorCode: 'HTTP_503', message: 'Service Unavailable' },
  504: { on: ALL, status: 504, errorCode: 'HTTP_504', message: 'Gateway Timeout' },
};

/**
 * `_faults.rules` in Oracle's words: `{ "object": "socialPosts", "field": "SourcePostIdPrimary",
 * "equals": "42" }` refuses that record with a 400 as a pod's validation (a Groovy trigger) would.
 * `object` is the resource name (`messages` for the SR child).
 */
export const RULES: FaultRuleDefaults = {
  errorCode: 'OKC-VALIDATION',
  errorCodePattern: /^[A-Za-z0-9_.:-]+$/,
  message: 'A validation rule of the pod refused this record.',
};

/** The answer to a spent daily quota: Oracle documents none, so a 429 like the throttle (§5) [unconfirmed]. */
export const LIMIT_ERROR = { status: 429, errorCode: 'HTTP_429', message: 'Too many requests. Try again later.' } as const;
