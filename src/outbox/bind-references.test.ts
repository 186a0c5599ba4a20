import { describe, expect, it } from 'vitest';
import type { OperationReference } from '../store/store.ts';
import { bindReferences, readRoundBindings, type RoundBindings } from './bind-references.ts';
import type { RoundLookups } from './lookups.ts';
import { fakeStore, operation } from './testing/fakes.ts';

// A persona (SocialPersona) of identity x:1, parented to the CRM record its person already is, or
// else to their first post; a post pointing at its author's persona, bound later if not written yet.

/** Look-ups answered from `records` (object → value → id); `fails` makes every look-up reject. */
function lookupsOf(records: Record<string, Record<string, string>>, options: { available?: boolean; fails?: boolean } = {}): RoundLookups & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    available: options.available ?? true,
    lookup: async (object, field, value) => {
      asked.push(`${object}.${field}=${value}`);
      if (options.fails) throw new Error('INVALID_SESSION_ID');
      return records[object]?.[value];
    },
  };
}
const none: RoundBindings = { linkOf: () => undefined, firstOf: () => undefined };
const bindings = (links: Record<string, string>, firsts: Record<string, string> = {}): RoundBindings => ({
  linkOf: (object, key) => (key === undefined ? undefined : links[`${object}/${key}`]),
  firstOf: (object, orderingKey) => firsts[`${object}/${orderingKey}`],
});
const parent: OperationReference = {
  field: 'ParentId', object: 'SocialPost', firstOfIdentity: true, bind: 'wait',
  match: [{ object: 'Contact', field: 'Email', value: 'ada@example.com' }, { object: 'Lead', field: 'Email', value: 'ada@example.com' }],
};
const persona = (refs: OperationReference[] = [parent]) => operation('persona', { object: 'SocialPersona', recordKey: 'x:1', orderingKey: 'crm:x:1', references: refs });
const authorRef: OperationReference = { field: 'PersonaId', object: 'SocialPersona', key: 'x:1', bind: 'later' };

describe('binding a record about to be created', () => {
  it('parents it to the first CRM record a match rule finds, and remembers that parent for the identity, also as that object (parentOf: Lead)', async () => {
    const lookups = lookupsOf({ Lead: { 'ada@example.com': '00Q1' } });
    const bound = await bindReferences(persona(), 'create', none, lookups);
    expect(bound).toEqual({ kind: 'bound', fields: { Content: 'post persona', ParentId: '00Q1' }, links: [{ object: 'SocialPersona.parent', key: 'x:1', crmId: '00Q1' }, { object: 'SocialPersona.parent.Lead', key: 'x:1', crmId: '00Q1' }] });
    expect(lookups.asked).toEqual(['Contact.Email=ada@example.com', 'Lead.Email=ada@example.com']);
  });

  it('stops at the first rule that finds a record', async () => {
    const lookups = lookupsOf({ Contact: { 'ada@example.com': '0031' }, Lead: { 'ada@example.com': '00Q1' } });
    expect(await bindReferences(persona(), 'upsert', none, lookups)).toMatchObject({ fields: { ParentId: '0031' } });
    expect(lookups.asked).toEqual(['Contact.Email=ada@example.com']);
  });

  it('falls back on the identity\'s first record when no rule finds one', async () => {
    const bound = await bindReferences(persona(), 'create', bindings({}, { 'SocialPost/crm:x:1': '0ST1' }), lookupsOf({}));
    expect(bound).toEqual({ kind: 'bound', fields: { Content: 'post persona', ParentId: '0ST1' } });
  });

  it('is held back when its parent can only be the identity\'s first record and there is none yet', async () => {
    expect(await bindReferences(persona(), 'create', none, lookupsOf({}))).toEqual({ kind: 'parent-missing', reference: parent });
  });

  it('counts a failed look-up as not found', async () => {
    expect(await bindReferences(persona(), 'create', none, lookupsOf({}, { fails: true }))).toEqual({ kind: 'parent-missing', reference: parent });
  });

  it('asks nothing of a destination that cannot look records up', async () => {
    const lookups = lookupsOf({ Contact: { 'ada@example.com': '0031' } }, { available: false });
    expect(await bindReferences(persona(), 'create', none, lookups)).toMatchObject({ kind: 'parent-missing' });
    expect(lookups.asked).toEqual([]);
  });
});

describe('binding an update or a delete', () => {
  it('looks nothing up and never waits for a parent: the record exists already', async () => {
    const lookups = lookupsOf({ Contact: { 'ada@example.com': '0031' } });
    expect(await bindReferences(persona(), 'update', none, lookups)).toEqual({ kind: 'bound', fields: { Content: 'post persona' } });
    expect(await bindReferences(persona(), 'delete', none, lookups)).toMatchObject({ kind: 'bound' });
    expect(lookups.asked).toEqual([]);
  });
});

describe('binding a reference by key', () => {
  it('sets the linked record\'s CRM id', async () => {
    const post = operation('p', { references: [authorRef] });
    expect(await bindReferences(post, 'create', bindings({ 'SocialPersona/x:1': '0SP1' }), lookupsOf({}))).toEqual({ kind: 'bound', fields: { Content: 'post p', PersonaId: '0SP1' } });
  });

  it('leaves a `later` one not written yet out of the fields, to be set once it is', async () => {
    const post = operation('p', { references: [authorRef] });
    expect(await bindReferences(post, 'create', none, lookupsOf({}))).toEqual({
      kind: 'bound', fields: { Content: 'post p' }, unbound: [{ field: 'PersonaId', object: 'SocialPersona', key: 'x:1' }],
    });
  });

  it('leaves a `wait` one not written yet empty (the store holds back those still planned)', async () => {
    const post = operation('p', { references: [{ ...authorRef, bind: 'wait' }] });
    expect(await bindReferences(post, 'create', none, lookupsOf({}))).toEqual({ kind: 'bound', fields: { Content: 'post p' } });
  });
});

describe('a round\'s bindings', () => {
  it('are read in one read of links and one of first records, for every operation\'s keys', async () => {
    const { store } = fakeStore({
      links: [{ object: 'SocialPersona', key: 'x:1', crmId: '0SP1' }, { object: 'SocialPost', key: 'other', crmId: 'nope' }],
      firsts: [{ object: 'SocialPost', orderingKey: 'crm:x:1', crmId: '0ST1' }],
    });
    const asked: string[] = [];
    const counting = {
      readLinks: async (...args: Parameters<typeof store.readLinks>) => { asked.push(`links ${JSON.stringify(args[1])}`); return store.readLinks(...args); },
      readFirstRecords: async (...args: Parameters<typeof store.readFirstRecords>) => { asked.push(`firsts ${JSON.stringify(args[1])}`); return store.readFirstRecords(...args); },
    };
    const round = await readRoundBindings(counting, 'crm', [operation('p', { references: [authorRef] }), persona()]);
    expect(asked).toEqual([
      'links [{"object":"SocialPost","key":"p"},{"object":"SocialPersona","key":"x:1"}]',
      'firsts [{"object":"SocialPost","orderingKey":"crm:x:1"}]',
    ]);
    expect([round.linkOf('SocialPersona', 'x:1'), round.linkOf('SocialPersona', undefined), round.linkOf('SocialPost', 'p')]).toEqual(['0SP1', undefined, undefined]);
    expect([round.firstOf('SocialPost', 'crm:x:1'), round.firstOf('SocialPost', 'crm:x:2')]).toEqual(['0ST1', undefined]);
  });
});

describe('a parent that follows the person (`person`)', () => {
  // x:2 is linked into a person whose primary identity is x:1: its persona is parented where x:1's is.
  const following: OperationReference = { ...parent, person: 'x:2' };
  const personaOf2 = (operationKind: 'upsert' | 'update' = 'upsert') => operation('persona-2', { object: 'SocialPersona', operation: operationKind, recordKey: 'x:2', orderingKey: 'crm:x:2', references: [following] });
  const linked = (links: Record<string, string>, firsts: Record<string, string> = {}): RoundBindings => ({ ...bindings(links, firsts), primaryOf: (key) => (key === 'x:2' ? 'x:1' : undefined) });

  it('takes the primary identity\'s matched parent, without a look-up and never held back', async () => {
    const lookups = lookupsOf({ Contact: { 'ada@example.com': '0032' } });
    const bound = await bindReferences(personaOf2(), 'create', linked({ 'SocialPersona.parent/x:1': '0031' }), lookups);
    expect(bound).toEqual({ kind: 'bound', fields: { Content: 'post persona-2', ParentId: '0031' } });
    expect(lookups.asked).toEqual([]);
  });

  it('else the primary identity\'s first record, also on the update that moves it', async () => {
    expect(await bindReferences(personaOf2('update'), 'update', linked({}, { 'SocialPost/crm:x:1': '0ST1', 'SocialPost/crm:x:2': '0ST2' }), lookupsOf({})))
      .toEqual({ kind: 'bound', fields: { Content: 'post persona-2', ParentId: '0ST1' } });
  });

  it('resolves as the identity\'s own when it is its person\'s primary, or the primary\'s parent is not known yet', async () => {
    const own = bindings({}, { 'SocialPost/crm:x:2': '0ST2' });
    expect(await bindReferences(personaOf2(), 'create', own, lookupsOf({}))).toMatchObject({ fields: { ParentId: '0ST2' } });
    expect(await bindReferences(personaOf2(), 'create', linked({}, { 'SocialPost/crm:x:2': '0ST2' }), lookupsOf({}))).toMatchObject({ fields: { ParentId: '0ST2' } });
  });

  it('moves back after an unmerge: the update looks the identity\'s own match up, as a create does', async () => {
    const lookups = lookupsOf({ Lead: { 'ada@example.com': '00Q2' } });
    expect(await bindReferences(personaOf2('update'), 'update', bindings({}, { 'SocialPost/crm:x:2': '0ST2' }), lookups)).toMatchObject({ fields: { ParentId: '00Q2' } });
    expect(lookups.asked).toEqual(['Contact.Email=ada@example.com', 'Lead.Email=ada@example.com']);
  });

  it('reads the primaries and their parents with the round\'s links and first records', async () => {
    const { store } = fakeStore({ links: [{ object: 'SocialPersona.parent', key: 'x:1', crmId: '0031' }], firsts: [{ object: 'SocialPost', orderingKey: 'crm:x:1', crmId: '0ST1' }] });
    const people = { primaries: async (keys: string[]) => keys.map((key) => ({ key, primaryKey: key === 'x:2' ? 'x:1' : key })) };
    const round = await readRoundBindings({ readLinks: store.readLinks.bind(store), readFirstRecords: store.readFirstRecords.bind(store), people }, 'crm', [personaOf2(), persona([{ ...parent, person: 'x:1' }])]);
    expect([round.primaryOf?.('x:2'), round.primaryOf?.('x:1')]).toEqual(['x:1', undefined]);
    expect(round.linkOf('SocialPersona.parent', 'x:1')).toBe('0031');
    expect(round.firstOf('SocialPost', 'crm:x:1')).toBe('0ST1');
  });
});
