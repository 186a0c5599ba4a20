import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isParleyError, type ParleyError } from '../errors.ts';
import { loadSources } from './registry.ts';

const refusal = async (blocks: Record<string, unknown>, cwd = process.cwd()): Promise<ParleyError> => {
  try { await loadSources(blocks as never, { configPath: 'parley.yaml', cwd }); } catch (error) { if (isParleyError(error)) return error; throw error; }
  throw new Error('expected loadSources to refuse');
};
const plugin = (source: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-plugin-'));
  writeFileSync(join(dir, 'plugin.mjs'), source);
  return dir;
};

describe('source registry', () => {
  it('loads the built-in X connector with its config', async () => {
    const [x] = await loadSources({ x: { connector: 'x', enabled: true, consumerSecret: 's' } } as never, { configPath: 'p', cwd: process.cwd() });
    expect(x).toMatchObject({ id: 'x', config: { consumerSecret: 's' }, bodyLimitBytes: 1024 * 1024 });
  });

  it('names an unknown connector id and lists the built-in ones', async () => {
    const error = await refusal({ twitter: { enabled: true, consumerSecret: 's' } });
    expect(error.code).toBe('PARLEY_CONNECTOR_UNKNOWN');
    expect(error.details).toMatchObject({ key: 'sources.twitter', connector: 'twitter', builtIn: ['facebook', 'instagram', 'linkedin', 'oracle-cx', 'salesforce', 'sap-c4c', 'standard', 'x'] });
    expect(error.message).toContain('built in: facebook, instagram, linkedin, oracle-cx, salesforce, sap-c4c, standard, x');
  });

  it('says why a plugin module could not be imported', async () => {
    const dir = plugin('export default {;');
    const error = await refusal({ mine: { module: './plugin.mjs', enabled: true } }, dir);
    expect(error.code).toBe('PARLEY_CONNECTOR_UNKNOWN');
    expect(String(error.details.reason)).toMatch(/parse|Unexpected|SyntaxError/i);
    const missing = await refusal({ mine: { module: './nowhere.mjs', enabled: true } }, dir);
    expect(String(missing.details.reason)).toMatch(/Cannot find|not found|ERR_MODULE_NOT_FOUND|Failed to load/i);
  });

  it('refuses a plugin that is not a source definition, or wants another SDK', async () => {
    const shapeless = await refusal({ mine: { module: './plugin.mjs', enabled: true } }, plugin('export default { id: 42 };'));
    expect(shapeless.code).toBe('PARLEY_CONNECTOR_INVALID_DEFINITION');
    const future = await refusal({ mine: { module: './plugin.mjs', enabled: true } }, plugin(`
      export default { id: 'mine', displayName: 'Mine', sdk: '^3.0.0', configSchema: { safeParse: () => ({ success: true, data: {} }) },
        signatureHeader: 'x-sig', contentTypes: ['application/json'], bodyLimitBytes: 1000, verify: () => ({ ok: true }), parse: () => [] };`));
    expect(future.code).toBe('PARLEY_CONNECTOR_SDK_MISMATCH');
  });
});
