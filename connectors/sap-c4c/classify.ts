/**
 * Every C4C failure, classified in one place: the reference's error classification table
 * (../shared/reference/sap-c4c.md, §3 and "Error classification"), applied alike to a whole call
 * that failed and to one operation's answer inside a `$batch` change set.
 */
import { classifyNonVendorFailure, isParleyError, type ErrorClass, type OutboundResponse, type VendorError } from '../../src/connectors/index.ts';
import { readError } from './odata/json.ts';

/** A 403 with `x-csrf-token: Required` (reference §1.3), after the one re-fetch the session makes. */
export const CSRF_REQUIRED = 'CSRF_REQUIRED';
/** The `$batch` answer could not be read: the batch may have been carried out. */
export const UNREADABLE_ANSWER = 'UNREADABLE_ANSWER';

/** A C4C failure: the HTTP status, C4C's code (often '', then `HTTP_<status>`), its message, and a `Retry-After` in ms. */
export interface C4cFailure {
  code: string;
  message: string;
  httpStatus?: number;
  retryAfterMs?: number;
}

/** What the session throws for a call C4C refused or answered unreadably. */
export class C4cError extends Error {
  readonly failure: C4cFailure;

  constructor(failure: C4cFailure) {
    super(failure.message);
    this.name = 'C4cError';
    this.failure = failure;
  }
}

/** `Retry-After` as ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The failure an answer (a whole call's or a `$batch` part's) carries: the OData v2 error body
 * `{"error":{"code","message":{"value"}}}` when there is one, else the status and the body's start
 * (a CSRF refusal is plain text, reference §1.3).
 */
export function failureOf(answer: Pick<OutboundResponse, 'status' | 'headers' | 'body'>): C4cFailure {
  let parsed: unknown;
  try { parsed = JSON.parse(answer.body); } catch { parsed = undefined; }
  const odata = readError(parsed);
  const csrf = answer.status === 403 && (answer.headers['x-csrf-token'] ?? '').toLowerCase() === 'required';
  const retryAfter = retryAfterMs(answer.headers['retry-after']);
  const text = odata?.message ?? (answer.body.trim().slice(0, 300) || `HTTP ${answer.status}`);
  return {
    code: csrf ? CSRF_REQUIRED : odata?.code || `HTTP_${answer.status}`,
    message: text, httpStatus: answer.status, ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
  };
}

/** The failure inside anything classify or describeError is handed: a C4cError, a C4cFailure, or a VendorError the kit built from one. */
function readFailure(error: unknown): C4cFailure | undefined {
  if (error instanceof C4cError) return error.failure;
  if (typeof error !== 'object' || error === null || isParleyError(error) || error instanceof Error) return undefined;
  const e = error as Partial<C4cFailure>;
  if (typeof e.code !== 'string' || typeof e.message !== 'string') return undefined;
  return { code: e.code, message: e.message, ...(typeof e.httpStatus === 'number' ? { httpStatus: e.httpStatus } : {}), ...(typeof e.retryAfterMs === 'number' ? { retryAfterMs: e.retryAfterMs } : {}) };
}

/**
 * Classifies a C4C failure (reference, "Error classification"):
 * 401 → permanent/config (the credentials); 403 `Required` (still, after the session's one
 * re-fetch) → retryable; other 403 → permanent/config (a missing authorisation); 400 and 404 →
 * permanent/record; 412 → retryable (an ETag conflict: read again, apply again); 429 →
 * rate-limited for `Retry-After` or `rateLimitWaitMs`; 5xx (503 included: the kit backs off) and a
 * lost connection → retryable, with `outcomeUnknown` when the request may have been carried out.
 */
export function classifyC4cError(error: unknown, rateLimitWaitMs: number): ErrorClass {
  const failure = readFailure(error);
  // Not C4C's answer: the SDK's outbound policy, a SAML bearer token request refused (session.ts), a bug.
  if (!failure) return classifyNonVendorFailure(error);
  const { code, httpStatus } = failure;
  if (code === UNREADABLE_ANSWER) return { kind: 'retryable', outcomeUnknown: true };
  if (code === CSRF_REQUIRED) return { kind: 'retryable' };
  if (httpStatus === 429) return { kind: 'rate-limited', retryAfterMs: failure.retryAfterMs ?? rateLimitWaitMs };
  if (httpStatus === 401 || httpStatus === 403) return { kind: 'permanent', scope: 'config' };
  if (httpStatus === 412) return { kind: 'retryable' };
  if (httpStatus === undefined || httpStatus >= 500 || httpStatus === 408) return { kind: 'retryable' };
  return { kind: 'permanent', scope: 'record' };
}

/** C4C's own words for a failure, for the operator: `{ code: 'HTTP_400', message: "Property 'Foo' is invalid", httpStatus: 400 }`. */
export function describeC4cError(error: unknown): VendorError {
  const failure = readFailure(error);
  if (failure) return { code: failure.code, message: failure.message, ...(failure.httpStatus !== undefined ? { httpStatus: failure.httpStatus } : {}) };
  if (isParleyError(error)) return { code: error.code, message: error.message };
  return { code: 'UNKNOWN', message: error instanceof Error ? error.message : String(error) };
}
