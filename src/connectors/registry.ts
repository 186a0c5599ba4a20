import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import semver from 'semver';
import { z } from 'zod';
import { keyedIssues, type LineOf } from '../config/zod-issues.ts';
import { SOURCE_COMMON_KEYS, type SourceBlock } from '../config/schema.ts';
import { errors } from '../errors.ts';
import { SDK_VERSION } from './sdk-version.ts';
import type { SourceDefinition } from './source.ts';

/** Where the blocks the registries validate came from, so that their issues name the file and each key's line. */
export interface RegistryOptions {
  configPath: string;
  /** Plugin module paths are relative to this. */
  cwd: string;
  /** The config file's line lookup (`readConfig`'s); without it, issues have no line. */
  lineOf?: LineOf | undefined;
  /** Names the environment variable a key's value came from (`${NAME}` in the file). */
  variableOf?: ((key: string) => string | undefined) | undefined;
}

/** A configured, validated source: its definition, its own config, and its effective limits. */
export interface ActiveSource {
  /** The config block's name, which is also the webhook path segment (`/webhooks/<id>`). */
  id: string;
  definition: SourceDefinition<unknown>;
  config: unknown;
  /** Largest body accepted, in bytes. */
  bodyLimitBytes: number;
}

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');

// The shape every source definition must have, checked at load so a broken plugin fails at boot.
const SourceDefinitionShape = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'kebab-case'),
  displayName: z.string().min(1),
  sdk: z.string().refine((r) => semver.validRange(r) !== null, 'a semver range such as ^2.0.0'),
  configSchema: z.custom((v) => typeof v === 'object' && v !== null && typeof (v as { safeParse?: unknown }).safeParse === 'function', 'a zod schema'),
  signatureHeader: z.string().regex(/^[a-z0-9-]+$/, 'a lower-case header name'),
  secretHeaders: z.array(z.string().regex(/^[a-z0-9-]+$/, 'a lower-case header name')).optional(),
  keptHeaders: z.array(z.string().regex(/^[a-z0-9-]+$/, 'a lower-case header name')).max(8).optional(),
  description: z.string().optional(),
  handshakeQuery: z.custom((v) => typeof v === 'object' && v !== null && typeof (v as { catchall?: unknown }).catchall === 'function', 'a zod object schema').optional(),
  contentTypes: z.array(z.string().min(1)).min(1),
  bodyLimitBytes: z.number().int().positive(),
  handshake: fn.optional(),
  verify: fn,
  parse: fn,
});

// Built-in connectors live in `connectors/<id>/` at the project root: two levels up from here,
// whether running from source (src/connectors) or compiled (dist/src/connectors).
const BUILT_IN_ROOT = fileURLToPath(new URL('../../connectors/', import.meta.url));

/** Imports a connector module's default export: a plugin by `block.module`, else the built-in named `block.connector` or `name`. */
export async function importConnector(key: string, block: { module?: string | undefined; connector?: string | undefined }, name: string, cwd: string): Promise<unknown> {
  const ref = block.module ?? block.connector ?? name;
  let url: string;
  if (block.module) {
    url = block.module.startsWith('.') || isAbsolute(block.module) ? pathToFileURL(resolve(cwd, block.module)).href : block.module;
  } else {
    const file = ['index.ts', 'index.js'].map((f) => resolve(BUILT_IN_ROOT, ref, f)).find((f) => existsSync(f));
    if (!file) throw errors.CONNECTOR_UNKNOWN({ key, connector: ref, reason: `no built-in connector has that id (built in: ${builtInIds().join(', ')})`, builtIn: builtInIds() });
    url = pathToFileURL(file).href;
  }
  try {
    const module = (await import(url)) as { default?: unknown };
    return module.default;
  } catch (cause) {
    throw errors.CONNECTOR_UNKNOWN({ key, connector: ref, reason: (cause as Error).message.split('\n')[0]!, builtIn: builtInIds() }, { cause });
  }
}

/** The ids of the connectors shipped in `connectors/`. */
export function builtInIds(): string[] {
  if (!existsSync(BUILT_IN_ROOT)) return [];
  return readdirSync(BUILT_IN_ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && ['index.ts', 'index.js'].some((f) => existsSync(resolve(BUILT_IN_ROOT, entry.name, f))))
    .map((entry) => entry.name).sort();
}

/**
 * Checks a loaded value is a source definition this SDK can run.
 * @throws PARLEY_CONNECTOR_INVALID_DEFINITION, PARLEY_CONNECTOR_SDK_MISMATCH
 */
export function validateSourceDefinition(value: unknown, name: string): SourceDefinition<unknown> {
  return checkDefinition(SourceDefinitionShape, value, name) as SourceDefinition<unknown>;
}

/**
 * Checks a loaded connector definition against the shape its kind must have, and its SDK range
 * against this Parley's SDK. Shared by sources and destinations.
 * @throws PARLEY_CONNECTOR_INVALID_DEFINITION, PARLEY_CONNECTOR_SDK_MISMATCH
 */
export function checkDefinition(shape: z.ZodType<{ id: string; sdk: string }>, value: unknown, name: string): unknown {
  const parsed = shape.safeParse(value);
  if (!parsed.success) throw errors.CONNECTOR_INVALID_DEFINITION({ connector: name, issues: keyedIssues(parsed.error) });
  if (!semver.satisfies(SDK_VERSION, parsed.data.sdk)) {
    throw errors.CONNECTOR_SDK_MISMATCH({ connector: parsed.data.id, wants: parsed.data.sdk, sdk: SDK_VERSION });
  }
  return value;
}

/**
 * Loads and validates every enabled source of the config: the connector's definition (built in by
 * id, or a plugin by module), then the block's own keys against the connector's config schema.
 *
 * @throws PARLEY_CONNECTOR_UNKNOWN, PARLEY_CONNECTOR_INVALID_DEFINITION, PARLEY_CONNECTOR_SDK_MISMATCH,
 *   PARLEY_CONFIG_INVALID (a source block that its connector's schema refuses; keys are `sources.<id>.…`)
 */
export async function loadSources(blocks: Record<string, SourceBlock>, options: RegistryOptions): Promise<ActiveSource[]> {
  const active: ActiveSource[] = [];
  for (const [id, block] of Object.entries(blocks)) {
    if (!block.enabled) continue;
    const key = `sources.${id}`;
    const definition = validateSourceDefinition(await importConnector(key, block, id, options.cwd), block.module ?? block.connector ?? id);
    const own = Object.fromEntries(Object.entries(block).filter(([k]) => !(SOURCE_COMMON_KEYS as readonly string[]).includes(k)));
    const parsed = (definition.configSchema as z.ZodType).safeParse(own, { reportInput: true });
    if (!parsed.success) {
      const context = { schema: definition.configSchema, alsoKnown: SOURCE_COMMON_KEYS, lineOf: options.lineOf, variableOf: options.variableOf };
      throw errors.CONFIG_INVALID({ path: options.configPath, issues: keyedIssues(parsed.error, ['sources', id], context) });
    }
    active.push({ id, definition, config: parsed.data, bodyLimitBytes: block.bodyLimitBytes ?? definition.bodyLimitBytes });
  }
  return active;
}
