import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Eraser } from '../erasures/eraser.ts';
import { errors } from '../errors.ts';
import { ErrorBody } from '../http/error-body.ts';
import type { Store } from '../store/store.ts';
import { principalOf, type ApiKeyChecker } from './api-keys.ts';
import { idempotent } from './idempotency.ts';

const Destination = z.object({
  state: z.enum(['running', 'done', 'failed']).describe('failed: some deletes were refused for good (see GET /v1/dead-letters?stage=delivery)'),
  deleted: z.number().describe('records deleted (or found gone already)'),
  planned: z.number(), failed: z.number(), queued: z.number(),
  purge: z.enum(['hard', 'soft']).describe('hard: deleted for good (Salesforce: Bulk API 2.0 hardDelete, nothing left in the recycle bin); soft: this CRM keeps deleted records in its recycle bin'),
});

/** An erasure's audit record: no personal data. */
export const ErasureResource = z.object({
  id: z.string(),
  state: z.enum(['running', 'done']),
  personId: z.string().describe('Parley\'s opaque id of the person erased (the person is gone from Parley)'),
  requestedBy: z.string().describe('the name of the API key that asked'),
  requestedAt: z.string(), finishedAt: z.string().optional(),
  identities: z.number().describe('how many identities the person had'),
  destinations: z.record(z.string(), Destination),
  removed: z.object({ events: z.number(), deliveries: z.number(), deadLetters: z.number(), operations: z.number() }).describe('what was removed from Parley\'s own store (operations: whose data was blanked)'),
}).meta({ id: 'Erasure' });

/** `POST /v1/persons/:id/erase` (admin) and `GET /v1/erasures/:id` (read). */
export async function erasureRoutes(app: FastifyInstance, options: { store: Store; auth: ApiKeyChecker; now: () => Date; eraser: Eraser }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const errorsByStatus = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
  const tags = ['people'];

  api.post('/v1/persons/:id/erase', {
    onRequest: options.auth.require('admin'),
    schema: {
      summary: 'Erase a person everywhere (right to erasure)', tags, security: [{ bearer: [] }],
      description: 'In one step: the person\'s later deliveries are refused (salted hashes of their identities and post keys are kept, nothing readable), their events, deliveries, dead letters and the data of their operations leave Parley\'s store, their identities and person are forgotten, and a delete of every CRM record Parley wrote for them is queued; where the CRM offers it (Salesforce: Bulk API 2.0 hardDelete) the delete leaves nothing in its recycle bin. Answers 202 with the audit record; GET /v1/erasures/:id follows the deletes. Honours Idempotency-Key.',
      params: z.object({ id: z.string().min(1).max(200) }), body: z.object({}).strict().optional(),
      response: { 202: ErasureResource, ...errorsByStatus },
    },
  }, async (request, reply) => {
    const answer = await idempotent(options.store, options.now(), request, `erase:${request.params.id}`, async () => {
      const erasure = await options.eraser.erase(request.params.id, { requestedBy: principalOf(request)?.name ?? 'unknown' });
      if (!erasure) throw errors.API_ERASURE_PERSON_NOT_FOUND({ personId: request.params.id });
      return erasure;
    });
    return reply.code(202).send(answer);
  });

  api.get('/v1/erasures/:id', {
    onRequest: options.auth.require('read'),
    schema: {
      summary: 'An erasure\'s progress and audit', tags, security: [{ bearer: [] }],
      params: z.object({ id: z.string().min(1).max(100) }), response: { 200: ErasureResource, ...errorsByStatus },
    },
  }, async (request) => {
    const erasure = await options.store.erasures.get(request.params.id);
    if (!erasure) throw errors.API_ERASURE_NOT_FOUND({ id: request.params.id });
    return erasure;
  });
}
