/**
 * The kit's own routes under a sandbox's prefix (ARCHITECTURE.md, Fixed interfaces): `PUT` and
 * `GET /_faults`, `GET /_stats`. They answer in the kit's shape, the same for every vendor: they
 * are the test harness's controls, not part of the simulated API.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { FaultsRefused, type SandboxKit } from './accounting.ts';

/** What the routes need from the vendor: its live records per object, for `_stats.records`. */
export interface KitRoutesOptions {
  records: () => ReadonlyMap<string, number> | Readonly<Record<string, number>>;
}

/**
 * Registers `PUT /_faults` (200 with the document in force, or 400 `SANDBOX_BAD_FAULTS` with
 * `details.unknown` or `details.issues`), `GET /_faults` and `GET /_stats` on `app`.
 */
export function registerKitRoutes(app: FastifyInstance, kit: SandboxKit<string>, options: KitRoutesOptions): void {
  app.put('/_faults', async (request, reply) => {
    try {
      return json(reply, 200, kit.setFaults(request.body ?? {}));
    } catch (error) {
      if (!(error instanceof FaultsRefused)) throw error;
      return json(reply, 400, { error: { code: 'SANDBOX_BAD_FAULTS', message: error.message, details: error.details } });
    }
  });
  app.get('/_faults', async (_request, reply) => json(reply, 200, kit.faults()));
  app.get('/_stats', async (_request, reply) => json(reply, 200, kit.stats(options.records())));
}

function json(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}
