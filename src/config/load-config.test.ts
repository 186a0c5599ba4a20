import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isParleyError } from '../errors.ts';
import { readEnvironment } from './environment.ts';
import { loadConfig, parseConfig } from './load-config.ts';

const shipped = readFileSync(new URL('../../parley.yaml', import.meta.url), 'utf8');
const failure = (fn: () => unknown) => {
  try { fn(); } catch (error) { if (isParleyError(error)) return error; throw error; }
  throw new Error('expected a ParleyError');
};

describe('parley.yaml', () => {
  it('the shipped demo config loads with and without its variables', () => {
    const demo = parseConfig(shipped, 'parley.yaml', {});
    expect(demo.apiKeys[0]).toMatchObject({ key: 'parley-demo-admin-key', scope: 'admin' });
    expect(demo.sources.x).toMatchObject({ connector: 'x', consumerSecret: 'parley-demo-x-consumer-secret', consumerSecretPrevious: '' });
    const set = parseConfig(shipped, 'parley.yaml', { PARLEY_ADMIN_KEY: 'a-real-admin-key-123', X_CONSUMER_SECRET: 's3cret' });
    expect(set.apiKeys[0]!.key).toBe('a-real-admin-key-123');
    expect(set.sources.x!.consumerSecret).toBe('s3cret');
    expect(set.store.sqlite.synchronous).toBe('full');
    expect(set.intake.dedupWindowHours).toBe(72);
  });

  it('substitutes after parsing, so a secret cannot change the structure', () => {
    const config = parseConfig('sources:\n  x:\n    consumerSecret: ${S}\n    note: "$${LITERAL}"\nintake:\n  dedupWindowHours: ${H:-24}\n', 'p', { S: 'a: b # c' });
    expect(config.sources.x!.consumerSecret).toBe('a: b # c');
    expect(config.sources.x!.note).toBe('${LITERAL}');
    expect(config.intake.dedupWindowHours).toBe(24);
  });

  it('names the key of a missing variable', () => {
    const error = failure(() => parseConfig('apiKeys:\n  - name: a\n    key: ${NOPE}\n    scope: admin\n', 'p', {}));
    expect(error.code).toBe('PARLEY_CONFIG_MISSING_VARIABLE');
    expect(error.details).toEqual({ path: 'p', variables: [{ variable: 'NOPE', key: 'apiKeys.0.key', line: 3 }] });
  });

  it('reports invalid YAML with its line', () => {
    expect(failure(() => parseConfig('server: [unclosed\n', 'p', {})).code).toBe('PARLEY_CONFIG_UNREADABLE');
    const misindented = failure(() => parseConfig('store:\n  driver: sqlite\nintake:\n  dedupWindowHours: 2\n   maxBatchDeliveries: 5\n', 'p', {}));
    expect(misindented.code).toBe('PARLEY_CONFIG_UNREADABLE');
    expect(String(misindented.details.reason)).toMatch(/\(line [45]\)$/);
  });

  it('says whether a config path is missing or a folder', () => {
    expect(failure(() => loadConfig('/no/such/parley.yaml', {}))).toMatchObject({ code: 'PARLEY_CONFIG_NOT_FOUND', details: { reason: 'does not exist' } });
    expect(failure(() => loadConfig(tmpdir(), {}))).toMatchObject({ code: 'PARLEY_CONFIG_NOT_FOUND', details: { reason: 'is a folder, not a file' } });
  });

  it('refuses an alias inside itself instead of recursing for ever', () => {
    expect(failure(() => parseConfig('a: &x [*x]\n', 'p', {})).code).toBe('PARLEY_CONFIG_UNREADABLE');
    // A plain alias to a sibling is fine (and then refused only for being an unknown key).
    expect(failure(() => parseConfig('base: &b { requestTimeoutMs: 1000 }\nserver: *b\n', 'p', {})).code).toBe('PARLEY_CONFIG_INVALID');
  });

  it('tells a wrong type from a missing key, without repeating the value', () => {
    const error = failure(() => parseConfig([
      'intake:', '  dedupWindowHours: [1, 2]', 'apiKeys:', '  - name: a', '    scope: admin', 'sources:', '  x:', '    consumerSecret: s', '    enabled: "yes-secret-value"', '',
    ].join('\n'), 'p', {}));
    const problems = Object.fromEntries((error.details as { issues: Array<{ key: string; problem: string }> }).issues.map((i) => [i.key, i.problem]));
    expect(problems['apiKeys.0.key']).toBe('is required (string)');
    expect(problems['sources.x.enabled']).toBe('expected boolean, got a string');
    expect(problems['intake.dedupWindowHours']).toMatch(/^expected number, got a list$/);
    expect(JSON.stringify(error.details)).not.toContain('yes-secret-value');
  });

  it('names each invalid key with its line', () => {
    const error = failure(() => parseConfig([
      'intake:', '  dedupWindowHours: soon', 'apiKeys:', '  - name: a', '    key: short', '    scope: root', 'surprise: 1', '',
    ].join('\n'), 'p', {}));
    expect(error.code).toBe('PARLEY_CONFIG_INVALID');
    const issues = (error.details as { issues: Array<{ key: string; line?: number }> }).issues;
    expect(issues.map((i) => i.key).sort()).toEqual(['surprise', 'apiKeys.0.key', 'apiKeys.0.scope', 'intake.dedupWindowHours'].sort());
    expect(issues.find((i) => i.key === 'surprise')?.line).toBe(7);
    expect(issues.find((i) => i.key === 'apiKeys.0.scope')?.line).toBe(6);
    expect(issues.find((i) => i.key === 'intake.dedupWindowHours')?.line).toBe(2);
  });
});

describe('environment', () => {
  it('has the documented defaults and reports bad values', () => {
    const { environment, problems } = readEnvironment({}, '/srv/parley');
    expect(environment).toMatchObject({ host: '0.0.0.0', port: 3000, configPath: '/srv/parley/parley.yaml', dataDir: '/srv/parley/data', logLevel: 'info' });
    expect(problems).toEqual([]);
    expect(readEnvironment({ PORT: 'abc', LOG_LEVEL: 'loud' }, '/').problems.map((p) => p.variable)).toEqual(['PORT', 'LOG_LEVEL']);
  });
});

describe('start-up with a bad config', () => {
  const run = (yaml: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-config-'));
    writeFileSync(join(dir, 'parley.yaml'), yaml);
    return spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: new URL('../..', import.meta.url).pathname, encoding: 'utf8', timeout: 30_000,
      env: { ...process.env, PARLEY_CONFIG: join(dir, 'parley.yaml'), PARLEY_DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1' },
    });
  };

  it('stops with the key and the problem, without a stack trace', () => {
    const result = run('apiKeys:\n  - name: a\n    key: short\n    scope: admin\n');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PARLEY_CONFIG_INVALID');
    expect(result.stderr).toContain('apiKeys.0.key (line 3)');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('lists every missing variable, one per line', () => {
    const result = run('sources:\n  x:\n    consumerSecret: ${PARLEY_TEST_UNSET_A}\n    consumerSecretPrevious: ${PARLEY_TEST_UNSET_B}\n');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PARLEY_CONFIG_MISSING_VARIABLE');
    expect(result.stderr).toMatch(/^\s+- PARLEY_TEST_UNSET_A .*sources\.x\.consumerSecret.*line 3/m);
    expect(result.stderr).toMatch(/^\s+- PARLEY_TEST_UNSET_B .*sources\.x\.consumerSecretPrevious.*line 4/m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('names a mappingsDir that does not exist', () => {
    const result = run('mappingsDir: mappings\n');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PARLEY_CONFIG_MAPPINGS_DIR_MISSING');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('names a source key its connector refuses', () => {
    const result = run('sources:\n  x:\n    consumerSecret: ""\n');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('sources.x.consumerSecret');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
