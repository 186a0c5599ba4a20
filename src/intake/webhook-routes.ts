import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { z } from 'zod';
import type { ActiveSource } from '../connectors/registry.ts';
import { errors, type ParleyError } from '../errors.ts';
import { ErrorBody } from '../http/error-body.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Intake } from './intake-service.ts';
import { jsonSyntaxError } from './json-syntax.ts';

export interface WebhookRoutesOptions {
  sources: ActiveSource[];
  intake: Intake;
  metrics: Metrics;
  /** The clock signed timestamps are checked against (Standard Webhooks). */
  now: () => Date;
}

/** Most headers a source may keep with a delivery, and the longest value kept (bytes). */
const MAX_KEPT_HEADERS = 8;
const MAX_KEPT_HEADER_LENGTH = 1024;

/** The headers `names` asks to keep, first value each, cut to a bounded size; undefined when none is present. */
export function keptHeaders(headers: FastifyRequest['headers'], names: readonly string[] | undefined): Record<string, string> | undefined {
  if (!names || names.length === 0) return undefined;
  const kept: Record<string, string> = {};
  for (const name of names.slice(0, MAX_KEPT_HEADERS)) {
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (typeof value === 'string') kept[name] = value.slice(0, MAX_KEPT_HEADER_LENGTH);
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}

const Receipt = z.object({
  deliveryId: z.string().describe('Parley\'s id of the stored delivery; its events carry it as deliveryId'),
});
const SourceParams = z.object({ source: z.string() });

// Fastify judges a Content-Type before any parser or handler runs: one that does not parse as a media
// type ("garbage", an empty value) is 415 at once, before the signature could be checked. So a POST's
// header is set aside while its body is read (the catch-all parser then takes every body, with or
// without a Content-Type, as bytes) and put back as the handler starts. Keyed by the raw request,
// so nothing is left behind when a request ends early (413, a reset).
const setAside = new WeakMap<IncomingMessage, string>();
const setContentTypeAside: onRequestHookHandler = (request, _reply, done) => {
  const contentType = request.raw.headers['content-type'];
  // The networks' own type passes Fastify's check: left in place, the hot path pays nothing.
  if (contentType !== undefined && contentType !== 'application/json' && contentType !== 'application/json; charset=utf-8') {
    setAside.set(request.raw, contentType);
    delete request.raw.headers['content-type'];
  }
  done();
};
function putContentTypeBack(request: FastifyRequest): void {
  const contentType = setAside.get(request.raw);
  if (contentType !== undefined) request.raw.headers['content-type'] = contentType;
}

/**
 * `GET|POST /webhooks/:source`. The body reaches the handler as the exact bytes received (a
 * catch-all buffer parser, whatever the content type, even one that does not parse), because
 * signatures are computed over them. Order matters: signature first (401 even for a non-JSON body
 * or an unparsable Content-Type), then media type (415), then JSON (400).
 */
export async function webhookRoutes(app: FastifyInstance, options: WebhookRoutesOptions): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  for (const source of options.sources) {
    app.route({
      method: 'GET', url: `/webhooks/${source.id}`,
      schema: {
        summary: `${source.definition.displayName}: handshake`, tags: ['webhooks'],
        // Not z.record: @fastify/swagger would document a record's JSON-schema keywords as query parameters.
        querystring: (source.definition.handshakeQuery ?? z.object({})).catchall(z.string()),
        response: { 200: z.unknown(), 400: ErrorBody, 403: ErrorBody, 405: ErrorBody },
      },
      handler: (request, reply) => handshake(source, request, reply),
    });
    app.route({
      method: 'POST', url: `/webhooks/${source.id}`, bodyLimit: source.bodyLimitBytes,
      schema: {
        summary: `${source.definition.displayName}: a signed delivery`, tags: ['webhooks'],
        description: `${source.definition.description ? source.definition.description + '\n\n' : ''}Signed with \`${source.definition.signatureHeader}\` over the raw body. Answered 200 only once the delivery is durable.`,
        response: { 200: Receipt, 400: ErrorBody, 401: ErrorBody, 413: ErrorBody, 415: ErrorBody, 503: ErrorBody },
      },
      onRequest: setContentTypeAside,
      handler: (request, reply) => deliver(source, request, reply, options),
      // Refused while the body was read, before the handler: counted here.
      onError: (_request, _reply, error, done) => {
        if ((error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') options.metrics.intakeRejected.inc({ source: source.id, reason: 'body_too_large' });
        done();
      },
    });
  }

  // Any other source id: a clear 404 without reading the body.
  const unknown = async (request: FastifyRequest): Promise<never> => {
    const { source } = request.params as { source: string };
    options.metrics.intakeRejected.inc({ source: 'unknown', reason: 'unknown_source' });
    throw errors.INTAKE_UNKNOWN_SOURCE({ source });
  };
  app.route({
    method: ['GET', 'POST'], url: '/webhooks/:source', schema: { hide: true, params: SourceParams },
    onRequest: unknown, handler: unknown,
  });
}

function handshake(source: ActiveSource, request: FastifyRequest, reply: FastifyReply) {
  const answer = source.definition.handshake;
  if (!answer) throw errors.INTAKE_NO_HANDSHAKE({ source: source.id });
  const result = answer({ headers: request.headers, query: request.query as Record<string, string> }, source.config);
  if (!result.ok) {
    throw result.reason === 'refused' ? errors.INTAKE_HANDSHAKE_REFUSED({ reason: result.message }) : errors.INTAKE_BAD_HANDSHAKE({ reason: result.message });
  }
  reply.code(result.status ?? 200).type(result.contentType);
  return result.contentType === 'application/json' ? JSON.stringify(result.body) : result.body;
}

function reject(options: WebhookRoutesOptions, source: ActiveSource, reason: string, error: ParleyError): never {
  options.metrics.intakeRejected.inc({ source: source.id, reason });
  throw error;
}

async function deliver(source: ActiveSource, request: FastifyRequest, reply: FastifyReply, options: WebhookRoutesOptions) {
  putContentTypeBack(request);
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const { definition } = source;

  const receivedAt = options.now();
  const verdict = definition.verify({ headers: request.headers, rawBody: body, receivedAt }, source.config);
  if (!verdict.ok) {
    const header = verdict.header;
    const error = verdict.reason === 'missing' ? errors.INTAKE_MISSING_SIGNATURE({ header })
      : verdict.reason === 'malformed' ? errors.INTAKE_MALFORMED_SIGNATURE({ header }) : errors.INTAKE_BAD_SIGNATURE({ header });
    reject(options, source, verdict.reason === 'mismatch' ? 'bad_signature' : `${verdict.reason}_signature`, error);
  }

  const contentType = request.headers['content-type'] ?? '';
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (!definition.contentTypes.includes(mediaType)) {
    reject(options, source, 'unsupported_media_type', errors.INTAKE_UNSUPPORTED_MEDIA_TYPE({ contentType, expected: [...definition.contentTypes] }));
  }

  // Only checked here (the deriver parses it, off the hot path); JSON.parse runs on refusal alone,
  // for its message, and overrules the scanner should they ever disagree.
  if (jsonSyntaxError(body) >= 0) {
    const reason = body.length === 0 ? 'the body is empty' : jsonParseFailure(body);
    if (reason !== undefined) reject(options, source, 'invalid_json', errors.INTAKE_INVALID_JSON({ reason }));
  }

  const { deliveryId } = await options.intake.accept({ source: source.id, contentType, body, receivedAt, headers: keptHeaders(request.headers, definition.keptHeaders) });
  // A ready JSON string skips the schema serializer: this is the hottest route.
  reply.header('x-parley-delivery-id', deliveryId).type('application/json');
  return `{"deliveryId":"${deliveryId}"}`;
}

/** JSON.parse's complaint about `body`, or undefined when it parses after all. */
function jsonParseFailure(body: Buffer): string | undefined {
  try {
    JSON.parse(body.toString('utf8'));
    return undefined;
  } catch (cause) {
    return (cause as Error).message;
  }
}
