/**
 * `npm run sandboxes`: every built-in connector's sandbox, alone, on one port, at the same
 * `/sandbox/<id>` paths as inside Parley, so several Parley instances, a demo or another tool can
 * share one fake CRM (issue 17, item 5). Loopback-only unless `public` says otherwise
 * (src/http/sandbox-mount.ts refuses other clients with 403 PARLEY_SANDBOX_LOOPBACK_ONLY).
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ActiveSandbox } from '../connectors/destination-registry.ts';
import type { SandboxDefinition } from '../connectors/destination.ts';
import { builtInIds, importConnector } from '../connectors/registry.ts';
import { mountSandboxes, rootPathRewriter } from '../http/sandbox-mount.ts';

/** Where and how to serve the sandboxes. */
export interface SandboxesOptions {
  /** Interface to listen on (`127.0.0.1` keeps the sandboxes on this machine). */
  host: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Folder for sandboxes' data files (PARLEY_DATA_DIR); the default configs keep records in memory. */
  dataDir: string;
  /** Answer clients that are not on this machine too. */
  public: boolean;
  logger: Logger;
  /** Where connectors are loaded from (the project root). */
  cwd: string;
}

/** A running sandboxes server. */
export interface RunningSandboxes {
  app: FastifyInstance;
  /** `http://host:port`, as seen from this machine. */
  url: string;
  /** The ids served, each at `${url}/sandbox/<id>`. */
  ids: string[];
}

/**
 * Loads every built-in connector that has a sandbox, with the sandbox's default config, mounts them
 * and listens.
 * @throws PARLEY_CONNECTOR_UNKNOWN when a built-in connector cannot be loaded; Error when a
 *   sandbox refuses its default config (a bug in that connector) or the port is taken
 */
export async function serveSandboxes(options: SandboxesOptions): Promise<RunningSandboxes> {
  const active: ActiveSandbox[] = [];
  for (const id of builtInIds()) {
    const definition = await importConnector(`sandboxes.${id}`, {}, id, options.cwd) as { sandbox?: SandboxDefinition<unknown> } | undefined;
    const sandbox = definition?.sandbox;
    if (!sandbox || typeof sandbox.plugin !== 'function') continue;
    const config = (sandbox.configSchema as z.ZodType).parse({});
    active.push({ id, sandbox, config, public: options.public });
  }
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; a fake CRM's every call is not worth a log line.
    loggerInstance: options.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: 'idle',
    rewriteUrl: rootPathRewriter(active),
  });
  await mountSandboxes(app, active, options.dataDir);
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host.includes(':') ? `[${options.host}]` : options.host;
  return { app, url: `http://${host}:${port}`, ids: active.map((a) => a.id) };
}
