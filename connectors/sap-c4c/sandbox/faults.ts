import type { FaultCatalog, FaultRuleDefaults } from '../../../src/connectors/index.ts';

/**
 * The C4C faults `PUT /sandbox/sap-c4c/_faults` can inject, keyed by HTTP status as the reference's
 * table (../shared/reference/sap-c4c.md §3) lists them. Bodies are OData v2 error bodies with C4C's
 * empty `code`; `errorCode` is only the `_stats.errors` counter name.
 */

/** What a call is: a read (GET), a single write, or a `$batch`. */
export type CallKind = 'read' | 'write' | 'batch';

const ALL: readonly CallKind[] = ['read', 'write', 'batch'];

/** Faults this sandbox knows, with where they can happen. */
export const FAULTS: FaultCatalog<CallKind> = {
  400: { on: ['write', 'batch'], status: 400, errorCode: 'HTTP_400', message: 'Property is invalid' },
  // Expired session: 403 with `x-csrf-token: Required` (reference §1; body text [unconfirmed] for C4C).
  CSRF_REQUIRED: { on: ['write', 'batch'], status: 403, errorCode: 'CSRF_REQUIRED', message: 'CSRF token validation failed' },
  404: { on: ['read', 'write'], status: 404, errorCode: 'HTTP_404', message: 'Resource not found for the segment' },
  412: { on: ['write'], status: 412, errorCode: 'HTTP_412', message: 'Precondition failed: the entity was changed by another user' },
  500: { on: ALL, status: 500, errorCode: 'HTTP_500', message: 'Internal error' },
  // Not documented for C4C OData v1 (reference §3): offered so clients' back-off can be exercised [unconfirmed].
  429: { on: ALL, status: 429, errorCode: 'HTTP_429', message: 'Too many requests' },
  503: { on: ALL, status: 503, errorCode: 'HTTP_503', message: 'Service unavailable' },
};

/**
 * `_faults.rules` in C4C's words: `{ "object": "SocialMediaActivity", "field": "SocialMediaMessageID",
 * "equals": "42" }` refuses that record with a 400 OData error as a tenant's business check would; in a
 * `$batch` it fails that change set only.
 */
export const RULES: FaultRuleDefaults = {
  errorCode: 'BUSINESS_CHECK',
  errorCodePattern: /^[A-Za-z0-9_.\-/]*$/,
  message: 'A business check of the tenant refused this record',
};

/** The answer to a spent daily quota: C4C v1 documents none, so 429 [unconfirmed]. */
export const LIMIT_ERROR = { status: 429, errorCode: 'HTTP_429', message: 'Too many requests' } as const;
