import { describe, expect, it } from 'vitest';
import { parseMapping } from './load-mappings.ts';
import { ReferenceSpec } from './mapping-schema.ts';
import { planOperations } from './plan-operations.ts';

// The three ways a reference names its record: by key, as the identity's first record, or by
// match rules alone (a record the person already is in the CRM; empty when none is found).

const profile = (reference: string) => parseMapping(`
id: d-profile
source: { kind: identity }
target: { destination: crm, object: socialprofile, operation: upsert, matchKey: uniqueprofileid }
fields:
  uniqueprofileid: key
references:
  customerid: ${reference}
`, 'd-profile.yaml');

const identity = (email?: string) => ({
  id: 'e1', source: 'x',
  data: { kind: 'identity', network: 'x', key: 'x:1', networkId: '1', handle: 'ada', ...(email ? { email } : {}) },
}) as never;

describe('references', () => {
  it('takes key, firstOfIdentity or match rules; refuses none of them, key with firstOfIdentity, and match with key', () => {
    const rule = { object: 'Contact', field: 'Email', value: 'email' };
    expect(ReferenceSpec.safeParse({ object: 'A', key: 'author.key' }).success).toBe(true);
    expect(ReferenceSpec.safeParse({ object: 'A', firstOfIdentity: true, match: [rule] }).success).toBe(true);
    expect(ReferenceSpec.safeParse({ object: 'Contact', match: [rule] }).success).toBe(true);
    expect(ReferenceSpec.safeParse({ object: 'A' }).error?.issues[0]?.message).toBe('give key, firstOfIdentity: true, or match rules');
    expect(ReferenceSpec.safeParse({ object: 'A', match: [] }).success).toBe(false);
    expect(ReferenceSpec.safeParse({ object: 'A', key: 'k', firstOfIdentity: true }).error?.issues[0]?.message).toBe('give key or firstOfIdentity: true, not both');
    expect(ReferenceSpec.safeParse({ object: 'A', key: 'k', match: [rule] }).error?.issues[0]?.message).toBe('match goes with firstOfIdentity: true, or alone; not with key');
  });

  it('with match rules alone, plans a look-up and never waits for a first record; without a rule value, no reference at all', async () => {
    const mapping = profile('{ object: contact, match: [{ object: contact, field: emailaddress1, value: email }] }');
    const withEmail = await planOperations([mapping], identity('ada@example.com'));
    expect(withEmail.problems).toEqual([]);
    expect(withEmail.operations[0]!.references).toEqual([{ field: 'customerid', object: 'contact', bind: 'wait', match: [{ object: 'contact', field: 'emailaddress1', value: 'ada@example.com' }] }]);
    const without = await planOperations([mapping], identity());
    expect(without.operations[0]!.references).toEqual([]);
  });
});
