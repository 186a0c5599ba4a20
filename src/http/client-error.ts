import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { errors, type ParleyError } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { errorBody } from './error-body.ts';
import { UNMATCHED_ROUTE } from './request-log.ts';

/**
 * Answers what Node's HTTP parser refuses before any route sees it (a garbled request line or
 * header, a non-numeric Content-Length, headers over the size limit, a request that did not arrive
 * within `requestTimeoutMs`) with Parley's error body, then closes the socket, as Node would.
 * Plugged in as Fastify's `clientErrorHandler`; Fastify's default answers in its own shape.
 * One log line each (this one: no request log line follows, as no request was made of it), counted in
 * `parley_http_refused_total` and, once answered, in `parley_http_requests_total` under method
 * `unknown` (the request line may be what failed to parse).
 */
export function createClientErrorHandler(options: { requestTimeoutMs: number; logger: Logger; metrics: Metrics }): (error: NodeJS.ErrnoException, socket: Socket) => void {
  return (error, socket) => {
    // A reset connection has nobody left to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const parley = clientErrorOf(error, options.requestTimeoutMs);
    options.logger.info({ code: parley.code, parserCode: error.code }, 'client error');
    options.metrics.httpRefused.inc({ code: parley.code });
    if (socket.writable) {
      options.metrics.httpRequests.inc({ method: 'unknown', route: UNMATCHED_ROUTE, status: String(parley.status) });
      const body = JSON.stringify(errorBody(parley));
      socket.write(`HTTP/1.1 ${parley.status} ${STATUS_CODES[parley.status]}\r\nContent-Type: application/json; charset=utf-8\r\n`
        + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    }
    socket.destroy();
  };
}

/** The Parley error for a parser failure code (Node's `HPE_*` codes, llhttp). */
export function clientErrorOf(error: NodeJS.ErrnoException, requestTimeoutMs: number): ParleyError {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT': return errors.HTTP_TIMEOUT({ timeoutMs: requestTimeoutMs });
    case 'HPE_HEADER_OVERFLOW': return errors.HTTP_HEADERS_TOO_LARGE({});
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH': return errors.HTTP_BAD_REQUEST({ reason: 'the Content-Length header is invalid' });
    case 'HPE_INVALID_HEADER_TOKEN': return errors.HTTP_BAD_REQUEST({ reason: 'a header line is malformed' });
    case 'HPE_INVALID_METHOD': return errors.HTTP_BAD_REQUEST({ reason: 'the request method is not valid HTTP' });
    default: return errors.HTTP_BAD_REQUEST({ reason: 'the request is not valid HTTP/1.1' });
  }
}
