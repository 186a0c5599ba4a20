import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDestinations } from '../src/connectors/destination-registry.ts';
import * as sdk from '../src/connectors/index.ts';
import { loadSources, resolvePluginModule } from '../src/connectors/registry.ts';
import { isParleyError, type ParleyError } from '../src/errors.ts';
import { listAll, startParley } from './helpers/parley.ts';
import { removeTempDirs, tempDir } from './helpers/temp-dirs.ts';

// Plugins from outside (issue 17, item 6): a connector loaded from the config by path or package
// name, through the same registry as the built-in ones. Fixtures: test/fixtures/plugins/README.md.
const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/plugins/', import.meta.url));

/** Registry options for a config file in `folder` (plugin modules resolve from there), run from the repository root. */
const configIn = (folder: string) => ({ configPath: join(folder, 'parley.yaml'), cwd: root });

async function refusal(load: () => Promise<unknown>): Promise<ParleyError> {
  try { await load(); } catch (error) { if (isParleyError(error)) return error; throw error; }
  throw new Error('expected the registry to refuse');
}

afterAll(removeTempDirs);

describe('a plugin by path (relative to the config file)', () => {
  it('a folder with a package.json loads its exports["."]: the development target while Parley runs from source', async () => {
    expect(resolvePluginModule('sources.echo', './echo-source', fixtures)).toBe(join(fixtures, 'echo-source', 'src', 'index.ts'));
    const [echo] = await loadSources({ echo: { module: './echo-source', enabled: true, token: 'token-of-echo' } } as never, configIn(fixtures));
    expect(echo).toMatchObject({ id: 'echo', definition: { id: 'echo', sdk: '^2.0.0' }, config: { token: 'token-of-echo' }, bodyLimitBytes: 4096 });
  });

  it("the plugin's parley/sdk is the core's SDK module itself (one instance, through node_modules/parley)", async () => {
    const plugin = await import(resolvePluginModule('sources.echo', './echo-source', fixtures)) as { sdkDefineSource: unknown };
    expect(plugin.sdkDefineSource).toBe(sdk.defineSource);
  });

  it('a path to a file loads that file; a path is relative to the config file, not the working folder', async () => {
    const [file] = await loadSources({ mine: { module: './file-source.mjs', enabled: true } } as never, configIn(fixtures));
    expect(file!.definition.id).toBe('file-source');
    // The config one folder down: the same plugin is `../file-source.mjs` from there.
    const [again] = await loadSources({ mine: { module: '../file-source.mjs', enabled: true } } as never, configIn(join(fixtures, 'old-sdk')));
    expect(again!.definition.id).toBe('file-source');
  });
});

describe('a plugin by package name (installed in the config file\'s project)', () => {
  const project = tempDir('parley-plugin-project-');
  cpSync(join(fixtures, 'named-package'), join(project, 'node_modules', 'parley-connector-named'), { recursive: true });

  it('is found in node_modules of the config file\'s folder or a parent, by its exports for import (not require)', async () => {
    const [named] = await loadSources({ named: { module: 'parley-connector-named', enabled: true } } as never, configIn(project));
    expect(named).toMatchObject({ id: 'named', definition: { id: 'named' }, bodyLimitBytes: 2048 });
    const nested = join(project, 'config');
    mkdirSync(nested, { recursive: true });
    expect(resolvePluginModule('sources.named', 'parley-connector-named', nested)).toBe(join(project, 'node_modules', 'parley-connector-named', 'index.js'));
  });

  it('is not looked for in Parley\'s own install: a config elsewhere does not find it', async () => {
    const elsewhere = tempDir('parley-plugin-elsewhere-');
    const error = await refusal(() => loadSources({ named: { module: 'parley-connector-named', enabled: true } } as never, configIn(elsewhere)));
    expect(error.code).toBe('PARLEY_CONNECTOR_UNKNOWN');
    expect(error.details).toMatchObject({ key: 'sources.named', connector: 'parley-connector-named' });
    expect(error.details.reason).toContain('npm install parley-connector-named');
  });
});

// [module, code, details beyond key and connector]
const refusals: Array<[string, string, Record<string, unknown>]> = [
  ['./nowhere', 'PARLEY_CONNECTOR_UNKNOWN', { reason: expect.stringMatching(/^not found: no file or folder at .*nowhere/) }],
  ['parley-connector-not-installed', 'PARLEY_CONNECTOR_UNKNOWN', { reason: expect.stringContaining('"parley-connector-not-installed" is not installed') }],
  ['./throws-at-import.mjs', 'PARLEY_CONNECTOR_UNKNOWN', { reason: expect.stringContaining('failed: Error: the plugin needs ACME_HOME to be set') }],
  ['./unbuilt', 'PARLEY_CONNECTOR_UNKNOWN', { reason: expect.stringMatching(/unbuilt.dist.index\.js, which does not exist \(is the plugin built\?/) }],
  ['./no-default.mjs', 'PARLEY_CONNECTOR_INVALID_DEFINITION', { issues: [{ key: 'default', problem: expect.stringContaining('has no default export') }] }],
  ['./bad-definition.mjs', 'PARLEY_CONNECTOR_INVALID_DEFINITION', { issues: expect.arrayContaining([expect.objectContaining({ key: 'id' }), expect.objectContaining({ key: 'verify' })]) }],
  ['./old-sdk', 'PARLEY_CONNECTOR_SDK_MISMATCH', { id: 'old-sdk', wants: '^1.0.0', sdk: sdk.SDK_VERSION }],
];

describe('a plugin that cannot run stops start-up, naming the config key, the plugin and the problem', () => {
  it.each(refusals)('%s: %s', async (module, code, details) => {
    const error = await refusal(() => loadSources({ p: { module, enabled: true } } as never, configIn(fixtures)));
    expect(error.code).toBe(code);
    expect(error.details).toMatchObject({ key: 'sources.p', connector: module, ...details });
    expect(error.message).toContain(`Config key sources.p names connector "${module}"`);
  });

  it('a plugin outside any folder with node_modules/parley: says how to make parley/sdk resolvable', async () => {
    const project = tempDir('parley-plugin-unlinked-');
    cpSync(join(fixtures, 'old-sdk'), join(project, 'old-sdk'), { recursive: true });
    const error = await refusal(() => loadSources({ p: { module: './old-sdk', enabled: true } } as never, configIn(project)));
    expect(error).toMatchObject({ code: 'PARLEY_CONNECTOR_UNKNOWN', details: { key: 'sources.p', connector: './old-sdk' } });
    expect(error.details.reason).toContain('no node_modules/parley above the plugin');
  });

  it('a destination block names its own key', async () => {
    // A source's definition is not a destination's: refused on its shape.
    const error = await refusal(() => loadDestinations({ crm: { module: './file-source.mjs', enabled: true } } as never, configIn(fixtures)));
    expect(error).toMatchObject({ code: 'PARLEY_CONNECTOR_INVALID_DEFINITION', details: { key: 'destinations.crm', connector: './file-source.mjs' } });
    expect(error.details.issues).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'connect' })]));
  });
});

describe('the service with a plugin from its config', () => {
  it('starts with a source loaded by a path relative to its config file, and takes that source\'s deliveries', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-plugin-e2e-'));
    const module = relative(dataDir, join(fixtures, 'echo-source'));
    expect(module.startsWith('../')).toBe(true);
    const parley = await startParley({ dataDir, sources: { echo: { module, token: 'token-of-echo' } } });
    try {
      const deliver = (token: string) => fetch(`${parley.base}/webhooks/echo`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-echo-token': token }, body: JSON.stringify({ userId: 'u-1' }),
      });
      expect((await deliver('not-the-token')).status).toBe(401);
      expect((await deliver('token-of-echo')).status).toBe(200);
      const events = await listAll(parley.base, '/v1/events?source=echo', parley.adminKey);
      expect(events.map((e) => e.data)).toEqual([expect.objectContaining({ kind: 'identity', network: 'echo', userId: 'u-1' })]);
    } finally {
      await parley.stop();
    }
  });

  it('does not start with a plugin built for another SDK', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-plugin-e2e-'));
    try {
      const error = await startParley({ dataDir, sources: { old: { module: relative(dataDir, join(fixtures, 'old-sdk')) } } }).then(async (p) => { await p.stop(); return undefined; }, (e: unknown) => e);
      expect(error).toMatchObject({ code: 'PARLEY_CONNECTOR_SDK_MISMATCH', details: { key: 'sources.old', id: 'old-sdk', wants: '^1.0.0' } });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
