import semver from 'semver';
import { z } from 'zod';
import { keyedIssues } from '../config/zod-issues.ts';
import { DESTINATION_COMMON_KEYS, SANDBOX_COMMON_KEYS, type DestinationBlock, type SandboxBlock } from '../config/schema.ts';
import { errors } from '../errors.ts';
import type { DestinationDefinition, SandboxDefinition } from './destination.ts';
import type { OutboundPolicy } from './outbound.ts';
import type { RetryPolicy } from './destination-kit/retry-policy.ts';
import { checkDefinition, importConnector, pluginBaseDir, type RegistryOptions } from './registry.ts';

/** A configured, validated destination: its definition and its own config. Connecting is the dispatcher's job. */
export interface ActiveDestination {
  /** The config block's name (`salesforce`). */
  id: string;
  definition: DestinationDefinition<unknown>;
  config: unknown;
  /** Share of the API quota kept for the org's other integrations. */
  budgetReserve: number;
  /** While paused for budget or quota: ms between two usage probes (`usageProbeSeconds`; default 15 s). */
  usageProbeMs?: number;
  /** Calls in flight and spacing, from the config or the connector's defaults. */
  limits: { maxConcurrent: number; minTimeMs: number };
  /** Where and how long its outbound calls may go (allowedHosts, timeouts). */
  outbound: OutboundPolicy;
  /** Retries inside one call (the destination kit's; `retry` in the block). */
  retry: RetryPolicy;
  /** Every delete purges where the connector can (`purgeDeletes` in the block; erasures always do). */
  purgeDeletes?: boolean;
  /** Fewest writes of one object a resync sends as a bulk job (`bulkMinRecords` in the block; default the connector's `limits.bulk.minRecords`). */
  bulkMinRecords?: number;
}

/** A sandbox to mount at `/sandbox/<id>`, with its validated options. */
export interface ActiveSandbox {
  /** The block's name: the mount point (`/sandbox/<id>`). */
  id: string;
  /** The connector whose sandbox it is (the block's `connector`, else its name). */
  connector?: string;
  sandbox: SandboxDefinition<unknown>;
  config: unknown;
  /** Answers non-loopback clients too (`public: true`). */
  public: boolean;
  /** Its own absolute URL, when the block sets `baseUrl`. */
  baseUrl?: string;
}

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');
const zodSchema = z.custom((v) => typeof v === 'object' && v !== null && typeof (v as { safeParse?: unknown }).safeParse === 'function', 'a zod schema');

// The shape every destination definition must have, checked at load so a broken plugin fails at boot.
const DestinationDefinitionShape = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'kebab-case'),
  displayName: z.string().min(1),
  sdk: z.string().refine((r) => semver.validRange(r) !== null, 'a semver range such as ^2.0.0'),
  configSchema: zodSchema,
  limits: z.object({
    maxBatchSize: z.number().int().positive(), maxConcurrent: z.number().int().positive(), minTimeMs: z.number().min(0), maxLookupValues: z.number().int().positive().optional(),
    bulk: z.object({ minRecords: z.number().int().positive(), maxRecords: z.number().int().positive(), pollIntervalMs: z.number().int().positive().optional(), maxWaitMs: z.number().int().positive().optional() })
      .refine((b) => b.minRecords <= b.maxRecords, 'minRecords must not exceed maxRecords').optional(),
  }),
  classify: fn,
  describeError: fn,
  precheck: fn.optional(),
  connect: fn,
  trustedDomains: z.array(z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'a domain such as salesforce.com')).optional(),
  sandbox: z.object({ configSchema: zodSchema, plugin: fn }).optional(),
});

/**
 * Checks a loaded value is a destination definition this SDK can run.
 * @throws PARLEY_CONNECTOR_INVALID_DEFINITION, PARLEY_CONNECTOR_SDK_MISMATCH
 */
export function validateDestinationDefinition(value: unknown, name: string, key = name): DestinationDefinition<unknown> {
  return checkDefinition(DestinationDefinitionShape, value, name, key) as DestinationDefinition<unknown>;
}

/**
 * Loads every enabled destination of the config and validates its block against its connector's schema.
 * @throws PARLEY_CONNECTOR_UNKNOWN, PARLEY_CONNECTOR_INVALID_DEFINITION, PARLEY_CONNECTOR_SDK_MISMATCH,
 *   PARLEY_CONFIG_INVALID (keys `destinations.<name>.…`)
 */
export async function loadDestinations(blocks: Record<string, DestinationBlock>, options: RegistryOptions): Promise<ActiveDestination[]> {
  const active: ActiveDestination[] = [];
  for (const [id, block] of Object.entries(blocks)) {
    if (!block.enabled) continue;
    const key = `destinations.${id}`;
    const definition = validateDestinationDefinition(await importConnector(key, block, id, pluginBaseDir(options)), block.module ?? block.connector ?? id, key);
    const own = Object.fromEntries(Object.entries(block).filter(([k]) => !(DESTINATION_COMMON_KEYS as readonly string[]).includes(k)));
    const parsed = (definition.configSchema as z.ZodType).safeParse(own, { reportInput: true });
    if (!parsed.success) {
      const context = { schema: definition.configSchema, alsoKnown: DESTINATION_COMMON_KEYS, lineOf: options.lineOf, variableOf: options.variableOf };
      throw errors.CONFIG_INVALID({ path: options.configPath, issues: keyedIssues(parsed.error, ['destinations', id], context) });
    }
    active.push({
      id, definition, config: parsed.data, budgetReserve: block.budgetReserve, usageProbeMs: block.usageProbeSeconds * 1000,
      limits: { maxConcurrent: block.maxConcurrent ?? definition.limits.maxConcurrent, minTimeMs: block.minTimeMs ?? definition.limits.minTimeMs },
      outbound: { allowedHosts: block.allowedHosts, connectTimeoutMs: block.connectTimeoutMs, responseTimeoutMs: block.responseTimeoutMs },
      retry: block.retry, purgeDeletes: block.purgeDeletes, ...(block.bulkMinRecords !== undefined ? { bulkMinRecords: block.bulkMinRecords } : {}),
    });
  }
  return active;
}

/**
 * Loads every enabled sandbox: the connector named by the block's key (or `module`) must have one.
 * @throws PARLEY_CONNECTOR_UNKNOWN, PARLEY_CONFIG_INVALID (no sandbox in that connector, or options it refuses)
 */
export async function loadSandboxes(blocks: Record<string, SandboxBlock>, options: RegistryOptions): Promise<ActiveSandbox[]> {
  const active: ActiveSandbox[] = [];
  for (const [id, block] of Object.entries(blocks)) {
    if (!block.enabled) continue;
    const loaded = await importConnector(`sandboxes.${id}`, block, id, pluginBaseDir(options)) as { sandbox?: SandboxDefinition<unknown> } | undefined;
    const sandbox = loaded?.sandbox;
    if (!sandbox || typeof sandbox.plugin !== 'function') {
      const line = options.lineOf?.(`sandboxes.${id}`);
      throw errors.CONFIG_INVALID({ path: options.configPath, issues: [{ key: `sandboxes.${id}`, problem: `connector "${id}" has no sandbox`, ...(line ? { line } : {}) }] });
    }
    const own = Object.fromEntries(Object.entries(block).filter(([k]) => !(SANDBOX_COMMON_KEYS as readonly string[]).includes(k)));
    const parsed = (sandbox.configSchema as z.ZodType).safeParse(own, { reportInput: true });
    if (!parsed.success) {
      const context = { schema: sandbox.configSchema, alsoKnown: SANDBOX_COMMON_KEYS, lineOf: options.lineOf, variableOf: options.variableOf };
      throw errors.CONFIG_INVALID({ path: options.configPath, issues: keyedIssues(parsed.error, ['sandboxes', id], context) });
    }
    active.push({ id, connector: block.connector ?? id, sandbox, config: parsed.data, public: block.public, ...(block.baseUrl ? { baseUrl: block.baseUrl.replace(/\/+$/, '') } : {}) });
  }
  return active;
}
