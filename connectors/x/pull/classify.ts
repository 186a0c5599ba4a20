import { isPullHttpError, type ErrorClass } from '../../../src/connectors/index.ts';

/**
 * How a failed X API v2 call is handled (docs.x.com/x-api/fundamentals/response-codes-and-errors):
 * 429 is the rate limit or the usage cap — wait for the window's reset, which the kit reads from
 * `x-rate-limit-reset`; 5xx "wait and retry"; 401/403 are the credentials or the app's access
 * (config); 404 is a path X does not serve, i.e. a wrong `apiUrl` (config); other 4xx are requests
 * Parley should not have sent (bug). Anything without an answer (a dropped connection) is retryable.
 */
export function classifyXPull(error: unknown): ErrorClass {
  if (!isPullHttpError(error)) return { kind: 'retryable' };
  const { status } = error;
  if (status === 429) return { kind: 'rate-limited', retryAfterMs: 0 };
  if (status >= 500 || status === 408) return { kind: 'retryable' };
  if (status === 401 || status === 403 || status === 404) return { kind: 'permanent', scope: 'config' };
  return { kind: 'permanent', scope: 'bug' };
}
