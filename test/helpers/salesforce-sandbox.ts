import Fastify, { type FastifyInstance } from 'fastify';
import jsforce from 'jsforce';
import { SalesforceSandboxConfig } from '../../connectors/salesforce/sandbox/config.ts';
import { salesforceSandbox } from '../../connectors/salesforce/sandbox/plugin.ts';

/** A Salesforce sandbox on its own Fastify server at 127.0.0.1, mounted as Parley mounts it. */
export interface RunningSandbox {
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>/sandbox/salesforce`: the login URL and instance URL clients use. */
  base: string;
  /** `PUT /_faults` with `body`; resolves with the answer's status. */
  faults(body: Record<string, unknown>): Promise<number>;
  stats(): Promise<{ totalCalls: number; calls: Record<string, number>; records: Record<string, number> }>;
  close(): Promise<void>;
}

export async function startSalesforceSandbox(options: Record<string, unknown> = {}, dataDir = '.', port = 0): Promise<RunningSandbox> {
  const app = Fastify({ logger: false });
  const prefix = '/sandbox/salesforce';
  const config = SalesforceSandboxConfig.parse(options);
  let base = '';
  await app.register(async (scope) => salesforceSandbox(scope, { config, dataDir, baseUrl: () => base }), { prefix });
  const address = await app.listen({ host: '127.0.0.1', port });
  base = `${address}${prefix}`;
  return {
    app,
    base,
    async faults(body) {
      const response = await fetch(`${base}/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return response.status;
    },
    async stats() {
      return (await fetch(`${base}/_stats`)).json() as never;
    },
    close: () => app.close(),
  };
}

/** A jsforce connection logged in to the sandbox with the demo OAuth client and user (password grant). */
export async function demoConnection(base: string): Promise<InstanceType<typeof jsforce.Connection>> {
  const conn = new jsforce.Connection({ version: '62.0', loginUrl: base, oauth2: { loginUrl: base, clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } });
  await conn.login('demo@parley.local', 'demo');
  return conn;
}
