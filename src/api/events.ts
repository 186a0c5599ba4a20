import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errors } from '../errors.ts';
import { ErrorBody } from '../http/error-body.ts';
import { CanonicalData, EventKind } from '../model/index.ts';
import type { Deriver } from '../intake/deriver.ts';
import type { Store } from '../store/store.ts';
import type { ApiKeyChecker } from './api-keys.ts';
import { PageQuery, decodeCursor, encodeCursor, pageOf } from './pagination.ts';

/** An event as the API shows it; never the delivery's signature or raw body. */
export const EventResource = z.object({
  id: z.string(),
  source: z.string(),
  kind: EventKind,
  key: z.string().describe('dedup key within the source, e.g. tweet:1065035365336141825'),
  deliveryId: z.string().describe('the webhook delivery that carried it'),
  receivedAt: z.string().describe('when Parley committed it (ISO-8601)'),
  data: CanonicalData,
}).meta({ id: 'Event' });

const EventsQuery = z.object({
  source: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a source id such as "x"').optional(),
  kind: EventKind.optional(),
  since: z.iso.datetime({ offset: true, error: 'an ISO-8601 instant with Z or an offset, e.g. 2026-11-30T00:00:00Z' }).optional().describe('only events received at or after this ISO-8601 instant'),
  ...PageQuery,
}).strict();

/** `GET /v1/events`, `GET /v1/events/:id` (scope `read`). */
/** Longest a list waits for stored deliveries to be derived before answering with what there is, ms. */
const CATCH_UP_MS = 10_000;

export async function eventRoutes(app: FastifyInstance, options: { store: Store; deriver: Deriver; auth: ApiKeyChecker }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const auth = options.auth.require('read');
  const errorsByStatus = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

  api.get('/v1/events', {
    onRequest: auth,
    schema: {
      summary: 'List canonical events, oldest first', tags: ['events'], security: [{ bearer: [] }],
      description: 'Every delivery answered 200 before this request is derived first (up to 10 s; past that the list is answered as it is, with the header `x-parley-derivation-behind: true`).',
      querystring: EventsQuery, response: { 200: pageOf(EventResource), ...errorsByStatus },
    },
  }, async (request, reply) => {
    // Read-your-writes: every delivery answered 200 before this request shows up in the list.
    if (!(await options.deriver.catchUp(CATCH_UP_MS))) reply.header('x-parley-derivation-behind', 'true');
    const q = request.query;
    const page = await options.store.listEvents({
      source: q.source, kind: q.kind, since: q.since ? new Date(q.since) : undefined, limit: q.limit, after: decodeCursor('events', q.cursor),
    });
    return { items: page.items, nextCursor: encodeCursor('events', page.next) };
  });

  api.get('/v1/events/:id', {
    onRequest: auth,
    schema: {
      summary: 'One canonical event and its delivery id', tags: ['events'], security: [{ bearer: [] }],
      params: z.object({ id: z.string().max(100) }), response: { 200: EventResource, 404: ErrorBody, ...errorsByStatus },
    },
  }, async (request) => {
    await options.deriver.catchUp(CATCH_UP_MS);
    const event = await options.store.getEvent(request.params.id);
    if (!event) throw errors.API_EVENT_NOT_FOUND({ id: request.params.id });
    return event;
  });
}
