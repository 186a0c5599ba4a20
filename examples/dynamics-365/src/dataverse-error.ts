import { odataError } from './odata.ts';

/**
 * What Dataverse said about a failed call or a failed request of a `$batch`, in its own terms.
 * `code` is the hex error code of the OData error body (`0x80040237`); a failure without one (a
 * gateway's page, an empty 401) gets `HTTP_<status>`.
 */
export interface DataverseFailure {
  httpStatus?: number;
  code: string;
  message: string;
  /** The `Retry-After` of a 429, ms (service protection limits always send one, in seconds). */
  retryAfterMs?: number;
}

/**
 * The code of a call refused 401 again with a freshly issued token: the credentials (the
 * application user), not the token's age, are the problem. A code of its own, because `classify`
 * must tell it from a plain 401 from the operator's view of the error alone (`describeError`).
 */
export const RENEWED_TOKEN_REFUSED = 'HTTP_401_RENEWED';

/** A whole call that failed (the session rejects with it); per-request failures are plain `DataverseFailure`s. */
export class DataverseError extends Error {
  override readonly name = 'DataverseError';
  readonly failure: DataverseFailure;

  constructor(failure: DataverseFailure) {
    super(`${failure.code}: ${failure.message}`);
    this.failure = failure;
  }
}

/** Longest message kept: error bodies may quote whole payloads. */
const MESSAGE_MAX = 500;

/**
 * Reads a Web API answer that is not a success: the OData error body's code and message, the
 * status, and a 429's `Retry-After` (seconds, or an HTTP date).
 */
export function failureOf(answer: { status: number; headers: Record<string, string>; body: string }, now: () => number = Date.now): DataverseFailure {
  const parsed = odataError(answer.body);
  const retryAfterMs = parseRetryAfter(answer.headers['retry-after'], now);
  const message = parsed?.message || (answer.body.trim().startsWith('<') ? '(an HTML page, not the Web API)' : answer.body.trim()) || `HTTP ${answer.status}`;
  return {
    httpStatus: answer.status,
    code: parsed?.code || `HTTP_${answer.status}`,
    message: message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX)}…` : message,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

/** `Retry-After` as ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: () => number = Date.now): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now());
}

/** The failure an error or a per-request result carries, or undefined for any other error. */
export function readFailure(error: unknown): DataverseFailure | undefined {
  if (error instanceof DataverseError) return error.failure;
  // A plain failure, or a DataverseError from another copy of this module (same shape).
  const candidate = (error as { failure?: unknown })?.failure ?? error;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const { code, message } = candidate as { code?: unknown; message?: unknown };
  return typeof code === 'string' && typeof message === 'string' && (code.startsWith('0x') || code.startsWith('HTTP_') || code === NOT_ANSWERED || code === UNREADABLE_ANSWER)
    ? candidate as DataverseFailure : undefined;
}

/** The code of a request the `$batch` answer had no response for (it was not carried out). */
export const NOT_ANSWERED = 'PARLEY_NOT_ANSWERED';

/**
 * The code of a `200` to a `$batch` whose body is not a batch answer (a proxy's page, a cut body):
 * the requests may have been carried out, but nothing says which.
 */
export const UNREADABLE_ANSWER = 'PARLEY_UNREADABLE_ANSWER';
