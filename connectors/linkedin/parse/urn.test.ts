import { describe, expect, it } from 'vitest';
import { normaliseUrn } from './urn.ts';

describe('normaliseUrn', () => {
  it('spells both forms of a comment URN the one way', () => {
    const full = 'urn:li:comment:(urn:li:activity:7094637247890620418,7094977717598625792)';
    expect(normaliseUrn('urn:li:comment:(activity:7094637247890620418,7094977717598625792)')).toBe(full);
    expect(normaliseUrn(full)).toBe(full);
    expect(normaliseUrn('urn:li:comment:(ugcPost:1,2)')).toBe('urn:li:comment:(urn:li:ugcPost:1,2)');
  });

  it('leaves other URNs alone', () => {
    for (const urn of ['urn:li:activity:7094637247890620418', 'urn:li:share:1', 'urn:li:person:zLqTygBP8S', 'urn:li:organization:96072893']) {
      expect(normaliseUrn(urn)).toBe(urn);
    }
  });
});
