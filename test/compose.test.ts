import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readConfig } from '../src/config/load-config.ts';

// compose.yaml cannot be run here (no Docker engine): these check what it promises against the
// code it starts — the variables the shipped config reads, the sandboxes' entry point, one port.

const root = new URL('..', import.meta.url).pathname;
const compose = parse(readFileSync(join(root, 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; build?: string; command?: string[]; environment?: Record<string, string>; ports?: string[]; depends_on?: unknown }>;
  configs: Record<string, { content: string }>;
};
const instances = Object.entries(compose.services).filter(([name]) => /^parley-\d$/.test(name));

describe('compose.yaml', () => {
  it('runs three Parley instances on one PostgreSQL and one Redis, each its own instance id and volume', () => {
    expect(instances.map(([name]) => name)).toEqual(['parley-1', 'parley-2', 'parley-3']);
    const ids = instances.map(([, s]) => s.environment!.PARLEY_INSTANCE_ID);
    expect(new Set(ids).size).toBe(3);
    for (const [, s] of instances) {
      expect(s.environment).toMatchObject({ DATABASE_URL: 'postgres://parley:parley@postgres:5432/parley', REDIS_URL: 'redis://redis:6379', PARLEY_ROLES: 'all' });
      expect(s.environment!.SALESFORCE_LOGIN_URL).toBe('http://sandboxes:4000/sandbox/salesforce');
    }
    expect(compose.services.postgres!.image).toMatch(/^postgres:/);
    expect(compose.services.redis!.image).toMatch(/^redis:/);
  });

  it('the config it names reads those variables into PostgreSQL, shared limits and the CRMs at the sandboxes', () => {
    const env = instances[0]![1].environment!;
    expect(env.PARLEY_CONFIG).toBe('/app/parley.yaml');
    const { config } = readConfig(join(root, 'parley.yaml'), { ...env });
    expect(config.store.postgres.url).toBe(env.DATABASE_URL);
    expect(config.redis.url).toBe(env.REDIS_URL);
    expect(config.instance.roles).toEqual(['intake', 'planner', 'dispatcher']);
    expect((config.destinations.salesforce as { loginUrl?: string }).loginUrl).toBe(env.SALESFORCE_LOGIN_URL);
    expect((config.destinations['sap-c4c'] as { url?: string }).url).toBe(env.SAP_C4C_URL);
    expect((config.destinations['oracle-cx'] as { url?: string }).url).toBe(env.ORACLE_CX_URL);
  });

  it('serves the sandboxes from the image\'s build of `npm run sandboxes`, answering other containers', () => {
    const sandboxes = compose.services.sandboxes!;
    expect(sandboxes.command).toEqual(['node', 'dist/src/sandboxes/main.js']);
    expect(existsSync(join(root, 'src/sandboxes/main.ts'))).toBe(true);
    expect(sandboxes.environment).toMatchObject({ HOST: '0.0.0.0', PORT: '4000', PARLEY_SANDBOXES_PUBLIC: 'true' });
  });

  it('puts the three behind one port', () => {
    const lb = compose.services['load-balancer']!;
    expect(lb.ports).toEqual(['3000:3000']);
    const upstream = compose.configs.nginx!.content;
    for (const [name] of instances) expect(upstream).toContain(`server ${name}:3000`);
  });
});
