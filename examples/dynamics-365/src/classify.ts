import { classifyOutboundFailure, isParleyError, type ErrorClass, type VendorError } from 'parley/sdk';
import { NOT_ANSWERED, readFailure, RENEWED_TOKEN_REFUSED, UNREADABLE_ANSWER } from './dataverse-error.ts';

/**
 * Every Dataverse failure, classified in one place. Codes: "Web service error codes"
 * (learn.microsoft.com/power-apps/developer/data-platform/reference/web-service-error-codes),
 * "Troubleshoot Dataverse client errors", and "Service protection API limits"
 * (…/data-platform/api-limits), which says a 429 always carries `Retry-After` in seconds.
 */

/** Service protection limits (429): number of requests, execution time, concurrent requests. */
const SERVICE_PROTECTION = new Set(['0x80072322', '0x80072321', '0x80072326']);

/** A record the request names is not there: by id (`ObjectDoesNotExist`) or by alternate key. */
const NOT_FOUND = new Set(['0x80040217', '0x80060891']);

/** The caller lacks a privilege on the table (`PrivilegeDenied`, `CrmCheckPrivilege failed`): the application user's role. */
const PRIVILEGE = new Set(['0x80040220', '0x80048306', '0x80040225', '0x8004d24b']);

/**
 * `Resource not found for the segment '…'`: an entity set (a table a mapping names) the org does
 * not have [code unconfirmed; Microsoft's docs quote the message, not its code].
 */
const UNKNOWN_RESOURCE = '0x80060888';

/** `Cannot insert duplicate key` (-2147220937): an alternate key's value is taken. */
const DUPLICATE_KEY = '0x80040237';

/** A wait when a 429 came without `Retry-After` (Microsoft says it never does): the limits' 5-minute window / 5. */
export const DEFAULT_RETRY_AFTER_MS = 60_000;

/**
 * Classifies a failure the session raised or a `$batch` request answered.
 * @param context.matchKey the upsert's alternate key: a duplicate key on it is two upserts racing, and the next one updates
 */
export function classifyDataverseError(error: unknown, context: { matchKey?: string } = {}): ErrorClass {
  // The SDK's outbound policy classifies its own failures (untrusted host, redirect, unreachable).
  const outbound = classifyOutboundFailure(error);
  if (outbound) return outbound.errorClass;
  // A token request refused (wrong secret, unknown tenant): see token.ts.
  if (isParleyError(error) && error.code === 'PARLEY_DESTINATION_CONFIG') return { kind: 'permanent', scope: 'config' };
  const failure = readFailure(error);
  if (!failure) {
    // A JavaScript error is a bug (here or in Parley): retrying cannot help. Anything else (an
    // answer that could not be read) may be transient.
    if (error instanceof TypeError || error instanceof RangeError) return { kind: 'permanent', scope: 'bug' };
    return { kind: 'retryable' };
  }
  const { code, httpStatus } = failure;
  if (httpStatus === 429 || SERVICE_PROTECTION.has(code)) return { kind: 'rate-limited', retryAfterMs: failure.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS };
  // An expired token is renewed and the call replayed inside the session (session.ts); a 401 that
  // outlives a fresh token means the application user lost its access.
  if (code === RENEWED_TOKEN_REFUSED) return { kind: 'permanent', scope: 'config' };
  if (httpStatus === 401) return { kind: 'retryable' };
  if (httpStatus === 403 || PRIVILEGE.has(code) || code === UNKNOWN_RESOURCE) return { kind: 'permanent', scope: 'config' };
  if (code === DUPLICATE_KEY) return context.matchKey ? { kind: 'retryable' } : { kind: 'permanent', scope: 'data' };
  if (NOT_FOUND.has(code)) return { kind: 'permanent', scope: 'record' };
  if (code === NOT_ANSWERED) return { kind: 'retryable' };
  // The batch may have been carried out: creates are looked up before they are written again.
  if (code === UNREADABLE_ANSWER) return { kind: 'retryable', outcomeUnknown: true };
  if (httpStatus === undefined || httpStatus >= 500 || httpStatus === 408) return { kind: 'retryable' };
  return { kind: 'permanent', scope: 'record' };
}

/** Dataverse's own words for a failure, for the operator: `{ code: '0x80040237', message, httpStatus }`. */
export function describeDataverseError(error: unknown): VendorError {
  const failure = readFailure(error);
  if (failure) return { code: failure.code, message: failure.message, ...(failure.httpStatus !== undefined ? { httpStatus: failure.httpStatus } : {}) };
  if (isParleyError(error)) return { code: error.code, message: error.message };
  return { code: 'UNKNOWN', message: error instanceof Error ? error.message : String(error) };
}
