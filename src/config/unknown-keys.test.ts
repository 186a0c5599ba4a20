import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDestinations, loadSandboxes } from '../connectors/destination-registry.ts';
import { loadSources } from '../connectors/registry.ts';
import { isParleyError, type ParleyError } from '../errors.ts';
import { start } from '../start.ts';
import { readEnvironment } from './environment.ts';
import { parseConfigDocument } from './load-config.ts';
import type { KeyedIssue } from './zod-issues.ts';

const issuesOf = (error: ParleyError) => (error.details as { issues: KeyedIssue[] }).issues;
const failure = (fn: () => unknown): ParleyError => {
  try { fn(); } catch (error) { if (isParleyError(error)) return error; throw error; }
  throw new Error('expected a ParleyError');
};
const rejection = async (promise: Promise<unknown>): Promise<ParleyError> => {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (isParleyError(error)) return error;
  throw error ?? new Error('expected a ParleyError');
};
const issue = (key: string, line: number, suggestion?: string) => ({ key, line, problem: expect.any(String), ...(suggestion ? { suggestion } : {}) });
const cwd = process.cwd();

describe('unknown keys in the blocks Parley itself validates', () => {
  it('name the key itself, its own line, and the known key it is close to', () => {
    const error = failure(() => parseConfigDocument([
      'serverr:', '  requestTimeoutMs: 1000', 'server:', '  requestTimeoutMS: 1000', 'store:', '  sqlite:', '    fil: a.db',
      'outbox:', '  leaseMS: 60000', 'surprise: 1', '',
    ].join('\n'), 'p', {}));
    expect(error.code).toBe('PARLEY_CONFIG_INVALID');
    expect(issuesOf(error)).toEqual(expect.arrayContaining([
      issue('serverr', 1, 'server'),
      issue('server.requestTimeoutMS', 4, 'requestTimeoutMs'),
      issue('store.sqlite.fil', 7, 'file'),
      issue('outbox.leaseMS', 9, 'leaseMs'),
      issue('surprise', 10),
    ]));
    expect(issuesOf(error)).toHaveLength(5);
  });
});

describe('unknown keys in connector blocks (validated by the registries)', () => {
  it('a destination block: key path, line and suggestion, nested keys too', async () => {
    const loaded = parseConfigDocument([
      'destinations:', '  salesforce:', '    clientId: abc', '    clientSecert: s', '    rateLimitWaits:', '      totalRequestMs: 3', '    budgetReserv: 0.2', '',
    ].join('\n'), 'p', {});
    const error = await rejection(loadDestinations(loaded.config.destinations, { configPath: 'p', cwd, lineOf: loaded.lineOf }));
    expect(error.code).toBe('PARLEY_CONFIG_INVALID');
    expect(issuesOf(error)).toEqual(expect.arrayContaining([
      issue('destinations.salesforce.clientSecert', 4, 'clientSecret'),
      issue('destinations.salesforce.rateLimitWaits.totalRequestMs', 6, 'totalRequestsMs'),
      issue('destinations.salesforce.budgetReserv', 7, 'budgetReserve'),
    ]));
    // A key every destination has (the kit's in-call `retry`) is checked with the config file itself.
    let common: unknown;
    try { parseConfigDocument(['destinations:', '  salesforce:', '    clientId: abc', '    retry:', '      retires: 3', ''].join('\n'), 'p', {}); } catch (e) { common = e; }
    expect(issuesOf(common as never)).toEqual(expect.arrayContaining([issue('destinations.salesforce.retry.retires', 5, 'retries')]));
    expect(issuesOf(error).every((i) => typeof i.line === 'number'), 'every issue has a line').toBe(true);
  });

  it('a source block', async () => {
    const loaded = parseConfigDocument([
      'sources:', '  x:', '    consumerSecret: s', '    consumerSecretPrevous: t', '    bodyLimitByte: 2048', '    zzz: 1', '',
    ].join('\n'), 'p', {});
    const error = await rejection(loadSources(loaded.config.sources, { configPath: 'p', cwd, lineOf: loaded.lineOf }));
    expect(error.code).toBe('PARLEY_CONFIG_INVALID');
    expect(issuesOf(error)).toEqual([
      issue('sources.x.consumerSecretPrevous', 4, 'consumerSecretPrevious'),
      issue('sources.x.bodyLimitByte', 5, 'bodyLimitBytes'),
      issue('sources.x.zzz', 6),
    ]);
  });

  it('a sandbox block, and a value its connector refuses gets its line too', async () => {
    const loaded = parseConfigDocument(['sandboxes:', '  salesforce:', '    dailyLimt: 5', '    queryBatchSize: 1', ''].join('\n'), 'p', {});
    const error = await rejection(loadSandboxes(loaded.config.sandboxes, { configPath: 'p', cwd, lineOf: loaded.lineOf }));
    expect(issuesOf(error)).toEqual(expect.arrayContaining([
      issue('sandboxes.salesforce.dailyLimt', 3, 'dailyLimit'),
      issue('sandboxes.salesforce.queryBatchSize', 4),
    ]));
  });

  it('stop start() with the key path and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-typo-'));
    const configPath = join(dir, 'parley.yaml');
    writeFileSync(configPath, ['destinations:', '  salesforce:', '    clientId: abc', '    clientSecert: s', ''].join('\n'));
    const { environment } = readEnvironment({ PORT: '0', HOST: '127.0.0.1', PARLEY_DATA_DIR: dir, PARLEY_CONFIG: configPath, LOG_LEVEL: 'silent' });
    const error = await rejection(start(environment).then(async (p) => { await p.stop(); }));
    expect(error.code).toBe('PARLEY_CONFIG_INVALID');
    expect(issuesOf(error)).toContainEqual(issue('destinations.salesforce.clientSecert', 4, 'clientSecret'));
  });
});
