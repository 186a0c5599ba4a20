import { describe, expect, it } from 'vitest';
import { LinkedInSourceConfig } from './config.ts';

describe('linkedin config', () => {
  it('defaults to the prefixed-body reading, no rotation and no child apps', () => {
    const config = LinkedInSourceConfig.parse({ clientSecret: 's' });
    expect(config.signatureInput).toBe('prefixed-body');
    expect(config.clientSecretPrevious).toBeUndefined();
    expect(config.applicationSecrets.size).toBe(0);
  });

  it('treats an empty previous secret as no rotation (an unset ${LINKEDIN_CLIENT_SECRET_PREVIOUS})', () => {
    expect(LinkedInSourceConfig.parse({ clientSecret: 's', clientSecretPrevious: '' }).clientSecretPrevious).toBeUndefined();
  });

  it('keeps child app secrets in a Map, so an id such as __proto__ is just a key', () => {
    const config = LinkedInSourceConfig.parse({ clientSecret: 's', applicationSecrets: JSON.parse('{"123": "child", "constructor": "c", "__proto__": "p"}') });
    expect([...config.applicationSecrets.entries()]).toEqual([['123', 'child'], ['constructor', 'c'], ['__proto__', 'p']]);
    expect(config.applicationSecrets.get('toString')).toBeUndefined();
    expect(LinkedInSourceConfig.safeParse({ clientSecret: 's', applicationSecrets: { '123': '' } }).success).toBe(false);
    expect(LinkedInSourceConfig.safeParse({ clientSecret: 's', applicationSecrets: ['x'] }).success).toBe(false);
  });

  it('refuses a missing secret, an unknown reading and unknown keys', () => {
    expect(LinkedInSourceConfig.safeParse({}).success).toBe(false);
    expect(LinkedInSourceConfig.safeParse({ clientSecret: '' }).success).toBe(false);
    expect(LinkedInSourceConfig.safeParse({ clientSecret: 's', signatureInput: 'both' }).success).toBe(false);
    expect(LinkedInSourceConfig.safeParse({ clientSecret: 's', clientSecrett: 'typo' }).success).toBe(false);
  });
});
