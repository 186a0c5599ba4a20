import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errors } from '../errors.ts';
import { ErrorBody } from '../http/error-body.ts';
import { IdentityKey, Network } from '../model/common.ts';
import { resyncView } from '../resyncs/progress.ts';
import type { ResyncScope } from '../store/resync-store.ts';
import type { Store } from '../store/store.ts';
import { principalOf, type ApiKeyChecker } from './api-keys.ts';
import { idempotent } from './idempotency.ts';
import { PageQuery, decodeCursor, encodeCursor, pageOf } from './pagination.ts';

const Instant = z.iso.datetime({ offset: true });

const Scope = z.union([
  z.object({ identity: IdentityKey.describe('one identity, `network:userId`: its profile and its posts') }).strict(),
  z.object({
    network: Network.describe('every stored event of one network'),
    since: Instant.optional().describe('from this time on (inclusive), on when each event happened'),
    until: Instant.optional().describe('up to this time (exclusive)'),
  }).strict(),
  z.object({ events: z.array(z.string().min(1).max(200)).min(1).max(10_000).describe('these stored events, by id') }).strict(),
]).describe('Which events: exactly one of identity, network (with an optional time range) or events');

const ResyncRequest = z.object({
  scope: Scope,
  destinations: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/)).min(1).max(20).describe('the destinations to write again, as configured'),
  mode: z.enum(['from-store', 'from-source']).default('from-store').describe('from-store: the stored events through today\'s mappings; from-source: pulled from the network\'s API first'),
}).strict();

const Counts = z.object({
  planned: z.number().describe('operations the job queued'),
  written: z.number().describe('written in the CRM'),
  failed: z.number().describe('dead-lettered (see GET /v1/dead-letters)'),
  skipped: z.number().describe('withdrawn: by a cancel, an erasure of the record, or never sent'),
  queued: z.number().describe('still to be delivered'),
});

/** A resync job as `GET /v1/resyncs/:id` shows it. */
export const ResyncResource = z.object({
  id: z.string(),
  state: z.enum(['queued', 'running', 'done', 'cancelled', 'failed']),
  scope: z.record(z.string(), z.unknown()),
  destinations: z.array(z.string()),
  mode: z.enum(['from-store', 'from-source']),
  requestedBy: z.string().describe('the name of the API key that asked for it'),
  createdAt: z.string(), startedAt: z.string().optional(), finishedAt: z.string().optional(),
  events: z.object({ done: z.number(), total: z.number().optional() }).describe('events run through the mappings, of those the scope held when the job started'),
  planningDone: z.boolean(),
  counts: Counts,
  ratePerSecond: z.number().nullable().describe('operations ended per second since the job started'),
  etaSeconds: z.number().nullable().describe('seconds left at that rate; 0 once ended, null while unknown'),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
}).meta({ id: 'Resync' });

export interface ResyncRouteOptions {
  store: Store;
  auth: ApiKeyChecker;
  now: () => Date;
  newId: () => string;
  /** Destinations a resync can write to: configured, with mappings. */
  destinations: readonly string[];
  /** Whether `from-source` can pull this scope (a source of its network has a pull). */
  canPull?: (scope: ResyncScope) => boolean;
  /** A job was created or cancelled (the runner looks at once). */
  onChange?: () => void;
}

/** `POST/GET /v1/resyncs`, `GET/DELETE /v1/resyncs/:id` (ARCHITECTURE.md "Fixed interfaces"): read for reads, operate to start or cancel. */
export async function resyncRoutes(app: FastifyInstance, options: ResyncRouteOptions): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const read = options.auth.require('read');
  const operate = options.auth.require('operate');
  const errorsByStatus = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
  const tags = ['resyncs'];

  api.post('/v1/resyncs', {
    onRequest: operate,
    schema: {
      summary: 'Start a resync', tags, security: [{ bearer: [] }],
      description: 'Runs a scope\'s events through today\'s mappings again for some destinations; returns at once (202) with the job, which runs in the background, survives restarts and goes on where it stopped. Live traffic keeps priority over it on every destination. An Idempotency-Key header makes a retried request answer the same job instead of starting another.',
      body: ResyncRequest, response: { 202: ResyncResource, 422: ErrorBody, ...errorsByStatus },
    },
  }, async (request, reply) => {
    const body = request.body;
    const scope = body.scope as ResyncScope;
    for (const destination of body.destinations) {
      if (!options.destinations.includes(destination)) {
        throw errors.API_RESYNC_INVALID({ reason: `destination "${destination}" is not configured with mappings`, destination, known: [...options.destinations] });
      }
    }
    if ('network' in scope && scope.since !== undefined && scope.until !== undefined && Date.parse(scope.since) >= Date.parse(scope.until)) {
      throw errors.API_RESYNC_INVALID({ reason: 'since must be before until' });
    }
    if (body.mode === 'from-source') {
      if ('events' in scope) throw errors.API_RESYNC_INVALID({ reason: 'from-source pulls by identity or network, not a list of stored events: use from-store' });
      if (!options.canPull?.(scope)) throw errors.PULL_UNSUPPORTED({ source: 'identity' in scope ? scope.identity.split(':')[0]! : scope.network });
    }
    const answer = await idempotent(options.store, options.now(), request, 'resyncs', async () => {
      const job = await options.store.resyncs.create({
        id: options.newId(), scope, destinations: [...new Set(body.destinations)], mode: body.mode, requestedBy: principalOf(request)?.name ?? 'unknown',
      }, { now: options.now() });
      request.log.info({ resyncId: job.id, mode: job.mode, destinations: job.destinations, scope: Object.keys(scope)[0] }, 'resync requested');
      options.onChange?.();
      return resyncView(job, options.now());
    });
    return reply.code(202).send(answer);
  });

  api.get('/v1/resyncs', {
    onRequest: read,
    schema: {
      summary: 'List resyncs, newest first', tags, security: [{ bearer: [] }],
      querystring: z.object(PageQuery).strict(), response: { 200: pageOf(ResyncResource), ...errorsByStatus },
    },
  }, async (request) => {
    const page = await options.store.resyncs.list({ limit: request.query.limit, after: decodeCursor('resyncs', request.query.cursor) });
    const now = options.now();
    return { items: page.items.map((job) => resyncView(job, now)), nextCursor: encodeCursor('resyncs', page.next) };
  });

  const Params = z.object({ id: z.string().min(1).max(100) });
  api.get('/v1/resyncs/:id', {
    onRequest: read,
    schema: { summary: 'One resync: state, counts, rate and ETA', tags, security: [{ bearer: [] }], params: Params, response: { 200: ResyncResource, 404: ErrorBody, ...errorsByStatus } },
  }, async (request) => {
    const job = await options.store.resyncs.get(request.params.id);
    if (!job) throw errors.API_RESYNC_NOT_FOUND({ id: request.params.id });
    return resyncView(job, options.now());
  });

  api.delete('/v1/resyncs/:id', {
    onRequest: operate,
    schema: {
      summary: 'Cancel a resync', tags, security: [{ bearer: [] }],
      description: 'What the job queued and is not sent yet is withdrawn (counted as skipped); what is being sent finishes; what is written stays. A job already ended is answered as it is.',
      params: Params, response: { 200: ResyncResource, 404: ErrorBody, ...errorsByStatus },
    },
  }, async (request) => {
    const job = await options.store.resyncs.cancel(request.params.id, { now: options.now() });
    if (!job) throw errors.API_RESYNC_NOT_FOUND({ id: request.params.id });
    request.log.info({ resyncId: job.id, state: job.state, counts: job.counts }, 'resync cancel asked');
    options.onChange?.();
    return resyncView(job, options.now());
  });
}
