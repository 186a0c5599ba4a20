import { describe, expect, it } from 'vitest';
import { eventHash, identityHash } from './hashes.ts';
import { planDeletes } from './plan-deletes.ts';

describe('an erasure\'s deletes', () => {
  it('deletes what points at the person before the person\'s own records, each findable by key or CRM id', () => {
    let n = 0;
    const deletes = planDeletes('er1', [
      { destination: 'salesforce', object: 'SocialPersona', recordKey: 'x:7', matchKey: 'ExternalId', matchValue: '7', crmId: '0ShP1', identity: 'x:7' },
      { destination: 'salesforce', object: 'SocialPost', recordKey: 'tweet:1', matchKey: 'ExternalPostId', matchValue: '1', identity: 'x:7' },
      { destination: 'salesforce', object: 'Case', crmId: '500A', identity: 'x:7' },
    ], () => `op${++n}`);
    expect(deletes.map((d) => [d.object, d.recordKey, d.fields])).toEqual([
      ['SocialPost', 'tweet:1', {}],
      ['Case', 'erased:500A', { $crmId: '500A' }],
      ['SocialPersona', 'x:7', { $crmId: '0ShP1' }],
    ]);
    expect(deletes.every((d) => d.operation === 'delete' && d.orderingKey === 'salesforce:x:7' && d.eventId === 'erasure:er1')).toBe(true);
    expect(deletes[0]).toMatchObject({ matchKey: 'ExternalPostId', matchValue: '1' });
  });

  it('hashes keys under the salt: the same key and salt give the same hash, another salt another one', () => {
    expect(identityHash('s1', 'x:7')).toBe(identityHash('s1', 'x:7'));
    expect(identityHash('s2', 'x:7')).not.toBe(identityHash('s1', 'x:7'));
    expect(eventHash('s1', 'x', 'tweet:1')).not.toBe(identityHash('s1', 'tweet:1'));
    expect(identityHash('s1', 'x:7')).toMatch(/^[0-9a-f]{64}$/);
  });
});
