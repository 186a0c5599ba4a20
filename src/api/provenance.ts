import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../http/error-body.ts';
import type { RecordRef } from '../store/provenance-store.ts';
import type { Store } from '../store/store.ts';
import type { ApiKeyChecker } from './api-keys.ts';
import { DEFAULT_LIMIT, MAX_LIMIT } from './pagination.ts';

/** One operation that wrote a CRM record: where its data came from and what made it. */
export const ProvenanceResource = z.object({
  operationId: z.string().describe('GET /v1/operations lists it'),
  eventId: z.string().describe('the canonical event it was planned from (GET /v1/events/:id, while retention keeps it)'),
  source: z.string().optional().describe('the source that delivered the event; absent once retention deleted the event'),
  mappingId: z.string(),
  mappingVersion: z.number().int().optional().describe('the version of the mapping that made it (GET /v1/mappings/:id/versions)'),
  object: z.string(),
  operation: z.enum(['create', 'update', 'upsert', 'delete']),
  state: z.enum(['pending', 'waiting', 'leased', 'done', 'dead', 'superseded']),
  recordKey: z.string().optional(),
  crmId: z.string().optional(),
  resyncId: z.string().optional().describe('the resync job that queued it'),
  erasureId: z.string().optional().describe('the erasure that queued it'),
  createdAt: z.string().describe('when it was planned'),
  updatedAt: z.string(),
}).meta({ id: 'Provenance' });

const Id = z.string().min(1).max(300);
const RecordsQuery = z.object({
  destination: z.string().regex(/^[a-z][a-z0-9-]*$/).describe('the destination\'s name in the config'),
  crmId: Id.optional().describe('the record\'s id in the CRM'),
  object: Id.optional().describe('with recordKey: the record\'s object (SocialPost)'),
  recordKey: Id.optional().describe('with object: the record\'s key among Parley\'s links (a post\'s `x:<id>`)'),
  limit: z.string().regex(/^\d+$/, 'a whole number from 1 to 500').optional()
    .transform((v) => (v === undefined ? DEFAULT_LIMIT : Math.min(Number(v), MAX_LIMIT)))
    .refine((n) => n >= 1, 'a whole number from 1 to 500').describe('most operations answered, 1–500 (default 100)'),
}).strict().refine((q) => (q.crmId !== undefined) !== (q.object !== undefined && q.recordKey !== undefined) && (q.object === undefined) === (q.recordKey === undefined),
  { message: 'name the record by crmId, or by object and recordKey (not both)', path: ['crmId'] });

/**
 * `GET /v1/records?destination=&crmId=` (or `&object=&recordKey=`), scope `read`: a CRM record's
 * provenance, every operation that wrote it or is queued to, newest first. An empty list: Parley
 * has no record of writing it.
 */
export async function provenanceRoutes(app: FastifyInstance, options: { store: Store; auth: ApiKeyChecker }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/v1/records', {
    onRequest: options.auth.require('read'),
    schema: {
      summary: 'A CRM record\'s provenance: the operations that wrote it', tags: ['outbox'], security: [{ bearer: [] }],
      description: 'Each operation names its source, event, mapping and mapping version, state and times, newest first.',
      querystring: RecordsQuery,
      response: {
        200: z.object({
          destination: z.string(), crmId: z.string().optional(), object: z.string().optional(), recordKey: z.string().optional(),
          operations: z.array(ProvenanceResource),
        }),
        400: ErrorBody, 401: ErrorBody, 403: ErrorBody,
      },
    },
  }, async (request) => {
    const { destination, crmId, object, recordKey, limit } = request.query;
    const record: RecordRef = crmId !== undefined ? { destination, crmId } : { destination, object: object!, recordKey: recordKey! };
    const operations = await options.store.provenance.ofRecord(record, { limit });
    return { ...record, operations };
  });
}
