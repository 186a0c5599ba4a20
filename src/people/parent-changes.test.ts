import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMappings } from '../mappings/load-mappings.ts';
import { planOperations } from '../mappings/plan-operations.ts';
import type { CanonicalData, StoredEvent } from '../model/index.ts';
import { PERSON_PARENT_MAPPING, parentUpdates, personFollowing } from './parent-changes.ts';

const shipped = loadMappings(join(process.cwd(), 'mappings'));
const profile: StoredEvent = {
  id: 'e1', source: 'x', kind: 'identity', key: 'user:1', deliveryId: 'd1', receivedAt: '2026-11-01T00:00:00.000Z',
  data: { kind: 'identity', network: 'x', userId: '1', key: 'x:1', handle: 'ada', email: 'ada@example.com', observedAt: '2026-11-01T00:00:00.000Z' } as CanonicalData,
};
let ids = 0;
const newId = () => `op-${++ids}`;

describe('moving a persona\'s parent when its person changes', () => {
  it('the shipped persona mappings follow the person: ParentId names the persona\'s own identity', async () => {
    expect(personFollowing(shipped).map((m) => m.definition.id).sort()).toEqual(['sf-social-persona', 'sf-x-persona']);
    const { operations } = await planOperations(shipped, { id: profile.id, source: profile.source, data: profile.data });
    const persona = operations.find((o) => o.mappingId === 'sf-x-persona')!;
    expect(persona.references).toEqual([{
      field: 'ParentId', object: 'SocialPost', firstOfIdentity: true, bind: 'wait', person: 'x:1',
      match: [{ object: 'Contact', field: 'Email', value: 'ada@example.com' }, { object: 'Lead', field: 'Email', value: 'ada@example.com' }],
    }]);
  });

  it('is an update of the identity\'s persona carrying only the reference that follows the person, behind the identity\'s other writes', async () => {
    const updates = await parentUpdates(profile, shipped, new Map(), newId);
    expect(updates).toEqual([{
      id: 'op-1', eventId: 'e1', mappingId: PERSON_PARENT_MAPPING, destination: 'salesforce', object: 'SocialPersona', operation: 'update',
      matchKey: 'ExternalId', matchValue: '1', recordKey: 'x:1', orderingKey: 'salesforce:x:1', fields: {},
      references: [expect.objectContaining({ field: 'ParentId', person: 'x:1' })],
    }]);
  });

  it('gives nothing for an event no person-following mapping takes', async () => {
    const post = { ...profile, kind: 'interaction' as const, data: { kind: 'interaction', network: 'x', networkId: '9', activity: 'post', direction: 'inbound', author: { key: 'x:1', userId: '1' }, text: 'hi', occurredAt: '2026-11-01T00:00:00.000Z' } as CanonicalData };
    expect(await parentUpdates(post, shipped, new Map(), newId)).toEqual([]);
  });
});
