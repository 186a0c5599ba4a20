import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.ts';
import { loadMappings } from '../mappings/load-mappings.ts';
import type { CanonicalData } from '../model/index.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { NewEvent, Store } from '../store/store.ts';
import { createPeopleIndexer } from './indexer.ts';
import { PERSON_PARENT_MAPPING } from './parent-changes.ts';

const opened: Store[] = [];
afterEach(async () => { for (const s of opened.splice(0)) await s.close(); });

async function storeWith(events: NewEvent[]): Promise<Store> {
  const store = new SqliteStore({ file: ':memory:', synchronous: 'normal' });
  opened.push(store);
  await store.migrate();
  await store.appendDeliveries([{ id: 'd1', source: 'standard', receivedAt: new Date(0), contentType: 'application/json', body: Buffer.from('{}') }]);
  const [delivery] = await store.readPendingDeliveries(1);
  await store.commitDerived([{ delivery: delivery!, outcome: { type: 'events', events } }], { dedupSince: new Date(0) });
  return store;
}
const profile = (id: string, network: string, userId: string, extra: Record<string, unknown> = {}): NewEvent => ({
  id, kind: 'identity', key: `identity:${id}`,
  data: { kind: 'identity', network, userId, key: `${network}:${userId}`, observedAt: '2026-11-01T00:00:00.000Z', ...extra } as CanonicalData,
});
let n = 0;
const indexer = (store: Store) => createPeopleIndexer({
  store, mappings: loadMappings(join(process.cwd(), 'mappings')), logger: createLogger('silent'), now: () => new Date(Date.UTC(2026, 10, 30)), newId: () => `id-${++n}`,
});

describe('the people indexer', () => {
  it('indexes stored events, links the same verified e-mail, and queues the update that moves the linked persona\'s parent', async () => {
    const store = await storeWith([
      profile('e1', 'facebook', 'a', { email: 'ada@example.com', emailVerified: true }),
      profile('e2', 'linkedin', 'b', { email: 'ADA@example.com', emailVerified: true }),
    ]);
    expect(await indexer(store).catchUp(5_000)).toBe(true);
    const a = (await store.people.getIdentity('facebook:a'))!;
    expect(await store.people.identitiesOf(a.personId)).toEqual(['facebook:a', 'linkedin:b']);
    const operations = (await store.listOperations({ limit: 10 })).items;
    expect(operations.map((o) => [o.mappingId, o.operation, o.object, o.recordKey])).toEqual([[PERSON_PARENT_MAPPING, 'update', 'SocialPersona', 'linkedin:b']]);
    expect(await store.people.readParentChanges(10)).toEqual([]);
  });

  it('does nothing on an instance that does not lead planning', async () => {
    const store = await storeWith([profile('e1', 'x', '1', { handle: 'ada' })]);
    const follower = new Proxy(store, { get: (target, key) => (key === 'holdsLead' ? async () => false : Reflect.get(target, key)) });
    expect(await indexer(follower).step()).toBe(0);
    expect(await store.people.getIdentity('x:1')).toBeUndefined();
    expect(await indexer(store).step()).toBe(1);
    expect(await store.people.getIdentity('x:1')).toMatchObject({ handle: 'ada' });
  });
});
