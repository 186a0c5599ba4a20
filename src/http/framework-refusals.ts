import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { errors, type ParleyError } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { errorBody } from './error-body.ts';
import { UNMATCHED_ROUTE, type RequestRecorder } from './request-log.ts';

/**
 * The refusals Node's HTTP server and Fastify's router make before any route runs, and answer in
 * their own shape (an empty 417, an empty 400, `{ "code": "FST_ERR_BAD_URL", … }`) unless told
 * otherwise. Each is answered here with Parley's error body, logged in one line and counted:
 * `parley_http_refused_total` by code, `parley_http_requests_total` by status. What Node's parser
 * refuses is in client-error.ts; what Fastify refuses while reading a body, in error-handler.ts.
 */

/** Fastify's `maxParamLength` (its default), set explicitly so the error can name it. */
export const MAX_PARAM_LENGTH = 100;

/** What the refusals answered outside Fastify's request lifecycle log and count with. */
export interface RefusalContext {
  metrics: Metrics;
  /** The request log's recorder, so these answers have the same log line and counters as any other. */
  record: RequestRecorder;
}

type FrameworkErrors = NonNullable<FastifyServerOptions['frameworkErrors']>;

/** The Parley error for a URL Fastify's router refused. */
export function routerErrorOf(error: FastifyError, reqId: string): ParleyError {
  switch (error.code) {
    case 'FST_ERR_BAD_URL': return errors.HTTP_BAD_URL({});
    case 'FST_ERR_MAX_PARAM_LENGTH': return errors.HTTP_URL_TOO_LONG({ maxParamLength: MAX_PARAM_LENGTH });
    // Only an async route constraint fails this way, and Parley has none: a bug if it ever shows.
    default: return errors.INTERNAL({ reqId });
  }
}

/**
 * Fastify's `frameworkErrors` option: a path whose `%` sequences do not decode, or a route parameter
 * over `maxParamLength`. Fastify calls it with a request and reply that have no hooks (no route was
 * found), so the request log would not see them: they are logged and counted here.
 */
export function createRouterErrorHandler(context: RefusalContext): FrameworkErrors {
  const handle = (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const parley = routerErrorOf(error, String(request.id));
    if (parley.status >= 500) request.log.error({ err: error, code: parley.code }, 'request failed');
    else context.metrics.httpRefused.inc({ code: parley.code });
    reply.code(parley.status).type('application/json; charset=utf-8').send(JSON.stringify(errorBody(parley)));
    context.record(request.log as Logger, {
      method: request.method, url: request.url, route: UNMATCHED_ROUTE, status: parley.status, ms: reply.elapsedTime, code: parley.code,
    });
  };
  // The option is generic over route types, which a handler of routes that do not exist has no use for.
  return handle as FrameworkErrors;
}

/**
 * A listener for Node's `checkExpectation` event: an `Expect` header other than `100-continue`.
 * Without a listener Node answers an empty 417. The connection is closed after the answer, as the
 * body the client holds back is never read. `100-continue` itself is not affected.
 */
export function createExpectationHandler(context: RefusalContext & { logger: Logger }): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const started = performance.now();
    const parley = errors.HTTP_EXPECTATION_FAILED({});
    context.metrics.httpRefused.inc({ code: parley.code });
    const body = JSON.stringify(errorBody(parley));
    response.writeHead(parley.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
    response.end(body);
    context.record(context.logger, {
      method: request.method ?? 'unknown', url: request.url ?? '', route: UNMATCHED_ROUTE, status: parley.status, ms: performance.now() - started, code: parley.code,
    });
  };
}

/**
 * Two refusals made in the first `onRequest` hook instead of by Node or Fastify, which would answer
 * them in their own shape (server.ts turns theirs off with `requireHostHeader: false` and
 * `return503OnClosing: false`): an HTTP/1.1 request without `Host` (RFC 9112 §3.2), and a request
 * arriving on a kept-alive connection once the server is closing (Fastify still answers it with
 * `Connection: close`). Answered by the hook, they are in the request log like any other answer.
 * Install before any other `onRequest` hook, so that they come first (before API key checks).
 */
export function installEarlyRefusals(app: FastifyInstance, metrics: Metrics): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw;
    const refusal = closing ? errors.HTTP_SHUTTING_DOWN({})
      : raw.headers.host === undefined && raw.httpVersionMajor === 1 && raw.httpVersionMinor === 1 ? errors.HTTP_HOST_REQUIRED({})
        : undefined;
    if (refusal) {
      metrics.httpRefused.inc({ code: refusal.code });
      // Answered here, not thrown: the error handler logs a 5xx with its stack as a failure of ours,
      // and a shutdown is none. Not calling done() ends the request here.
      reply.parleyErrorCode = refusal.code;
      void reply.code(refusal.status).type('application/json; charset=utf-8').send(errorBody(refusal));
      return;
    }
    done();
  });
}
