import { describe, expect, it } from 'vitest';
import { lingerAfterPartialRound } from './freshness.ts';

describe('the linger after a partial round', () => {
  it('spends three fifths of the freshness budget waiting for more operations to share the call', () => {
    expect(lingerAfterPartialRound(2000)).toBe(1200);
    expect(lingerAfterPartialRound(500)).toBe(300);
  });
  it('an explicit lingerMs wins (tests and latency-sensitive setups)', () => {
    expect(lingerAfterPartialRound(2000, 20)).toBe(20);
    expect(lingerAfterPartialRound(2000, 0)).toBe(0);
  });
});
