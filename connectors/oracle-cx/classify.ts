/**
 * Every Oracle CX failure, read and classified in one place: the reference's "Error classification"
 * table (../shared/reference/oracle-cx.md, §3 and the table at its end), applied alike to a whole
 * call that failed and to one part of a batch (§4).
 */
import { answerExcerpt, classifyNonVendorFailure, isParleyError, parseObject, type ErrorClass, type OutboundResponse, type VendorError } from '../../src/connectors/index.ts';

/** A batch (or look-up) answer the connector could not read: the batch may have been carried out. */
export const UNREADABLE_ANSWER = 'UNREADABLE_ANSWER';

/** One entry of `o:errorDetails` (§3): Oracle's words, its code, the attribute path (`/SeverityCd`). */
export interface OracleErrorDetail {
  detail: string;
  code?: string;
  path?: string;
}

/** An Oracle failure: its code (`o:errorCode`, else `HTTP_<status>`), its words, the HTTP status, a `Retry-After` in ms, the details. */
export interface OracleFailure {
  code: string;
  message: string;
  httpStatus?: number;
  retryAfterMs?: number;
  errorDetails?: OracleErrorDetail[];
}

/** What the session throws for a call Oracle refused or answered unreadably. */
export class OracleError extends Error implements OracleFailure {
  readonly code: string;
  readonly httpStatus?: number;
  readonly retryAfterMs?: number;
  readonly errorDetails?: OracleErrorDetail[];

  constructor(failure: OracleFailure) {
    super(failure.message);
    this.name = 'OracleError';
    this.code = failure.code;
    if (failure.httpStatus !== undefined) this.httpStatus = failure.httpStatus;
    if (failure.retryAfterMs !== undefined) this.retryAfterMs = failure.retryAfterMs;
    if (failure.errorDetails !== undefined) this.errorDetails = failure.errorDetails;
  }
}

/** `Retry-After` as ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The failure an error document carries (§3): Oracle's ADF form `{"title","status","o:errorDetails":[{detail,o:errorCode,o:errorPath}]}`,
 * RFC 7807 members (`detail`, `title`, `o:errorCode`), or a batch part's `exception` (§4, the same members).
 * Undefined when `body` is none of these.
 */
export function readErrorDocument(body: Record<string, unknown>, fallbackStatus?: number): OracleFailure | undefined {
  const details: OracleErrorDetail[] = Array.isArray(body['o:errorDetails'])
    ? (body['o:errorDetails'] as unknown[]).flatMap((d) => {
      const item = asRecord(d);
      const detail = text(item?.detail) ?? text(item?.title);
      if (!item || detail === undefined) return [];
      const code = text(item['o:errorCode']), path = text(item['o:errorPath']);
      return [{ detail, ...(code ? { code } : {}), ...(path ? { path } : {}) }];
    })
    : [];
  const message = details.length > 0 ? details.map((d) => d.detail).join('; ') : text(body.detail) ?? text(body.title);
  if (message === undefined) return undefined;
  const status = Number(body.status ?? fallbackStatus);
  const httpStatus = Number.isInteger(status) && status > 0 ? status : fallbackStatus;
  const code = text(body['o:errorCode']) ?? details.find((d) => d.code)?.code ?? `HTTP_${httpStatus ?? 0}`;
  return { code, message, ...(httpStatus !== undefined ? { httpStatus } : {}), ...(details.length > 0 ? { errorDetails: details } : {}) };
}

/** A JSON value as an object, or undefined when it is not one (an array, a scalar, null). */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}

/**
 * The failure a whole answer carries. Oracle's default error body is plain text (§3: "connectors
 * must not assume JSON"); newer framework versions answer `application/vnd.oracle.adf.error+json`.
 * Both are read whatever the `Content-Type` says; an HTML page (a proxy's 502) is quoted briefly.
 */
export function failureOf(answer: Pick<OutboundResponse, 'status' | 'headers' | 'body'>): OracleFailure {
  const retryAfter = retryAfterMs(answer.headers['retry-after']);
  const json = parseObject(answer.body);
  const document = json ? readErrorDocument(json, answer.status) : undefined;
  const html = /html/i.test(answer.headers['content-type'] ?? '') || /^\s*</.test(answer.body);
  const message = document?.message
    ?? (html ? answerExcerpt(answer, []) : answer.body.trim().slice(0, 300))
    ?? '';
  return {
    ...(document ?? {}),
    code: document?.code ?? `HTTP_${answer.status}`,
    message: message || `HTTP ${answer.status}`,
    httpStatus: answer.status,
    ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
  };
}

/** The failure inside anything classify or describeError is handed: an OracleError, an OracleFailure, or the VendorError the kit built from one. */
function readFailure(error: unknown): OracleFailure | undefined {
  if (error instanceof OracleError) return error;
  if (typeof error !== 'object' || error === null || isParleyError(error) || error instanceof Error) return undefined;
  const e = error as Partial<OracleFailure>;
  if (typeof e.code !== 'string' || typeof e.message !== 'string') return undefined;
  return {
    code: e.code, message: e.message,
    ...(typeof e.httpStatus === 'number' ? { httpStatus: e.httpStatus } : {}),
    ...(typeof e.retryAfterMs === 'number' ? { retryAfterMs: e.retryAfterMs } : {}),
  };
}

/**
 * A 400 refusing a second record with the same natural key (§6.1: the unique index on network and
 * user id). Oracle gives no dedicated status; ADF's unique-key validation says so in its words
 * (JBO-25013 "Too many objects match the primary key", or a "duplicate"/"already exists" message) [inferred].
 */
function isDuplicate(failure: OracleFailure): boolean {
  return /JBO-25013|JBO-26048|duplicate|already exists|unique/i.test(`${failure.code} ${failure.message}`);
}

/**
 * Classifies an Oracle failure (reference, "Error classification"):
 * 400 → permanent/record (a duplicate natural key: permanent/data); 401, 403 → permanent/config;
 * 404 → permanent/record; 405, 406, 415 → permanent/bug (Parley sent what the API cannot take);
 * 412 → retryable (re-read, apply again); 429 → rate-limited for `Retry-After` or `rateLimitWaitMs`;
 * 500, 503 → retryable; 502, 504 → retryable with the outcome unknown (a gateway gave up on a request
 * the server may still carry out); an unreadable answer → retryable, outcome unknown; a lost
 * connection → as the SDK's outbound policy says (`classifyOutboundFailure`).
 */
export function classifyOracleError(error: unknown, rateLimitWaitMs: number): ErrorClass {
  const failure = readFailure(error);
  // Not Oracle's answer: the SDK's outbound policy, a refused token request, a bug (session.ts).
  if (!failure) return classifyNonVendorFailure(error);
  const status = failure.httpStatus;
  if (failure.code === UNREADABLE_ANSWER) return { kind: 'retryable', outcomeUnknown: true };
  if (status === 429) return { kind: 'rate-limited', retryAfterMs: failure.retryAfterMs ?? rateLimitWaitMs };
  if (status === 401 || status === 403) return { kind: 'permanent', scope: 'config' };
  if (status === 405 || status === 406 || status === 415) return { kind: 'permanent', scope: 'bug' };
  if (status === 412 || status === 408) return { kind: 'retryable' };
  if (status === 502 || status === 504) return { kind: 'retryable', outcomeUnknown: true };
  if (status === undefined || status >= 500) return { kind: 'retryable' };
  if (status === 400 && isDuplicate(failure)) return { kind: 'permanent', scope: 'data' };
  return { kind: 'permanent', scope: 'record' };
}

/** Oracle's own words for a failure: `{ code: 'HTTP_400', message: 'Attribute SeverityCd has an invalid value.', fields: ['SeverityCd'], httpStatus: 400 }`. */
export function describeOracleError(error: unknown): VendorError {
  const failure = readFailure(error);
  if (failure) {
    // The attributes named: the error paths of its details, or the `fields` of a VendorError the kit kept.
    const details = (error as OracleFailure).errorDetails ?? [];
    const kept = (error as VendorError).fields ?? [];
    const fields = [...new Set([...details.flatMap((d) => (d.path ? [d.path.replace(/^\//, '')] : [])), ...kept])];
    return { code: failure.code, message: failure.message, ...(fields.length > 0 ? { fields } : {}), ...(failure.httpStatus !== undefined ? { httpStatus: failure.httpStatus } : {}) };
  }
  if (isParleyError(error)) return { code: error.code, message: error.message };
  return { code: 'UNKNOWN', message: error instanceof Error ? error.message : String(error) };
}
