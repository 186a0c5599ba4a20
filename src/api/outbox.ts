import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../http/error-body.ts';
import type { Store } from '../store/store.ts';
import type { ApiKeyChecker } from './api-keys.ts';
import { PageQuery, decodeCursor, encodeCursor, pageOf } from './pagination.ts';

const OperationState = z.enum(['pending', 'waiting', 'leased', 'done', 'dead', 'superseded']);

/** An operation in the outbox: one CRM write planned from one event by one mapping. */
export const OperationResource = z.object({
  id: z.string(),
  eventId: z.string(),
  mappingId: z.string(),
  destination: z.string(),
  object: z.string(),
  operation: z.enum(['create', 'update', 'upsert', 'delete']),
  matchKey: z.string().optional(),
  matchValue: z.string().optional(),
  recordKey: z.string().optional(),
  orderingKey: z.string().describe('operations with the same key (one identity at one destination) are delivered in plan order'),
  fields: z.record(z.string(), z.unknown()),
  references: z.array(z.object({
    field: z.string(), object: z.string(), key: z.string().optional(), firstOfIdentity: z.boolean().optional(),
    match: z.array(z.object({ object: z.string(), field: z.string(), value: z.string() })).optional(),
    bind: z.enum(['wait', 'later']).describe('wait: held until the referenced record is written; later: written without it, the field set afterwards'),
  })),
  state: OperationState.describe('waiting: held back by something outside Parley\'s control (a persona whose person has not posted yet, see lastError), apart from pending so that pending not draining stays an alarm; superseded: an erasure came after it; it is never sent'),
  attempts: z.number(),
  nextAttemptAt: z.string(),
  crmId: z.string().optional(),
  lastError: z.record(z.string(), z.unknown()).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  resyncId: z.string().optional().describe('the resync job that queued it (GET /v1/resyncs/:id); absent for live traffic'),
  erasureId: z.string().optional().describe('the erasure that queued this delete (GET /v1/erasures/:id)'),
  mappingVersion: z.number().int().optional().describe('the version of the mapping that made it (GET /v1/mappings/:id/versions); absent when no stored version did'),
}).meta({ id: 'Operation' });

const OperationsQuery = z.object({ state: OperationState.optional(), destination: z.string().regex(/^[a-z][a-z0-9-]*$/).optional(), ...PageQuery }).strict();

/** `GET /v1/operations` and `GET /v1/outbox/stats` (scope `read`). */
export async function outboxRoutes(app: FastifyInstance, options: { store: Store; auth: ApiKeyChecker }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const auth = options.auth.require('read');
  const errorsByStatus = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

  api.get('/v1/operations', {
    onRequest: auth,
    schema: {
      summary: 'List outbox operations, in plan order', tags: ['outbox'], security: [{ bearer: [] }],
      querystring: OperationsQuery, response: { 200: pageOf(OperationResource), ...errorsByStatus },
    },
  }, async (request) => {
    const page = await options.store.listOperations({ state: request.query.state, destination: request.query.destination, limit: request.query.limit, after: decodeCursor('operations', request.query.cursor) });
    return { items: page.items, nextCursor: encodeCursor('operations', page.next) };
  });

  api.get('/v1/outbox/stats', {
    onRequest: auth,
    schema: {
      summary: 'Operations per destination and state', tags: ['outbox'], security: [{ bearer: [] }],
      response: { 200: z.object({ destinations: z.record(z.string(), z.record(z.string(), z.number()).describe('state → count')) }), ...errorsByStatus },
    },
  }, async () => {
    const destinations: Record<string, Record<string, number>> = {};
    for (const row of await options.store.countOperations()) (destinations[row.destination] ??= {})[row.state] = row.count;
    return { destinations };
  });
}
