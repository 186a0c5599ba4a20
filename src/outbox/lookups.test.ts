import { describe, expect, it } from 'vitest';
import type { CatalogObject } from '../connectors/destination.ts';
import type { StoredOperation } from '../store/store.ts';
import { lookUpRound } from './lookups.ts';
import { planWrite } from './write-plan.ts';

// A fake CRM holding SocialPost records by ExternalPostId and Contacts by Email, counting calls.
function fakeCrm(records: Record<string, Record<string, string>>, options: { many?: boolean; perCall?: number } = {}) {
  const calls: Array<{ object: string; field: string; values: string[] }> = [];
  const find = (object: string, value: string) => (Object.hasOwn(records[object] ?? {}, value) ? records[object]![value] : undefined);
  return {
    calls,
    client: {
      lookup: async (object: string, field: string, value: string) => { calls.push({ object, field, values: [value] }); return find(object, value); },
      ...(options.many === false ? {} : {
        lookupMany: async (object: string, field: string, values: readonly string[]) => {
          // As Salesforce's: one call per 100 values.
          for (let i = 0; i < values.length; i += options.perCall ?? 100) calls.push({ object, field, values: values.slice(i, i + (options.perCall ?? 100)) });
          return new Map(values.flatMap((v) => { const id = find(object, v); return id ? [[v, id] as [string, string]] : []; }));
        },
      }),
    },
  };
}

// SocialPost.ExternalPostId is no External ID in every org: an upsert by it is a look-up, then a create or an update.
const post: CatalogObject = {
  name: 'SocialPost', label: 'Social Post', createable: true, updateable: true, deletable: true,
  fields: [{ name: 'ExternalPostId', label: 'External Post Id', vendorType: 'string', valueType: 'string', required: false, nillable: true, createable: true, updateable: true, upsertKey: false }],
};
const op = (id: string, extra: Partial<StoredOperation> = {}): StoredOperation => ({
  id, eventId: `e-${id}`, mappingId: 'sf-x-post', destination: 'salesforce', object: 'SocialPost', operation: 'upsert', matchKey: 'ExternalPostId', matchValue: id,
  recordKey: id, orderingKey: 'salesforce:x:1', fields: {}, references: [], state: 'leased', attempts: 0, nextAttemptAt: '', outcomeUnknown: false,
  createdAt: '', updatedAt: '', ...extra,
});
const plan = (o: StoredOperation, lookups: Parameters<typeof planWrite>[3]) => planWrite(o, post, undefined, lookups);

describe('a round\'s look-ups', () => {
  it('looks up 1,000 records of unknown outcome in 10 calls, and plans each from the answers without another call', async () => {
    const crm = fakeCrm({ SocialPost: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`p${i * 2}`, `ID${i * 2}`])) });
    const ops = Array.from({ length: 1000 }, (_, i) => op(`p${i}`, { outcomeUnknown: true }));
    const lookups = await lookUpRound(ops, plan, crm.client);
    expect(crm.calls).toHaveLength(10);
    const plans = await Promise.all(ops.map((o) => plan(o, lookups)));
    expect(crm.calls).toHaveLength(10);
    expect(plans[0]).toEqual({ kind: 'send', operation: 'update', recordId: 'ID0' });
    expect(plans[1]).toEqual({ kind: 'send', operation: 'create' });
  });

  it('looks nothing up for operations that were never sent (outcome known) or already linked', async () => {
    const crm = fakeCrm({ SocialPost: { p1: 'ID1' } });
    const lookups = await lookUpRound([op('p1'), op('p2')], plan, crm.client);
    expect(crm.calls).toEqual([]);
    expect(await plan(op('p1'), lookups)).toEqual({ kind: 'send', operation: 'create' });
  });

  it('looks up the match rules of records about to be created together, one call per object and field', async () => {
    const crm = fakeCrm({ Contact: { 'a@x.example': 'C1' } });
    const persona = (id: string, email: string) => op(id, { object: 'Persona', matchKey: undefined, matchValue: undefined, operation: 'create',
      references: [{ field: 'ParentId', object: 'SocialPost', firstOfIdentity: true, bind: 'wait', match: [{ object: 'Contact', field: 'Email', value: email }, { object: 'Lead', field: 'Email', value: email }] }] });
    const ops = [persona('u1', 'a@x.example'), persona('u2', 'b@x.example'), persona('u3', 'c@x.example')];
    const lookups = await lookUpRound(ops, (o, l) => planWrite(o, undefined, undefined, l), crm.client);
    expect(crm.calls.map((c) => [c.object, c.values.length])).toEqual([['Contact', 3], ['Lead', 3]]);
    expect(await lookups.lookup('Contact', 'Email', 'a@x.example')).toBe('C1');
    expect(await lookups.lookup('Lead', 'Email', 'a@x.example')).toBeUndefined();
    expect(crm.calls).toHaveLength(2);
  });

  it('falls back to one call per record for a connector without lookupMany, and asks alone what was not foreseen', async () => {
    const crm = fakeCrm({ SocialPost: { p1: 'ID1' } }, { many: false });
    const lookups = await lookUpRound([op('p1', { outcomeUnknown: true }), op('p2', { outcomeUnknown: true })], plan, crm.client);
    expect(crm.calls).toHaveLength(2);
    expect(await lookups.lookup('SocialPost', 'ExternalPostId', 'p9')).toBeUndefined();
    expect(crm.calls).toHaveLength(3);
  });

  it('passes a failed call on to every record it answered for, without treating them as absent', async () => {
    const client = { lookupMany: async () => { throw new Error('SERVER_UNAVAILABLE'); } };
    const lookups = await lookUpRound([op('p1', { outcomeUnknown: true })], plan, client);
    await expect(plan(op('p1', { outcomeUnknown: true }), lookups)).rejects.toThrow('SERVER_UNAVAILABLE');
  });
});
