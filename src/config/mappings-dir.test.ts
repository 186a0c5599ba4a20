import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnvironment } from './environment.ts';
import { start } from '../start.ts';

const startWith = async (yaml: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-mappings-dir-'));
  const configPath = join(dir, 'parley.yaml');
  writeFileSync(configPath, yaml);
  const { environment } = readEnvironment({ PORT: '0', HOST: '127.0.0.1', PARLEY_DATA_DIR: dir, PARLEY_CONFIG: configPath, LOG_LEVEL: 'silent' });
  const outcome = await start(environment).then(async (parley) => { await parley.stop(); return undefined; }, (e: unknown) => e);
  return { dir, configPath, outcome };
};

describe('mappingsDir', () => {
  it('set in the config but missing stops start-up, naming the resolved path and the config it is relative to', async () => {
    const { dir, configPath, outcome } = await startWith('apiKeys: []\nmappingsDir: mappings\n');
    expect(outcome).toMatchObject({
      code: 'PARLEY_CONFIG_MAPPINGS_DIR_MISSING',
      details: { mappingsDir: 'mappings', resolved: join(dir, 'mappings'), configPath, line: 2 },
    });
  });

  it('absolute and missing, or a file rather than a folder, stops start-up too', async () => {
    const nowhere = join(tmpdir(), 'parley-no-such-mappings-dir');
    expect((await startWith(`mappingsDir: ${nowhere}\n`)).outcome).toMatchObject({ code: 'PARLEY_CONFIG_MAPPINGS_DIR_MISSING', details: { mappingsDir: nowhere, resolved: nowhere } });
    const file = join(mkdtempSync(join(tmpdir(), 'parley-mappings-file-')), 'mappings');
    writeFileSync(file, '');
    expect((await startWith(`mappingsDir: ${file}\n`)).outcome).toMatchObject({ code: 'PARLEY_CONFIG_MAPPINGS_DIR_MISSING', details: { resolved: file } });
  });

  it('left to its default, a missing folder means no mappings; an existing one is used', async () => {
    const source = 'sources:\n  x:\n    consumerSecret: a-secret-for-this-test\n';
    expect((await startWith(`apiKeys: []\n${source}`)).outcome).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'parley-mappings-here-'));
    mkdirSync(join(dir, 'mappings'));
    expect((await startWith(`mappingsDir: ${join(dir, 'mappings')}\n${source}`)).outcome).toBeUndefined();
  });
});
