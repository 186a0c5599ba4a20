import { describe, expect, it } from 'vitest';
import { MetaSourceConfig } from './config.ts';

describe('MetaSourceConfig', () => {
  it('takes the app secret and verify token, an empty previous value meaning no rotation', () => {
    expect(MetaSourceConfig.parse({ appSecret: 's', verifyToken: 't', appSecretPrevious: '', verifyTokenPrevious: '' }))
      .toEqual({ appSecret: 's', verifyToken: 't', appSecretPrevious: undefined, verifyTokenPrevious: undefined });
    expect(MetaSourceConfig.parse({ appSecret: 's', verifyToken: 't', appSecretPrevious: 'old', verifyTokenPrevious: 'old-t' }))
      .toMatchObject({ appSecretPrevious: 'old', verifyTokenPrevious: 'old-t' });
  });

  it('refuses a block without the secret or the token, and unknown keys (a typo must not pass silently)', () => {
    const paths = (value: unknown) => MetaSourceConfig.safeParse(value).error?.issues.map((issue) => issue.path.join('.') || issue.code);
    expect(paths({ verifyToken: 't' })).toEqual(['appSecret']);
    expect(paths({ appSecret: '', verifyToken: 't' })).toEqual(['appSecret']);
    expect(paths({ appSecret: 's' })).toEqual(['verifyToken']);
    expect(paths({ appSecret: 's', verifyToken: 't', appSecretPrevous: 'x' })).toEqual(['unrecognized_keys']);
  });
});
