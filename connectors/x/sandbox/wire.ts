/**
 * X API v2's error bodies and rate-limit headers, as the sandbox answers them.
 * Sources: docs.x.com/x-api/fundamentals/response-codes-and-errors ("Error response format": an
 * RFC 7807-style `{title, detail, type}`; `about:blank` for a generic error; partial errors in a 200's
 * `errors` array) and docs.x.com/x-api/fundamentals/rate-limits (the `x-rate-limit-*` headers, the
 * 429 body `{"errors":[{"code":88,"message":"Rate limit exceeded"}]}`).
 */
import type { FastifyReply } from 'fastify';

const PROBLEMS = 'https://api.x.com/2/problems';

/** The three rate-limit headers: the window's limit, what is left, its reset in epoch seconds. */
export function rateLimitHeaders(window: { limit: number; remaining: number; resetAt: number }): Record<string, string> {
  return {
    'x-rate-limit-limit': String(window.limit),
    'x-rate-limit-remaining': String(window.remaining),
    'x-rate-limit-reset': String(Math.ceil(window.resetAt / 1000)),
  };
}

/** 401 for a missing or unknown bearer token ("Invalid or missing authentication credentials"). */
export const UNAUTHORIZED = { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' };

/** 429 when the endpoint's window is spent, as the rate-limits page prints it. */
export const RATE_LIMITED = { errors: [{ code: 88, message: 'Rate limit exceeded' }] };

/** 429 when the usage cap is spent (error type `usage-capped`). */
export const USAGE_CAPPED_BODY = { title: 'UsageCapExceeded', type: `${PROBLEMS}/usage-capped`, period: 'Monthly', scope: 'Product', detail: 'Usage cap exceeded: Monthly product cap' };

/** 404 for a path X does not serve (`resource-not-found`). */
export function notFoundRoute(path: string) {
  return { title: 'Not Found Error', type: `${PROBLEMS}/resource-not-found`, status: 404, detail: `The requested resource ${path} could not be found.` };
}

/** A 200's `errors` entry for a user that does not exist ("Partial errors": `resource-not-found`). */
export function userNotFound(parameter: 'id' | 'username', value: string) {
  return {
    value, detail: `Could not find user with ${parameter}: [${value}].`, title: 'Not Found Error', resource_type: 'user',
    parameter, resource_id: value, type: `${PROBLEMS}/resource-not-found`,
  };
}

/** 400 for query parameters X refuses (`invalid-request`), one `errors` entry per parameter. */
export function invalidRequest(problems: Array<{ parameter: string; value: string; message: string }>) {
  return {
    errors: problems.map((p) => ({ parameters: { [p.parameter]: [p.value] }, message: p.message })),
    title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: `${PROBLEMS}/invalid-request`,
  };
}

/** A fault's answer: X's generic problem for that status, or a proxy's HTML page for `nonJson`. */
export function faultBody(status: number, message: string, nonJson: boolean): { type: string; body: string } {
  if (nonJson) return { type: 'text/html', body: `<html><body><h1>${status} ${message}</h1></body></html>` };
  return { type: 'application/json; charset=utf-8', body: JSON.stringify({ title: message, type: 'about:blank', status, detail: message }) };
}

/** Sends JSON with the given status and headers. */
export function sendJson(reply: FastifyReply, status: number, body: unknown, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(status).headers(headers).type('application/json; charset=utf-8').send(JSON.stringify(body));
}
