import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { errors, isParleyError, type ParleyError } from '../errors.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { errorBody } from './error-body.ts';

declare module 'fastify' {
  interface FastifyReply {
    /** The error code this reply carries, for the request log line. */
    parleyErrorCode: string | null;
  }
}

/** Fastify's own failures, as Parley errors. Anything not listed and below 500 is a generic 400. */
function fromFastify(error: FastifyError, context: { bodyLimit: number; requestTimeoutMs: number; contentType: string }): ParleyError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return errors.INTAKE_BODY_TOO_LARGE({ limitBytes: context.bodyLimit });
    // Never a webhook's: those routes read every body as bytes and judge its media type after the signature.
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return errors.HTTP_UNSUPPORTED_MEDIA_TYPE({ contentType: context.contentType, expected: ['application/json'] });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return errors.HTTP_BAD_REQUEST({ reason: 'the JSON body is empty' });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': return errors.HTTP_BAD_REQUEST({ reason: 'Content-Length does not match the body' });
    case 'FST_ERR_REQUEST_TIMEOUT': return errors.HTTP_TIMEOUT({ timeoutMs: context.requestTimeoutMs });
    default: return undefined;
  }
}

/**
 * Renders every failure as the one error body. 4xx are the client's: they show in the request's log
 * line with their code. 5xx are ours: logged here, once, with the error (never the request body).
 * Fastify's own refusals (the body's media type, size or syntax) are also counted by code in
 * `parley_http_refused_total`, with those made before routing (http/framework-refusals.ts).
 */
export function installErrorHandler(app: FastifyInstance, options: { requestTimeoutMs: number; metrics: Metrics }): void {
  app.decorateReply('parleyErrorCode', null);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    let parley: ParleyError;
    if (isParleyError(error)) parley = error;
    // No route matched, but Fastify read the body first and refused it (bad JSON, too large): the
    // answer that matters is still that there is no such route.
    else if (request.is404) parley = errors.HTTP_NOT_FOUND({ method: request.method, url: request.url.split('?')[0]! });
    else if (hasZodFastifySchemaValidationErrors(error)) {
      parley = errors.API_INVALID_REQUEST({
        issues: error.validation.map((v) => ({
          key: [error.validationContext, ...String(v.instancePath).split('/').filter(Boolean)].join('.'),
          problem: v.message ?? 'invalid',
        })),
      });
    } else {
      const known = fromFastify(error, {
        bodyLimit: request.routeOptions.bodyLimit ?? 0, requestTimeoutMs: options.requestTimeoutMs, contentType: request.headers['content-type'] ?? '',
      });
      if (known) parley = known;
      else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
        parley = errors.HTTP_BAD_REQUEST({ reason: error.message });
      } else {
        parley = errors.INTERNAL({ reqId: String(request.id) });
      }
      if (parley.status < 500 && typeof error.code === 'string' && error.code.startsWith('FST_')) options.metrics.httpRefused.inc({ code: parley.code });
    }
    if (parley.status >= 500) request.log.error({ err: error, code: parley.code }, 'request failed');
    reply.parleyErrorCode = parley.code;
    return reply.code(parley.status).type('application/json').send(errorBody(parley));
  });

  app.setNotFoundHandler((request, reply) => {
    const error = errors.HTTP_NOT_FOUND({ method: request.method, url: request.url.split('?')[0]! });
    reply.parleyErrorCode = error.code;
    return reply.code(404).send(errorBody(error));
  });
}
