import { describe, expect, it } from 'vitest';
import type { PlannedOperation } from '../mappings/plan-operations.ts';
import type { CanonicalData } from '../model/index.ts';
import type { ConsentStore, StoredConsent } from '../store/consent-store.ts';
import { applyConsent, consentLookup } from './consent.ts';

const op = (eventId: string, extra: Partial<PlannedOperation> = {}): PlannedOperation => ({
  mappingId: 'sf-x-persona', eventId, destination: 'salesforce', object: 'SocialPersona', operation: 'upsert', recordKey: 'x:1',
  fields: { ExternalId: 'x:1', Name: 'Ann', RealName: 'Ann Example', Followers: 3 }, references: [], personal: ['Name', 'RealName'], ...extra,
});

describe('applyConsent', () => {
  it('leaves the personal fields out for a person without consent, and keeps the rest', () => {
    const [withheld] = applyConsent([op('e1')], () => false);
    expect(withheld).toEqual({ ...op('e1'), fields: { ExternalId: 'x:1', Followers: 3 }, personal: undefined });
    expect(withheld).not.toHaveProperty('personal');
  });

  it('changes nothing for a person who consented, or an operation with no personal field', () => {
    const ops = [op('e1'), op('e2', { personal: undefined }), op('e3', { personal: [] })];
    expect(applyConsent(ops, () => true)).toEqual(ops);
    expect(applyConsent(ops.slice(1), () => false)).toEqual(ops.slice(1));
  });

  it('decides per event', () => {
    const out = applyConsent([op('yes'), op('no')], (eventId) => eventId === 'yes');
    expect(out.map((o) => Object.keys(o.fields))).toEqual([['ExternalId', 'Name', 'RealName', 'Followers'], ['ExternalId', 'Followers']]);
  });

  it('leaves out whole an operation that finds its record by a personal field', () => {
    const byEmail = op('e1', { object: 'Contact', matchKey: 'Email', matchValue: 'ann@example.com', fields: { Email: 'ann@example.com', LastName: 'Example' }, personal: ['Email', 'LastName'] });
    expect(applyConsent([byEmail, op('e1')], () => false).map((o) => o.object)).toEqual(['SocialPersona']);
  });
});

describe('consentLookup', () => {
  const recorded: StoredConsent[] = [
    { identityKey: 'x:yes', granted: true, recordedBy: 'ops', recordedAt: '2026-11-01T00:00:00.000Z' },
    { identityKey: 'x:no', granted: false, recordedBy: 'ops', recordedAt: '2026-11-01T00:00:00.000Z' },
  ];
  const asked: string[][] = [];
  const consents = { of: async (keys: string[]) => { asked.push(keys); return recorded.filter((c) => keys.includes(c.identityKey)); } } as unknown as ConsentStore;
  const identity = (key: string) => ({ kind: 'identity', network: 'x', userId: key.slice(2), key, observedAt: '2026-11-01T00:00:00.000Z' }) as CanonicalData;
  const interaction = (author?: string) => ({ kind: 'interaction', network: 'x', networkId: '1', activity: 'post', direction: 'inbound', occurredAt: '2026-11-01T00:00:00.000Z', ...(author ? { author: { key: author, userId: author.slice(2) } } : {}) }) as CanonicalData;
  const erasure = { kind: 'erasure', network: 'x', subject: { type: 'user', userId: 'no' }, reason: 'deleted', occurredAt: '2026-11-01T00:00:00.000Z' } as CanonicalData;
  const events = [
    { id: 'i-yes', data: identity('x:yes') }, { id: 'i-no', data: identity('x:no') }, { id: 'p-no', data: interaction('x:no') },
    { id: 'p-unknown', data: interaction('x:unknown') }, { id: 'p-anonymous', data: interaction() }, { id: 'gone', data: erasure },
  ];

  it('answers the recorded consent of the identity or the author, else the policy default, in one read', async () => {
    asked.length = 0;
    const denied = await consentLookup(consents, { default: 'denied' }, events);
    expect(events.map((e) => denied(e.id))).toEqual([true, false, false, false, false, true]);
    const granted = await consentLookup(consents, { default: 'granted' }, events);
    expect(events.map((e) => granted(e.id))).toEqual([true, false, false, true, true, true]);
    expect(asked).toEqual([['x:yes', 'x:no', 'x:unknown'], ['x:yes', 'x:no', 'x:unknown']]);
  });
});
