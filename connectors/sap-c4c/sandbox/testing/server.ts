import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { SapC4cSandboxConfig } from '../config.ts';
import { sapC4cSandbox, SERVICE_PATH } from '../plugin.ts';

// What the SAP C4C sandbox tests share: the sandbox on its own Fastify server at 127.0.0.1, mounted
// as Parley mounts it, and a client holding a CSRF session. Test support only: not built into dist/.

/** The demo user's Basic header (config.ts DEMO_USER / DEMO_PASSWORD). */
export const BASIC = 'Basic ' + Buffer.from('parley-demo:parley-demo-secret').toString('base64');

/** An entity row as these tests read it (values checked with expect, so `unknown`). */
export type Row = Record<string, unknown> & { __metadata: { uri: string; type: string; etag: string } };

/** An OData v2 JSON answer as these tests read it: a collection, an entity, the service document or an error. */
export interface Body {
  d: { results: Row & Row[]; __count?: string; __next?: string; EntitySets: string[] };
  error: { code: string; message: { lang: string; value: string } };
}

/** One call's answer: status, headers, raw text and the parsed JSON (undefined when not JSON). */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Body;
}

/** A running sandbox. */
export interface RunningSapC4cSandbox {
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>/sandbox/sap-c4c`: `_faults` and `_stats` are below it. */
  base: string;
  /** The service root, with its trailing `/`. */
  root: string;
  /** The folder its data file (config `file`) is in. */
  dataDir: string;
  /** The CSRF token and the session cookie (`name=value`) fetched at start. */
  token: string;
  cookie: string;
  /** A call below the service root with the demo user, JSON accepted, and the CSRF session. */
  call(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string> }): Promise<Answer>;
  /** Stops the server; removes the data folder unless `keepData`. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * Starts the sandbox with `config` (`sandboxes.sap-c4c` keys) on a free port of 127.0.0.1, and fetches
 * a CSRF token. `dataDir` defaults to a new temporary folder.
 */
export async function startSapC4cSandbox(config: Record<string, unknown> = {}, dataDir = mkdtempSync(join(tmpdir(), 'sap-c4c-'))): Promise<RunningSapC4cSandbox> {
  const app = Fastify();
  let base = '';
  await app.register(sapC4cSandbox, { prefix: '/sandbox/sap-c4c', config: SapC4cSandboxConfig.parse(config), baseUrl: () => base, dataDir } as never);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  base = `${address}/sandbox/sap-c4c`;
  const root = `${base}${SERVICE_PATH}/`;
  const fetched = await fetch(root, { headers: { authorization: BASIC, 'x-csrf-token': 'fetch' } });
  const token = fetched.headers.get('x-csrf-token')!;
  const cookie = fetched.headers.get('set-cookie')!.split(';')[0]!;
  const call: RunningSapC4cSandbox['call'] = async (method, path, options = {}) => {
    const response = await fetch(`${root}${path}`, {
      method,
      headers: { authorization: BASIC, accept: 'application/json', 'x-csrf-token': token, cookie, ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
      ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    let json = undefined as unknown as Body;
    try { if (text) json = JSON.parse(text) as Body; } catch { /* not JSON: the test looks at text */ }
    return { status: response.status, headers: response.headers, text, json };
  };
  const close = async (options: { keepData?: boolean } = {}) => {
    await app.close();
    if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
  };
  return { app, base, root, dataDir, token, cookie, call, close };
}
