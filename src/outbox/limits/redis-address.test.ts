import { describe, expect, it } from 'vitest';
import { redisAddress } from './redis-address.ts';

describe('redisAddress', () => {
  it('gives host:port and nothing of the credentials', () => {
    expect(redisAddress('redis://parley:s3cret@cache.internal:6380/2')).toBe('cache.internal:6380');
    expect(redisAddress('rediss://:s3cret@cache.internal')).toBe('cache.internal:6379');
  });

  it('does not echo a URL it cannot parse', () => {
    expect(redisAddress('s3cret@nowhere')).toBe('(unparsable Redis URL)');
  });
});
