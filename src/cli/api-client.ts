import { ParleyError, errors } from '../errors.ts';
import type { CliIo } from './io.ts';

/** An HTTP method the ops API uses. */
export type ApiMethod = 'GET' | 'POST' | 'DELETE';

/** One call to the ops API. `path` is below the base URL (`/v1/resyncs`); `query` values left undefined are not sent. */
export interface ApiRequest {
  method: ApiMethod;
  path: string;
  query?: Record<string, string | number | undefined>;
  /** Sent as JSON (`Content-Type: application/json`). */
  body?: unknown;
  /** Extra headers, such as `Idempotency-Key`. */
  headers?: Record<string, string>;
}

/** A successful answer: its status and its parsed JSON body (`undefined` for an empty body, as a 204 has). */
export interface ApiResponse { status: number; body: unknown }

/** Calls the ops API. */
export interface ApiClient {
  /** The base URL, for messages. */
  readonly baseUrl: string;
  /**
   * Sends one request and parses the JSON answer.
   * @throws ParleyError with the API's own `code`, `message` and `details` when it answers
   *   `{ error: { code, message, details } }`; PARLEY_CLI_UNREACHABLE when it cannot be reached
   *   (refused, DNS, timeout); PARLEY_CLI_BAD_RESPONSE when the answer is not the API's JSON.
   */
  request(request: ApiRequest): Promise<ApiResponse>;
}

// Long enough for a slow list on a loaded instance, short enough that a dead proxy does not hang a
// script: every route the CLI calls answers at once (resyncs and erasures run in the background).
const TIMEOUT_MS = 30_000;

/**
 * A client for the ops API at `baseUrl`, sending `Authorization: Bearer <apiKey>` when a key is
 * given (ARCHITECTURE.md, Fixed interfaces: bearer API keys). The key is never part of a message.
 */
export function createApiClient(options: { baseUrl: string; apiKey?: string | undefined; fetch: CliIo['fetch']; timeoutMs?: number }): ApiClient {
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  const shown = displayUrl(options.baseUrl);
  return {
    baseUrl: shown,
    async request(request) {
      const url = new URL(request.path.replace(/^\//, ''), base);
      for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
      const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
      if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      let answer: Response;
      try {
        answer = await options.fetch(url, {
          method: request.method, headers, redirect: 'manual',
          ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw errors.CLI_UNREACHABLE({ url: shown, reason: networkReason(error, timeoutMs) }, { cause: error });
      }
      const text = await answer.text().catch(() => '');
      const body = parseJson(text);
      if (answer.ok) {
        if (body === INVALID) throw errors.CLI_BAD_RESPONSE({ url: shown, status: answer.status, reason: 'the body is not JSON' });
        return { status: answer.status, body };
      }
      const apiError = errorOf(body);
      if (apiError) throw new ParleyError(apiError.code, answer.status, apiError.message, apiError.details);
      // A redirect is never followed: it could carry the key elsewhere (ARCHITECTURE.md, Outbound calls).
      const reason = answer.status >= 300 && answer.status < 400
        ? `a redirect to ${answer.headers.get('location') ?? '(no location)'}; use that URL as --url if it is Parley's`
        : `${answer.statusText || 'no'} error body of the API`;
      throw errors.CLI_BAD_RESPONSE({ url: shown, status: answer.status, reason });
    },
  };
}

const INVALID = Symbol('invalid JSON');

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try { return JSON.parse(text) as unknown; } catch { return INVALID; }
}

/** The API's error body `{ error: { code, message, details } }`, or undefined when the body is not one. */
function errorOf(body: unknown): { code: string; message: string; details: Record<string, unknown> } | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const error = (body as { error?: unknown }).error;
  if (!error || typeof error !== 'object') return undefined;
  const { code, message, details } = error as Record<string, unknown>;
  if (typeof code !== 'string' || typeof message !== 'string') return undefined;
  return { code, message, details: details && typeof details === 'object' && !Array.isArray(details) ? details as Record<string, unknown> : {} };
}

/** Why fetch failed, as the system says it (`ECONNREFUSED`, `ENOTFOUND`), without the URL's credentials or the key. */
function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs / 1000} s`;
  // undici's fetch rejects with TypeError('fetch failed'); the system's code is on its cause (or the cause's errors, for a host with several addresses).
  const cause = (error as { cause?: { code?: unknown; errors?: Array<{ code?: unknown }>; message?: unknown } } | undefined)?.cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  if (typeof code === 'string') return code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** `url` without a user name or password, for messages. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.href.replace(/\/$/, '');
  } catch {
    return url;
  }
}
