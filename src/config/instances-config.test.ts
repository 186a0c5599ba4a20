import { describe, expect, it } from 'vitest';
import { InstanceConfig, RedisConfig, StoreConfig, storeDriver } from './schema.ts';

describe('the store a config chooses', () => {
  it('is the embedded SQLite unless a PostgreSQL URL is set (DATABASE_URL empty in the shipped configs)', () => {
    expect(storeDriver(StoreConfig.parse({}))).toBe('sqlite');
    expect(storeDriver(StoreConfig.parse({ postgres: { url: '' } }))).toBe('sqlite');
    expect(storeDriver(StoreConfig.parse({ postgres: { url: 'postgres://u:p@db:5432/parley' } }))).toBe('postgres');
  });
  it('an explicit driver wins; postgres without a URL is refused, naming the variable', () => {
    expect(storeDriver(StoreConfig.parse({ driver: 'sqlite', postgres: { url: 'postgres://db/parley' } }))).toBe('sqlite');
    const refused = StoreConfig.safeParse({ driver: 'postgres' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]).toMatchObject({ path: ['postgres', 'url'] });
    expect(refused.error?.issues[0]?.message).toContain('DATABASE_URL');
  });
  it('refuses a URL that is not PostgreSQL\'s', () => {
    expect(StoreConfig.safeParse({ postgres: { url: 'mysql://db/parley' } }).success).toBe(false);
  });
});

describe('an instance\'s roles', () => {
  it('all three by default, or `all`, or a comma-separated list as PARLEY_ROLES gives them', () => {
    expect(InstanceConfig.parse({}).roles).toEqual(['intake', 'planner', 'dispatcher']);
    expect(InstanceConfig.parse({ roles: 'all' }).roles).toEqual(['intake', 'planner', 'dispatcher']);
    expect(InstanceConfig.parse({ roles: 'intake, dispatcher' }).roles).toEqual(['intake', 'dispatcher']);
    expect(InstanceConfig.parse({ roles: ['planner'] }).roles).toEqual(['planner']);
  });
  it('refuses a role it does not know', () => {
    expect(InstanceConfig.safeParse({ roles: 'intake,worker' }).success).toBe(false);
  });
});

describe('shared limits', () => {
  it('are off without a Redis URL; a URL must be Redis\'s', () => {
    expect(RedisConfig.parse({}).url).toBe('');
    expect(RedisConfig.parse({ url: 'redis://cache:6379' })).toEqual({ url: 'redis://cache:6379', keyPrefix: 'parley', callExpirationMs: 15_000 });
    expect(RedisConfig.safeParse({ url: 'http://cache' }).success).toBe(false);
  });
});
