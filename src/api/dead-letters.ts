import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errors } from '../errors.ts';
import { ErrorBody } from '../http/error-body.ts';
import type { Store } from '../store/store.ts';
import type { ApiKeyChecker } from './api-keys.ts';
import { PageQuery, decodeCursor, encodeCursor, pageOf } from './pagination.ts';

/** A kept failure: a verified delivery that could not be parsed (`intake`), or an event a mapping could not turn into an operation (`mapping`). */
export const DeadLetterResource = z.object({
  id: z.string(),
  stage: z.enum(['intake', 'mapping']).describe('intake: the delivery could not be parsed; mapping: a mapping failed on one of its events'),
  source: z.string(),
  deliveryId: z.string(),
  reasonCode: z.string().describe('PAYLOAD_INVALID (the source parser refused it), PARSER_FAILED, or MAPPING_FAILED (details name the mapping, event and field)'),
  reason: z.string(),
  details: z.record(z.string(), z.unknown()),
  contentType: z.string(),
  body: z.string().describe('the delivery body as received (UTF-8)'),
  createdAt: z.string(),
}).meta({ id: 'DeadLetter' });

const DeadLettersQuery = z.object({ source: z.string().regex(/^[a-z][a-z0-9-]*$/).optional(), ...PageQuery }).strict();

/** `GET /v1/dead-letters`, `GET /v1/dead-letters/:id` (scope `read`: bodies hold personal data, but ops staff need them). */
export async function deadLetterRoutes(app: FastifyInstance, options: { store: Store; auth: ApiKeyChecker }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const auth = options.auth.require('read');
  const errorsByStatus = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

  api.get('/v1/dead-letters', {
    preHandler: auth,
    schema: {
      summary: 'List dead letters, oldest first', tags: ['dead letters'], security: [{ bearer: [] }],
      querystring: DeadLettersQuery, response: { 200: pageOf(DeadLetterResource), ...errorsByStatus },
    },
  }, async (request) => {
    const page = await options.store.listDeadLetters({ source: request.query.source, limit: request.query.limit, after: decodeCursor('dead-letters', request.query.cursor) });
    return { items: page.items, nextCursor: encodeCursor('dead-letters', page.next) };
  });

  api.get('/v1/dead-letters/:id', {
    preHandler: auth,
    schema: {
      summary: 'One dead letter with its reason and body', tags: ['dead letters'], security: [{ bearer: [] }],
      params: z.object({ id: z.string().max(100) }), response: { 200: DeadLetterResource, 404: ErrorBody, ...errorsByStatus },
    },
  }, async (request) => {
    const letter = await options.store.getDeadLetter(request.params.id);
    if (!letter) throw errors.API_DEAD_LETTER_NOT_FOUND({ id: request.params.id });
    return letter;
  });
}
