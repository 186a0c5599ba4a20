/**
 * Oracle's error answers (../shared/reference/oracle-cx.md §3): plain text by default, or
 * `application/vnd.oracle.adf.error+json` (`title`, `status`, `o:errorDetails[]`) when the request
 * pins a newer framework version or asks for it in `Accept`, switchable by config `jsonErrors`.
 * Every refusal inside the sandbox is an `OracleCxError`; the routes and the batch render it.
 */
import type { OracleCxSandboxConfig } from './config.ts';

/** The JSON error media type (§3). */
export const ERROR_JSON = 'application/vnd.oracle.adf.error+json';

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 412: 'Precondition Failed', 413: 'Request Entity Too Large', 415: 'Unsupported Media Type',
  429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

/** The reason phrase of a status, as `title` carries it. */
export const titleOf = (status: number): string => TITLES[status] ?? 'Error';

/**
 * A refusal: HTTP `status`, the human `detail` (the whole plain-text body), an ADF-style
 * `errorCode` (JBO-… for attribute validation; codes are [inferred]) and the attribute's
 * `path` (`/SeverityCd`) when one attribute is to blame. `headers` go on the answer (`Allow`, `Retry-After`).
 */
export class OracleCxError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly path: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  constructor(status: number, detail: string, options: { errorCode?: string; path?: string; headers?: Record<string, string> } = {}) {
    super(detail);
    this.name = 'OracleCxError';
    this.status = status;
    this.errorCode = options.errorCode ?? `HTTP-${status}`;
    this.path = options.path;
    this.headers = options.headers ?? {};
  }
}

/** Whether an answer's errors are JSON: config `jsonErrors`, else framework version ≥ `jsonErrorsFromVersion` or an Accept naming ERROR_JSON. */
export function wantsJsonErrors(config: Pick<OracleCxSandboxConfig, 'jsonErrors' | 'jsonErrorsFromVersion'>, version: number, accept: string | undefined): boolean {
  if (config.jsonErrors !== 'by-version') return config.jsonErrors === 'always';
  return version >= config.jsonErrorsFromVersion || (accept ?? '').toLowerCase().includes(ERROR_JSON);
}

/** The JSON error document of an error (§3 shape). */
export function errorDocument(error: OracleCxError): Record<string, unknown> {
  const detail: Record<string, unknown> = { detail: error.message, 'o:errorCode': error.errorCode };
  if (error.path) detail['o:errorPath'] = error.path;
  return { title: titleOf(error.status), status: String(error.status), 'o:errorDetails': [detail] };
}

/** An error as an answer: status, headers (content type included) and body text. */
export function renderError(error: OracleCxError, json: boolean): { status: number; headers: Record<string, string>; body: string } {
  if (json) return { status: error.status, headers: { ...error.headers, 'content-type': ERROR_JSON }, body: JSON.stringify(errorDocument(error)) };
  return { status: error.status, headers: { ...error.headers, 'content-type': 'text/plain; charset=utf-8' }, body: error.message };
}

/**
 * The REST-Framework-Version of a request (§1): absent → 1; anything but an integer 1–9 → 400.
 * @throws OracleCxError 400
 */
export function frameworkVersion(header: string | string[] | undefined): number {
  if (header === undefined) return 1;
  const text = (Array.isArray(header) ? header[0] ?? '' : header).trim();
  if (!/^[1-9]$/.test(text)) {
    throw new OracleCxError(400, `The REST-Framework-Version ${text} is not supported. Use a version from 1 to 9.`, { errorCode: 'OAS-FRAMEWORK-VERSION' });
  }
  return Number(text);
}
