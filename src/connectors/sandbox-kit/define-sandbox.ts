/**
 * `defineSandbox`: a simulated vendor written as vendor facts only. The kit supplies, the same for
 * every vendor, what ARCHITECTURE.md ("Connectors", Fixed interfaces) asks of a sandbox: the
 * `_faults` document and its routes, `_stats`, the call accounting (quota, latency, injected errors
 * where the vendor says they can happen), and a data-file path for persistence (journal-file.ts).
 * Loopback-only serving is Parley's (src/http/sandbox-mount.ts), before the plugin sees a request.
 */
import { isAbsolute, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { SandboxDefinition } from '../destination.ts';
import { SandboxKit } from './accounting.ts';
import { faultsSchema, type FaultCatalog, type FaultRuleDefaults } from './faults.ts';
import { registerKitRoutes } from './routes.ts';

/** What `setup` gets: the sandbox's options as Parley gives them, plus the kit. */
export interface SandboxSetupContext<C, K extends string> {
  config: C;
  /** The sandbox's own absolute URL (`http://127.0.0.1:3000/sandbox/<id>`), for URLs in its answers. */
  baseUrl: () => string;
  /** PARLEY_DATA_DIR. */
  dataDir: string;
  /** Faults, quota, statistics: call `kit.account(...)` once per counted call. */
  kit: SandboxKit<K>;
  /** A data file's absolute path: `path` as is when absolute, else under `dataDir`. */
  dataFile: (path: string) => string;
}

/** What `setup` hands back to the kit. */
export interface SandboxVendor {
  /** Live records per object, for `_stats.records`. */
  records: () => ReadonlyMap<string, number> | Readonly<Record<string, number>>;
  /** Runs when the server closes (write the last snapshot). */
  close?: () => void | Promise<void>;
}

/** A sandbox as a vendor writes it: `C` is its config, `K` its kinds of call. */
export interface SandboxSpec<C, K extends string> {
  /** Validates the sandbox's block in `parley.yaml` (`sandboxes.<id>`). */
  configSchema: z.ZodType<C>;
  /** The faults `_faults.errors` may name, and where each can happen. */
  faults: FaultCatalog<K>;
  /** Defaults of `_faults.rules` in the vendor's error vocabulary. */
  rules: FaultRuleDefaults;
  /** The vendor's error code for a spent daily quota (counted under `_stats.errors`). */
  limitErrorCode: string;
  /** The daily API quota the config sets, calls. */
  dailyLimit: (config: C) => number;
  /** Faults in force from the start (the block's `faults` key), same shape as `PUT /_faults`. */
  initialFaults?: (config: C) => unknown;
  /** Largest request body the vendor takes, bytes (default: Fastify's, 1 MiB). */
  bodyLimitBytes?: number;
  /** Registers the vendor's own routes on `app` (already under `/sandbox/<id>`). */
  setup: (app: FastifyInstance, context: SandboxSetupContext<C, K>) => Promise<SandboxVendor>;
}

/**
 * Builds a sandbox definition (`DestinationDefinition.sandbox`) from vendor facts. Its routes are
 * hidden from Parley's OpenAPI (they belong to the simulated vendor); `PUT`/`GET /_faults` and
 * `GET /_stats` are added beside the vendor's.
 * @throws FaultsRefused (from the plugin) when the config's initial faults are invalid
 */
export function defineSandbox<C, K extends string>(spec: SandboxSpec<C, K>): SandboxDefinition<C> & { faultsSchema: ReturnType<typeof faultsSchema> } {
  const schema = faultsSchema(spec.rules);
  return {
    configSchema: spec.configSchema,
    faultsSchema: schema,
    plugin: async (app, options) => {
      const kit = new SandboxKit<K>({
        faults: spec.faults, schema, dailyLimit: spec.dailyLimit(options.config),
        limitErrorCode: spec.limitErrorCode, initial: spec.initialFaults?.(options.config),
      });
      app.addHook('onRoute', (route) => {
        route.schema = { ...(route.schema ?? {}), hide: true };
        if (spec.bodyLimitBytes !== undefined) route.bodyLimit ??= spec.bodyLimitBytes;
      });
      const dataFile = (path: string) => (isAbsolute(path) ? path : join(options.dataDir, path));
      const vendor = await spec.setup(app, { ...options, kit, dataFile });
      if (vendor.close) app.addHook('onClose', async () => { await vendor.close!(); });
      registerKitRoutes(app, kit as SandboxKit<string>, { records: vendor.records });
    },
  };
}
