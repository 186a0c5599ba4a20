import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { ActiveSandbox } from '../connectors/destination-registry.ts';
import { isLoopback } from '../connectors/outbound.ts';
import { errors } from '../errors.ts';
import { errorBody } from './error-body.ts';

/**
 * Mounts each vendor simulator at `/sandbox/<id>` (ARCHITECTURE.md, Fixed interfaces).
 *
 * A sandbox answers loopback clients only, unless its block says `public: true`: its demo login
 * reads every record Parley wrote there (posts, DMs) and its `_faults`/`_stats` routes change and
 * reveal its behaviour, so on a service that listens on `0.0.0.0` it must not be open to the network
 * by default. Refused requests get Parley's error body (403 `PARLEY_SANDBOX_LOOPBACK_ONLY`): the
 * refusal is Parley's, not the simulated vendor's.
 */
export async function mountSandboxes(app: FastifyInstance, sandboxes: readonly ActiveSandbox[], dataDir: string): Promise<void> {
  for (const sandbox of sandboxes) {
    const prefix = `/sandbox/${sandbox.id}`;
    await app.register(async (scope) => {
      if (!sandbox.public) {
        scope.addHook('onRequest', async (request, reply) => {
          const from = request.socket.remoteAddress ?? '';
          if (isLoopback(from)) return;
          const error = errors.SANDBOX_LOOPBACK_ONLY({ sandbox: sandbox.id });
          request.log.warn({ code: error.code, sandbox: sandbox.id }, 'a sandbox refused a client that is not on this machine');
          return reply.code(error.status).type('application/json; charset=utf-8').send(errorBody(error));
        });
      }
      await sandbox.sandbox.plugin(scope, { config: sandbox.config, baseUrl: () => sandboxBaseUrl(app, sandbox), dataDir });
    }, { prefix });
  }
}

/**
 * Fastify's `rewriteUrl` for the sandboxes' `rootPaths`: a request at the server's root whose path
 * one sandbox claims (and only one) goes to that sandbox's mount (`/sandbox/<id>/…`), so a client
 * that resolves vendor paths against the origin (jsforce's Bulk API 2.0) reaches it unchanged.
 * Any other URL is left as it is. The loopback rule of the mount still applies.
 */
export function rootPathRewriter(sandboxes: readonly Pick<ActiveSandbox, 'id' | 'sandbox'>[]): (request: { url?: string }) => string {
  const claims = sandboxes.flatMap((s) => (s.sandbox.rootPaths ?? []).map((pattern) => ({ id: s.id, pattern })));
  return ({ url = '/' }) => {
    if (claims.length === 0 || url.startsWith('/sandbox/')) return url;
    const path = url.split('?', 1)[0]!;
    const owners = new Set(claims.filter((c) => c.pattern.test(path)).map((c) => c.id));
    return owners.size === 1 ? `/sandbox/${[...owners][0]}${url}` : url;
  };
}

/**
 * A mounted sandbox's own absolute URL: its block's `baseUrl`, or this server's address as seen
 * from this machine (`http://127.0.0.1:<port>/sandbox/<id>` when listening on every interface).
 * Never the request's `Host` header: any client could make the sandbox hand out its URL.
 */
export function sandboxBaseUrl(app: FastifyInstance, sandbox: Pick<ActiveSandbox, 'id' | 'baseUrl'>): string {
  if (sandbox.baseUrl) return sandbox.baseUrl;
  const address = app.server.address() as AddressInfo | null;
  const port = address?.port ?? 0;
  const host = !address || address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1'
    : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${port}/sandbox/${sandbox.id}`;
}
