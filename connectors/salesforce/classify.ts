import { classifyOutboundFailure, type ErrorClass, type VendorError } from '../../src/connectors/index.ts';

/**
 * Every Salesforce failure, classified in one place: the reference's classification table
 * (../shared/reference/salesforce.md, "Classification table", from the REST API Developer Guide's
 * "Status Codes and Error Responses" and "API Request Limits and Allocations").
 * Waits for rate limits are settings: Salesforce documents no Retry-After [unconfirmed].
 */
export interface RateLimitWaits {
  /** After `TotalRequests Limit exceeded` (the rolling 24 h quota), ms. */
  totalRequestsMs: number;
  /** After `ConcurrentRequests … Limit exceeded` (too many long-running calls), ms. */
  concurrentRequestsMs: number;
}

export const DEFAULT_RATE_LIMIT_WAITS: RateLimitWaits = { totalRequestsMs: 15 * 60_000, concurrentRequestsMs: 5_000 };

/** Socket-level failures: the request may or may not have reached Salesforce. */
const SOCKET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

/** HTTP statuses worth retrying unchanged (reference: 420, 429 and 5xx gateways). */
const RETRYABLE_STATUSES = new Set([420, 429, 500, 502, 503, 504]);

/** Codes that are about the org's setup or Parley's credentials, not about a record. */
const CONFIG_CODES = new Set([
  'NOT_FOUND', 'API_DISABLED_FOR_ORG', 'API_CURRENTLY_DISABLED', 'INVALID_SESSION_ID_AFTER_REFRESH',
  'invalid_grant', 'invalid_client', 'invalid_client_id', 'unsupported_grant_type', 'INVALID_AUTH_HEADER',
  // Bulk API 2.0 (reference §9): a job the org refuses (no "Bulk API Hard Delete" permission, an
  // object or key it does not have), or a job failed for its columns (`InvalidBatch : Field name not found : Foo`).
  'FEATURENOTENABLED', 'INVALIDJOB', 'InvalidJob', 'InvalidBatch',
]);

/**
 * Reads what Salesforce said out of anything jsforce or the network may throw, or out of a
 * per-record error item (`{ statusCode, message, fields }`).
 */
export function vendorError(error: unknown): VendorError {
  if (typeof error !== 'object' || error === null) return { code: 'UNKNOWN', message: String(error) };
  const e = error as { errorCode?: unknown; statusCode?: unknown; name?: unknown; code?: unknown; message?: unknown; fields?: unknown; data?: { fields?: unknown } };
  const fields = Array.isArray(e.fields) ? e.fields.map(String) : Array.isArray(e.data?.fields) ? e.data!.fields.map(String) : undefined;
  // Per-record items carry `statusCode` (a string); jsforce errors `errorCode` or, for OAuth, `name`.
  const code = typeof e.statusCode === 'string' ? e.statusCode
    : typeof e.errorCode === 'string' ? e.errorCode
      : typeof e.code === 'string' ? e.code
        : typeof e.name === 'string' && e.name !== 'Error' ? e.name : 'UNKNOWN';
  const message = typeof e.message === 'string' ? e.message : '';
  const httpStatus = /^ERROR_HTTP_(\d{3})$/.exec(code);
  return { code, message: message.length > 500 ? `${message.slice(0, 500)}…` : message, ...(fields && fields.length > 0 ? { fields } : {}), ...(httpStatus ? { httpStatus: Number(httpStatus[1]) } : {}) };
}

/**
 * Classifies a Salesforce failure (a thrown error or a per-record error item).
 * @param context.matchKey the upsert's key field: DUPLICATE_VALUE on it is an upsert race, retried
 */
export function classifySalesforceError(error: unknown, context: { matchKey?: string } = {}, waits: RateLimitWaits = DEFAULT_RATE_LIMIT_WAITS): ErrorClass {
  // The SDK's outbound policy classifies its own failures (untrusted host, redirect, unreachable).
  const outbound = classifyOutboundFailure(error);
  if (outbound) return outbound.errorClass;
  const { code, message, fields, httpStatus } = vendorError(error);
  // A re-login whose answer was not a token endpoint's (token-answer.ts).
  if (code === 'PARLEY_DESTINATION_CONFIG') return { kind: 'permanent', scope: 'config' };
  if (code === 'REQUEST_LIMIT_EXCEEDED') {
    return { kind: 'rate-limited', retryAfterMs: /ConcurrentRequests|Concurrent API/i.test(message) ? waits.concurrentRequestsMs : waits.totalRequestsMs };
  }
  if (httpStatus === 429 || httpStatus === 420) return { kind: 'rate-limited', retryAfterMs: waits.concurrentRequestsMs };
  // jsforce refreshes and replays once on 401; an error that still says INVALID_SESSION_ID, or a
  // refresh that failed, is a credentials problem.
  if (code === 'INVALID_SESSION_ID') return { kind: 'retryable' };
  if (/^Unable to refresh session/.test(message)) return { kind: 'permanent', scope: 'config' };
  if (CONFIG_CODES.has(code) || code.startsWith('INSUFFICIENT_ACCESS') || code.startsWith('invalid_client')) return { kind: 'permanent', scope: 'config' };
  if (code === 'SERVER_UNAVAILABLE' || code === 'UNKNOWN_EXCEPTION' || code === 'UNABLE_TO_LOCK_ROW'
    || code === 'ALL_OR_NONE_OPERATION_ROLLED_BACK' || code === 'PROCESSING_HALTED') return { kind: 'retryable' };
  if (httpStatus !== undefined && RETRYABLE_STATUSES.has(httpStatus)) return { kind: 'retryable' };
  if (SOCKET_CODES.has(code) || /socket hang up|network|timed? ?out/i.test(message) && code === 'UNKNOWN') return { kind: 'retryable' };
  if (code === 'DUPLICATE_VALUE') {
    const key = context.matchKey?.toLowerCase();
    const onKey = key !== undefined && ((fields ?? []).some((f) => f.toLowerCase() === key) || message.toLowerCase().includes(key));
    return onKey ? { kind: 'retryable' } : { kind: 'permanent', scope: 'record' };
  }
  if (code === 'MULTIPLE_CHOICES' || code === 'DUPLICATE_EXTERNAL_ID') return { kind: 'permanent', scope: 'data' };
  // The object or the upsert key named by a mapping does not exist as such in the org.
  if (code === 'INVALID_TYPE' || (code === 'INVALID_FIELD' && /is not an External ID or indexed field/.test(message))) return { kind: 'permanent', scope: 'config' };
  if (code === 'EXCEEDED_ID_LIMIT') return { kind: 'permanent', scope: 'bug' };
  // A bulk job in a state the request does not fit, or CSV Salesforce cannot read: Parley's request was wrong.
  if (code === 'INVALIDJOBSTATE' || code === 'INVALIDCSV') return { kind: 'permanent', scope: 'bug' };
  if (httpStatus !== undefined && httpStatus >= 500) return { kind: 'retryable' };
  // A JavaScript error: a bug in Parley or jsforce, not in the record; retrying cannot help.
  if (error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError) return { kind: 'permanent', scope: 'bug' };
  // Any other error without a Salesforce code (a transport failure jsforce wrapped): worth a retry.
  if (code === 'UNKNOWN' && error instanceof Error) return { kind: 'retryable' };
  return { kind: 'permanent', scope: 'record' };
}

/** True when a failure left the outcome unknown: the request may have been carried out. */
export function outcomeUnknown(error: unknown): boolean {
  const outbound = classifyOutboundFailure(error);
  if (outbound) return outbound.outcomeUnknown;
  const { code, message } = vendorError(error);
  return SOCKET_CODES.has(code) && code !== 'ECONNREFUSED' && code !== 'ENOTFOUND' && code !== 'EAI_AGAIN' || /socket hang up/i.test(message);
}
