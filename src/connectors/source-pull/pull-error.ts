/**
 * A non-2xx answer of a pull's call, as the connector's `classify` sees it: status, headers and the
 * body (parsed JSON when it is JSON, else the text). Recognised by brand (`isPullHttpError`), never by
 * `instanceof`: a plugin may bundle its own copy of the SDK.
 */
const PULL_HTTP_ERROR_BRAND: unique symbol = Symbol.for('parley.pull-http-error') as never;

export class PullHttpError extends Error {
  readonly [PULL_HTTP_ERROR_BRAND] = true;
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  readonly body: unknown;
  constructor(status: number, headers: Readonly<Record<string, string>>, body: unknown) {
    super(`the API answered HTTP ${status}`);
    this.name = 'PullHttpError';
    this.status = status;
    this.headers = headers;
    this.body = body;
  }
}

/** True for a PullHttpError from any copy of the SDK. */
export function isPullHttpError(value: unknown): value is PullHttpError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PULL_HTTP_ERROR_BRAND] === true;
}
