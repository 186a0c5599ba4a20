import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isParleyError } from '../errors.ts';
import { parseConfig } from './load-config.ts';

const failure = (fn: () => unknown) => {
  try { fn(); } catch (error) { if (isParleyError(error)) return error; throw error; }
  throw new Error('expected a ParleyError');
};
const secretFile = (content: string): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'parley-secret-')), 'secret');
  writeFileSync(path, content);
  return path;
};
const X_SOURCE = 'sources:\n  x:\n    consumerSecret: ${X_CONSUMER_SECRET}\n';

describe('secrets from files (NAME_FILE)', () => {
  it('reads NAME_FILE when NAME is unset, without its trailing newline', () => {
    const config = parseConfig(X_SOURCE, 'p', { X_CONSUMER_SECRET_FILE: secretFile('from-a-file\n') });
    expect(config.sources.x!.consumerSecret).toBe('from-a-file');
  });

  it('reads it for a reference with a default too, and the default still applies to an empty file', () => {
    const yaml = 'sources:\n  x:\n    consumerSecret: ${S:-fallback}\n    consumerSecretPrevious: ${P:-}\n';
    const config = parseConfig(yaml, 'p', { S_FILE: secretFile('s3cret\r\n'), P_FILE: secretFile('') });
    expect(config.sources.x).toMatchObject({ consumerSecret: 's3cret', consumerSecretPrevious: '' });
  });

  it('refuses NAME and NAME_FILE both set, naming both', () => {
    const error = failure(() => parseConfig(X_SOURCE, 'p', { X_CONSUMER_SECRET: 'a', X_CONSUMER_SECRET_FILE: secretFile('b') }));
    expect(error.code).toBe('PARLEY_CONFIG_VARIABLE_CONFLICT');
    expect(error.details).toEqual({ path: 'p', variable: 'X_CONSUMER_SECRET', fileVariable: 'X_CONSUMER_SECRET_FILE', key: 'sources.x.consumerSecret', line: 3 });
  });

  it('names the variable and the path of a file it cannot read, never its content', () => {
    const missing = join(tmpdir(), 'parley-no-such-secret', 'secret');
    const error = failure(() => parseConfig(X_SOURCE, 'p', { X_CONSUMER_SECRET_FILE: missing }));
    expect(error.code).toBe('PARLEY_CONFIG_SECRET_FILE_UNREADABLE');
    expect(error.details).toMatchObject({ variable: 'X_CONSUMER_SECRET_FILE', file: missing, key: 'sources.x.consumerSecret', line: 3 });
    const folder = mkdtempSync(join(tmpdir(), 'parley-secret-dir-'));
    expect(failure(() => parseConfig(X_SOURCE, 'p', { X_CONSUMER_SECRET_FILE: folder })).details).toMatchObject({ variable: 'X_CONSUMER_SECRET_FILE', file: folder });
    if (process.getuid?.() !== 0) {
      const locked = secretFile('top-secret-content');
      chmodSync(locked, 0o000);
      const refused = failure(() => parseConfig(X_SOURCE, 'p', { X_CONSUMER_SECRET_FILE: locked }));
      expect(refused.details).toMatchObject({ variable: 'X_CONSUMER_SECRET_FILE', file: locked });
      expect(JSON.stringify(refused.details) + refused.message).not.toContain('top-secret-content');
    }
  });
});

describe('missing variables', () => {
  it('are all reported in one error, each with its key and line', () => {
    const yaml = [
      'apiKeys:', '  - name: a', '    key: ${ADMIN_KEY}', '    scope: admin',
      'sources:', '  x:', '    consumerSecret: ${X_CONSUMER_SECRET}',
      'destinations:', '  salesforce:', '    loginUrl: ${SALESFORCE_LOGIN_URL}', '    clientId: ${SALESFORCE_CLIENT_ID}', '    note: ${SET:-} ${ADMIN_KEY}', '',
    ].join('\n');
    const error = failure(() => parseConfig(yaml, 'p', { SET: 'yes' }));
    expect(error.code).toBe('PARLEY_CONFIG_MISSING_VARIABLE');
    expect(error.details).toEqual({ path: 'p', variables: [
      { variable: 'ADMIN_KEY', key: 'apiKeys.0.key', line: 3 },
      { variable: 'X_CONSUMER_SECRET', key: 'sources.x.consumerSecret', line: 7 },
      { variable: 'SALESFORCE_LOGIN_URL', key: 'destinations.salesforce.loginUrl', line: 10 },
      { variable: 'SALESFORCE_CLIENT_ID', key: 'destinations.salesforce.clientId', line: 11 },
      { variable: 'ADMIN_KEY', key: 'destinations.salesforce.note', line: 12 },
    ] });
  });
});

describe('${NAME:+word}: a value only when a variable is set', () => {
  const META = 'sources:\n  facebook:\n    enabled: ${META_APP_SECRET:+true}\n    appSecret: ${META_APP_SECRET:-}\n';
  it('gives the word when the variable is set and not empty, so a source is on exactly when its secret is given', () => {
    expect(parseConfig(META, 'p', { META_APP_SECRET: 's3cret' }).sources.facebook!.enabled).toBe(true);
  });
  it('gives the empty string when it is unset or empty, which `enabled` reads as off', () => {
    expect(parseConfig(META, 'p', {}).sources.facebook!.enabled).toBe(false);
    expect(parseConfig(META, 'p', { META_APP_SECRET: '' }).sources.facebook!.enabled).toBe(false);
  });
  it('counts a secret given in NAME_FILE as set', () => {
    expect(parseConfig(META, 'p', { META_APP_SECRET_FILE: secretFile('from-a-file\n') }).sources.facebook!.enabled).toBe(true);
  });
});
