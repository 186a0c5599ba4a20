import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errors } from '../errors.ts';
import { ErrorBody } from '../http/error-body.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Store } from '../store/store.ts';

/** `/health` (the process answers), `/ready` (store open, migrations done, commits succeed), `/metrics` (Prometheus text). No API key. */
export async function healthRoutes(app: FastifyInstance, options: { store: Store; metrics: Metrics }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/health', {
    schema: { summary: 'Liveness: the process answers', tags: ['operations'], response: { 200: z.object({ status: z.literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }));

  api.get('/ready', {
    schema: {
      summary: 'Readiness: the store is open, migrated and can commit', tags: ['operations'],
      response: { 200: z.object({ status: z.literal('ready'), store: z.object({ driver: z.string(), schemaVersion: z.number() }) }), 503: ErrorBody },
    },
  }, async () => {
    const status = await options.store.status().catch((error: unknown) => ({ open: false, schemaVersion: 0, latestVersion: 0, writable: false, writeError: (error as Error).message }));
    if (!status.open) throw errors.NOT_READY({ reason: 'the store is closed' });
    if (status.schemaVersion < status.latestVersion) throw errors.NOT_READY({ reason: `store schema at ${status.schemaVersion}, needs ${status.latestVersion}` });
    // Intake would answer 503 to every webhook: a load balancer should send them elsewhere until it recovers.
    if (!status.writable) throw errors.NOT_READY({ reason: `the store cannot commit: ${status.writeError ?? 'the last commit failed'}` });
    return { status: 'ready' as const, store: { driver: options.store.driver, schemaVersion: status.schemaVersion } };
  });

  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['operations'], produces: ['text/plain'] } }, async (_request, reply) => {
    reply.type(options.metrics.registry.contentType);
    return options.metrics.registry.metrics();
  });
}
