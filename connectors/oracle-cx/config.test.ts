import { describe, expect, it } from 'vitest';
import { OracleCxConfig, versionRoot } from './config.ts';

describe('the Oracle CX config', () => {
  it('defaults: basic auth, framework version "4", every object, the practical page maximum', () => {
    expect(OracleCxConfig.parse({ username: 'u', password: 'p', url: '' })).toMatchObject({
      auth: 'basic', frameworkVersion: '4', resourceVersion: '11.13.18.05', lookupPageSize: 500, rateLimitWaitMs: 60_000,
      objects: ['socialUsers', 'socialPosts', 'serviceRequests', 'messages', 'contacts'],
    });
    expect(OracleCxConfig.parse({ username: 'u', password: 'p', frameworkVersion: 1 }).frameworkVersion).toBe('1');
  });

  it('requires each auth\'s keys: scope only for client_credentials (no assertion)', () => {
    const paths = (input: unknown) => (OracleCxConfig.safeParse(input).error?.issues ?? []).map((i) => i.path.join('.'));
    expect(paths({ auth: 'basic' })).toEqual(['username', 'password']);
    expect(paths({ auth: 'oauth' })).toEqual(['tokenUrl', 'clientId', 'clientSecret', 'scope']);
    expect(paths({ auth: 'oauth', tokenUrl: 'https://idcs.identity.oraclecloud.com/oauth2/v1/token', clientId: 'c', clientSecret: 's', assertion: 'a.b.c' })).toEqual([]);
    expect(paths({ username: 'u', password: 'p', frameworkVersion: '10' })).toEqual(['frameworkVersion']);
    expect(paths({ username: 'u', password: 'p', unknown: 1 })).toEqual(['']);
  });
});

describe('the version root (config url)', () => {
  const v = { resourceVersion: '11.13.18.05' };
  it('appends the version root to a pod root, the version to a resources URL, nothing to a version root', () => {
    expect(versionRoot({ ...v, url: 'https://x.fa.us2.oraclecloud.com' }, {})).toBe('https://x.fa.us2.oraclecloud.com/crmRestApi/resources/11.13.18.05/');
    expect(versionRoot({ ...v, url: 'https://x.fa.us2.oraclecloud.com/crmRestApi/resources/' }, {})).toBe('https://x.fa.us2.oraclecloud.com/crmRestApi/resources/11.13.18.05/');
    expect(versionRoot({ ...v, url: 'https://x.fa.us2.oraclecloud.com/crmRestApi/resources/latest' }, {})).toBe('https://x.fa.us2.oraclecloud.com/crmRestApi/resources/latest/');
  });
  it('uses the mounted sandbox when url is unset, and nothing when neither is known', () => {
    expect(versionRoot({ ...v, url: undefined }, { sandboxUrl: 'http://127.0.0.1:3000/sandbox/oracle-cx' })).toBe('http://127.0.0.1:3000/sandbox/oracle-cx/crmRestApi/resources/11.13.18.05/');
    expect(versionRoot({ ...v, url: undefined }, {})).toBeUndefined();
  });
});
