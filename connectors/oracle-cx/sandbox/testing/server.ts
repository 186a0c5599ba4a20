import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { OracleCxSandboxConfig } from '../config.ts';
import { oracleCxSandbox, VERSION_ROOT } from '../plugin.ts';

// What the Oracle CX sandbox tests share: the sandbox alone on its own Fastify server at 127.0.0.1,
// mounted as Parley mounts it, and a client with the demo user. Test support only: not built into dist/.

/** The sandbox's mount below the server. */
export const MOUNT = '/sandbox/oracle-cx';

/** The demo user's Basic header (config.ts DEMO_USER / DEMO_PASSWORD). */
export const BASIC = 'Basic ' + Buffer.from('parley-demo:parley-demo-secret').toString('base64');

/** One call's answer: status, headers, raw text and the parsed JSON (undefined when not JSON). */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // Tests read answers freely and check them with expect.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** A running sandbox. */
export interface RunningOracleCxSandbox {
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>/sandbox/oracle-cx`: `_faults`, `_stats` and the token endpoint are below it. */
  base: string;
  /** The version root, `<base>/crmRestApi/resources/11.13.18.05` (no trailing slash). */
  root: string;
  /** The folder its data file (config `file`) is in. */
  dataDir: string;
  /**
   * A call below the version root (`path` like `socialUsers` or `/socialUsers?q=…`) with the demo
   * user, `Accept: application/json`, `REST-Framework-Version: 4` unless `headers` say otherwise
   * (`null` drops a header), and a JSON body typed as a resource item.
   */
  call(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string | null> }): Promise<Answer>;
  /** Replaces the faults in force (`PUT <base>/_faults`). */
  faults(document: unknown): Promise<Answer>;
  /** Stops the server; removes the data folder unless `keepData`. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

/** Reads a fetch response as an Answer. */
export async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: unknown;
  try { if (text) json = JSON.parse(text); } catch { /* not JSON: the test looks at text */ }
  return { status: response.status, headers: response.headers, text, json };
}

/**
 * Starts the sandbox with `config` (`sandboxes.oracle-cx` keys) on a free port of 127.0.0.1.
 * `dataDir` defaults to a new temporary folder. The plugin is registered directly, as Parley's
 * sandbox mount does with `definition.sandbox.plugin`.
 */
export async function startOracleCxSandbox(config: Record<string, unknown> = {}, dataDir = mkdtempSync(join(tmpdir(), 'oracle-cx-'))): Promise<RunningOracleCxSandbox> {
  const app = Fastify();
  let base = '';
  await app.register(oracleCxSandbox, { prefix: MOUNT, config: OracleCxSandboxConfig.parse(config), baseUrl: () => base, dataDir } as never);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  base = `${address}${MOUNT}`;
  const root = `${base}${VERSION_ROOT}`;
  const call: RunningOracleCxSandbox['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = {
      authorization: BASIC, accept: 'application/json', 'rest-framework-version': '4',
      ...(options.body !== undefined ? { 'content-type': 'application/vnd.oracle.adf.resourceitem+json' } : {}),
    };
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (value === null) delete headers[name.toLowerCase()]; else headers[name.toLowerCase()] = value;
    }
    const response = await fetch(`${root}${path === '' || path.startsWith('/') ? '' : '/'}${path}`, {
      method, headers,
      ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
    });
    return answerOf(response);
  };
  const faults = async (document: unknown) => answerOf(await fetch(`${base}/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(document) }));
  const close = async (options: { keepData?: boolean } = {}) => {
    await app.close();
    if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
  };
  return { app, base, root, dataDir, call, faults, close };
}
