import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationDefinition } from '../connectors/index.ts';

/** A connector's sandbox served alone on 127.0.0.1, as Parley mounts it (`/sandbox/<id>`). */
export interface StartedSandbox {
  /** `http://127.0.0.1:<port>/sandbox/<id>`: what the connector's `sandboxUrl` is. */
  base: string;
  close(): Promise<void>;
}

/**
 * Serves `definition.sandbox` on its own Fastify server at 127.0.0.1 (a random port unless `port`),
 * under `/sandbox/<id>` exactly as Parley's `sandboxes` block mounts it, so the connector's own
 * paths and absolute URLs are the ones it sees in service. `options` is the sandbox's block
 * (validated by its `configSchema`); `dataDir` is where a sandbox with a `file` keeps its records.
 * @throws Error when the definition has no sandbox or the options are refused
 */
export async function startSandbox(definition: Pick<DestinationDefinition, 'id' | 'sandbox'>, options: unknown = {}, dataDir = '.', port = 0): Promise<StartedSandbox> {
  const sandbox = definition.sandbox;
  if (!sandbox) throw new Error(`the destination ${definition.id} has no sandbox: pass sandboxUrl to the kit instead`);
  const parsed = sandbox.configSchema.safeParse(options);
  if (!parsed.success) throw new Error(`the ${definition.id} sandbox refused its options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const app: FastifyInstance = Fastify({ logger: false });
  const prefix = `/sandbox/${definition.id}`;
  let base = '';
  await app.register(async (scope) => sandbox.plugin(scope, { config: parsed.data, baseUrl: () => base, dataDir }), { prefix });
  const address = await app.listen({ host: '127.0.0.1', port });
  base = `${address}${prefix}`;
  return { base, close: () => app.close() };
}
