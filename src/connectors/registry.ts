import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
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
  /**
   * The folder a relative `configPath` is relative to (the process's working folder). A plugin's
   * `module` (a path, or a package name) is resolved from the config file's folder, as `mappingsDir` is.
   */
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
  pull: z.object({
    kinds: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/, 'kebab-case')).min(1),
    lookupKind: z.string().optional(),
    baseUrl: fn, request: fn, read: fn, rateLimit: fn, classify: fn, account: fn.optional(), unavailable: fn.optional(),
    trustedDomains: z.array(z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'a domain such as x.com')).optional(),
  }).refine((p) => p.lookupKind === undefined || p.kinds.includes(p.lookupKind), { message: 'lookupKind must be one of kinds', path: ['lookupKind'] }).optional(),
  sandbox: z.object({ configSchema: z.custom((v) => typeof v === 'object' && v !== null && typeof (v as { safeParse?: unknown }).safeParse === 'function', 'a zod schema'), plugin: fn }).optional(),
});

// Built-in connectors live in `connectors/<id>/` at the project root: two levels up from here,
// whether running from source (src/connectors) or compiled (dist/src/connectors).
const BUILT_IN_ROOT = fileURLToPath(new URL('../../connectors/', import.meta.url));

// Parley running from its TypeScript sources (vitest, tsx) can import a plugin's sources too, so a
// plugin package's `development` export (its src/) is preferred then; compiled Parley takes its build.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
/** The package.json `exports` conditions a plugin is resolved with, as Node's `import` would (plus `development` from source). */
const CONDITIONS = new Set(FROM_SOURCE ? ['development', 'import', 'node', 'default'] : ['import', 'node', 'default']);

/**
 * Imports a connector module's default export: a plugin by `block.module` (see `resolvePluginModule`),
 * else the built-in named `block.connector` or `name`.
 * @param key the config key of the block (`sources.acme`), named in every error
 * @param baseDir the folder a plugin path or package name resolves from: the config file's
 * @throws PARLEY_CONNECTOR_UNKNOWN (no such built-in, plugin not found, or its import threw),
 *   PARLEY_CONNECTOR_INVALID_DEFINITION (the module has no default export)
 */
export async function importConnector(key: string, block: { module?: string | undefined; connector?: string | undefined }, name: string, baseDir: string): Promise<unknown> {
  const ref = block.module ?? block.connector ?? name;
  let file: string;
  if (block.module) {
    file = resolvePluginModule(key, block.module, baseDir);
  } else {
    const builtIn = ['index.ts', 'index.js'].map((f) => resolve(BUILT_IN_ROOT, ref, f)).find((f) => existsSync(f));
    if (!builtIn) throw errors.CONNECTOR_UNKNOWN({ key, connector: ref, reason: `no built-in connector has that id (built in: ${builtInIds().join(', ')})`, builtIn: builtInIds() });
    file = builtIn;
  }
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (cause) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message.split('\n')[0]}` : String(cause);
    // A plugin finds `parley/sdk` as Node finds any package: in node_modules/parley of its folder or a
    // parent. Inside Parley's folder that is the link `npm install` makes (scripts/link-self.mjs), which
    // `npm prune` or `npm install <name>` may remove again.
    const hint = /Cannot find package 'parley(?:\/[^']*)?'/.test(reason)
      ? ' (no node_modules/parley above the plugin: inside Parley\'s folder run `npm install` or `node scripts/link-self.mjs` there; elsewhere link node_modules/parley in the plugin\'s project to Parley\'s folder)'
      : '';
    throw errors.CONNECTOR_UNKNOWN({ key, connector: ref, reason: `importing ${file} failed: ${reason}${hint}`, builtIn: builtInIds() }, { cause });
  }
  if (module.default === undefined) {
    throw errors.CONNECTOR_INVALID_DEFINITION({ key, connector: ref, issues: [{ key: 'default', problem: `${file} has no default export (a connector module ends with \`export default defineSource({ … })\` or \`defineDestination\`)` }] });
  }
  return module.default;
}

/**
 * The file a plugin's `module` names. A path (`./plugins/acme`, `/opt/acme/index.js`; relative to
 * `baseDir`) to a file is that file; to a folder, the folder's package.json decides, as for a package.
 * Anything else is a package name (`parley-connector-acme`, `@acme/parley/source`), found as Node
 * finds packages from a file in `baseDir` (its `node_modules`, then each parent's): the user's project,
 * not Parley's install. A package's entry is its package.json `exports` for `.` (or the subpath),
 * read with the conditions `import`, `node`, `default` and, when Parley runs from source,
 * `development` first (https://nodejs.org/api/packages.html#conditional-exports); a target whose
 * file is missing is skipped for the next matching one. Without `exports`: `main`, else `index.js`.
 * Subpath patterns (`"./*"`) are not supported.
 * @returns an absolute file path
 * @throws PARLEY_CONNECTOR_UNKNOWN naming the key, the module and what is missing
 */
export function resolvePluginModule(key: string, module: string, baseDir: string): string {
  const unknown = (reason: string) => errors.CONNECTOR_UNKNOWN({ key, connector: module, reason, builtIn: builtInIds() });
  if (module.startsWith('.') || module.startsWith('file:') || isAbsolute(module)) {
    const path = resolve(baseDir, module.startsWith('file:') ? fileURLToPath(module) : module);
    const stats = statOrUndefined(path);
    if (!stats) throw unknown(`not found: no file or folder at ${path} (a relative module is relative to the config file's folder, ${baseDir})`);
    return stats.isDirectory() ? packageEntry(path, '.', unknown) : path;
  }
  const parts = /^((?:@[^/@]+\/)?[^/@.][^/]*)(\/.+)?$/.exec(module);
  if (!parts) throw unknown('not a package name nor a path (a path starts with ./, ../ or /)');
  const [, name, subpath] = parts as unknown as [string, string, string | undefined];
  // require.resolve.paths lists the node_modules folders Node would search from a file in baseDir; the
  // package's own package.json is read here because require.resolve would apply `require` conditions.
  const searched = createRequire(join(baseDir, 'parley.yaml')).resolve.paths(name) ?? [];
  const folder = searched.map((nodeModules) => join(nodeModules, name)).find((dir) => existsSync(join(dir, 'package.json')));
  if (!folder) throw unknown(`package "${name}" is not installed where the config is (not found in ${join(baseDir, 'node_modules')} nor a parent folder's): run \`npm install ${name}\` in ${baseDir}`);
  return packageEntry(folder, subpath ? `.${subpath}` : '.', unknown);
}

/** The entry file of the package in `dir` for `subpath` (`.` or `./source`). */
function packageEntry(dir: string, subpath: string, fail: (reason: string) => Error): string {
  const manifestPath = join(dir, 'package.json');
  if (!existsSync(manifestPath)) {
    const index = join(dir, 'index.js');
    if (subpath === '.' && existsSync(index)) return index;
    throw fail(`${dir} is a folder without a package.json or index.js: name the plugin's file, or give the folder a package.json with "exports" or "main"`);
  }
  let manifest: { exports?: unknown; main?: unknown };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof manifest;
  } catch (cause) {
    throw fail(`${manifestPath} cannot be read as JSON: ${(cause as Error).message}`);
  }
  let targets: string[];
  if (manifest.exports !== undefined && manifest.exports !== null) {
    targets = exportTargets(manifest.exports, subpath);
    if (targets.length === 0) throw fail(`${manifestPath} "exports" has no entry for "${subpath}" under the conditions ${[...CONDITIONS].join(', ')}`);
  } else if (subpath !== '.') {
    targets = [subpath];
  } else {
    targets = [typeof manifest.main === 'string' ? manifest.main : 'index.js'];
  }
  const files = targets.map((target) => resolve(dir, target)).map((path) => (statOrUndefined(path)?.isDirectory() ? join(path, 'index.js') : path));
  const found = files.find((file) => statOrUndefined(file)?.isFile());
  if (!found) throw fail(`${manifestPath} points "${subpath}" at ${files[0]}, which does not exist (is the plugin built? run its build, such as \`npm run build\` in ${dir})`);
  return found;
}

/** The targets `exports` gives `subpath`, in the order Node would try the matching conditions. */
function exportTargets(exports: unknown, subpath: string): string[] {
  const isSubpathMap = typeof exports === 'object' && !Array.isArray(exports) && Object.keys(exports as object).some((k) => k.startsWith('.'));
  if (!isSubpathMap) return subpath === '.' ? conditionTargets(exports) : [];
  return conditionTargets((exports as Record<string, unknown>)[subpath]);
}

function conditionTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(conditionTargets);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).filter(([condition]) => CONDITIONS.has(condition)).flatMap(([, target]) => conditionTargets(target));
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The folder plugin modules resolve from: the config file's. */
export function pluginBaseDir(options: Pick<RegistryOptions, 'configPath' | 'cwd'>): string {
  return dirname(resolve(options.cwd, options.configPath));
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
export function validateSourceDefinition(value: unknown, name: string, key = name): SourceDefinition<unknown> {
  return checkDefinition(SourceDefinitionShape, value, name, key) as SourceDefinition<unknown>;
}

/**
 * Checks a loaded connector definition against the shape its kind must have, and its SDK range
 * against this Parley's SDK. Shared by sources and destinations.
 * @param name what the config names: the plugin's `module`, or the built-in id
 * @param key the config key of the block (`sources.acme`)
 * @throws PARLEY_CONNECTOR_INVALID_DEFINITION, PARLEY_CONNECTOR_SDK_MISMATCH
 */
export function checkDefinition(shape: z.ZodType<{ id: string; sdk: string }>, value: unknown, name: string, key = name): unknown {
  const parsed = shape.safeParse(value);
  if (!parsed.success) throw errors.CONNECTOR_INVALID_DEFINITION({ key, connector: name, issues: keyedIssues(parsed.error) });
  if (!semver.satisfies(SDK_VERSION, parsed.data.sdk)) {
    throw errors.CONNECTOR_SDK_MISMATCH({ key, connector: name, id: parsed.data.id, wants: parsed.data.sdk, sdk: SDK_VERSION });
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
    const definition = validateSourceDefinition(await importConnector(key, block, id, pluginBaseDir(options)), block.module ?? block.connector ?? id, key);
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
