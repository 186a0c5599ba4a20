import { expect, it } from 'vitest';
import type { CanonicalData } from '../model/index.ts';
import type { ErasureCommit } from './erasure-store.ts';
import type { NewEvent, NewOperation, Store } from './store.ts';

/** What the erasure cases borrow from the contract suite. */
export interface ErasureCaseKit {
  fresh: () => Promise<{ store: Store }>;
  at: (ms: number) => Date;
  storeNewEvents: (store: Store, events: NewEvent[]) => Promise<void>;
  operation: (id: string, eventId: string, extra?: Partial<NewOperation>) => NewOperation;
}

const post = (id: string, user: string): NewEvent => ({
  id, kind: 'interaction', key: `tweet:${id}`,
  data: { kind: 'interaction', network: 'x', networkId: id, activity: 'post', direction: 'inbound', author: { key: `x:${user}`, userId: user, handle: `h${user}` }, text: `secret text ${id}`, occurredAt: '2026-11-01T00:00:00.000Z' } as CanonicalData,
});

/** The Store contract's cases about erasures (`Store.erasures`). Called inside `describeStoreContract`. */
export function erasureCases({ fresh, at, storeNewEvents, operation }: ErasureCaseKit): void {
  const commit = (extra: Partial<ErasureCommit>): ErasureCommit => ({
    id: 'er1', personId: 'p1', requestedBy: 'dpo', identities: 1, purge: { salesforce: 'hard' },
    identityKeys: ['x:7'], orderingKeys: ['salesforce:x:7'], hashes: ['h-identity', 'h-event'], deletes: [], ...extra,
  });

  it('keeps one salt, and a suppression list of hashes', async () => {
    const { store } = await fresh();
    const salt = await store.erasures.salt();
    expect(salt).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.erasures.salt()).toBe(salt);
    expect(await store.erasures.suppressed(['h-identity'])).toEqual([]);
    await store.erasures.commit(commit({}), { now: at(0) });
    expect((await store.erasures.suppressed(['h-event', 'other', 'h-identity'])).sort()).toEqual(['h-event', 'h-identity']);
  });

  it('finds the records written for an identity and its events\' keys', async () => {
    const { store } = await fresh();
    await storeNewEvents(store, [post('e1', '7'), post('e2', '8')]);
    await store.commitPlan([
      { eventId: 'e1', operations: [operation('o1', 'e1', { orderingKey: 'salesforce:x:7', recordKey: 'tweet:e1', matchValue: 'e1', references: [] })], problems: [] },
      { eventId: 'e2', operations: [operation('o2', 'e2', { orderingKey: 'salesforce:x:8', recordKey: 'tweet:e2', references: [] })], problems: [] },
    ], { now: at(0) });
    const [claimed] = await store.claimOperations('salesforce', { owner: 'd', now: at(1), leaseMs: 60_000, limit: 1 });
    await store.recordOutcomes([{ id: claimed!.id, outcome: 'done', crmId: 'crm-1' }], { owner: 'd', now: at(2) });
    expect(await store.erasures.recordsOf(['salesforce:x:7'])).toEqual([
      { destination: 'salesforce', object: 'SocialPost', recordKey: 'tweet:e1', matchKey: 'ExternalPostId', matchValue: 'e1', crmId: 'crm-1', identity: 'x:7' },
    ]);
    expect(await store.erasures.eventKeysOf(['x:7'])).toEqual([{ source: 'x', key: 'tweet:e1' }]);
  });

  it('removes the person from the store, withdraws their unsent writes and queues the deletes, in one step; done once the deletes are', async () => {
    const { store } = await fresh();
    await storeNewEvents(store, [post('e1', '7'), post('e2', '7'), post('e3', '8')]);
    await store.commitPlan([
      { eventId: 'e1', operations: [operation('o1', 'e1', { orderingKey: 'salesforce:x:7', recordKey: 'tweet:e1', references: [] })], problems: [] },
      { eventId: 'e2', operations: [operation('o2', 'e2', { orderingKey: 'salesforce:x:7', recordKey: 'tweet:e2', references: [] })], problems: [] },
      { eventId: 'e3', operations: [operation('o3', 'e3', { orderingKey: 'salesforce:x:8', recordKey: 'tweet:e3', references: [] })], problems: [] },
    ], { now: at(0) });
    const [first] = await store.claimOperations('salesforce', { owner: 'd', now: at(1), leaseMs: 60_000, limit: 1 });
    await store.recordOutcomes([{ id: first!.id, outcome: 'done', crmId: 'crm-1' }], { owner: 'd', now: at(2) });
    const erasure = await store.erasures.commit(commit({
      deletes: [{ ...operation('del1', 'erasure:er1', { orderingKey: 'salesforce:x:7', recordKey: 'tweet:e1', references: [] }), operation: 'delete', mappingId: 'erasure', fields: {} }],
    }), { now: at(3) });
    expect(erasure).toMatchObject({
      id: 'er1', personId: 'p1', requestedBy: 'dpo', state: 'running', identities: 1, requestedAt: at(3).toISOString(),
      destinations: { salesforce: { planned: 1, deleted: 0, failed: 0, queued: 1, state: 'running', purge: 'hard' } },
      // The one delivery carried them (and e3): its body goes, e3 stays as its event.
      removed: { events: 2, deliveries: 1, deadLetters: 0, operations: 2 },
    });
    const events = await store.listEvents({ limit: 10 });
    expect(events.items.map((e) => e.id)).toEqual(['e3']);
    const ops = (await store.listOperations({ limit: 10 })).items;
    const byId = new Map(ops.map((o) => [o.id, o]));
    expect(byId.get('o2')).toMatchObject({ state: 'superseded', fields: {}, references: [] });
    expect(byId.get('o2')!.recordKey).toBeUndefined();
    expect(JSON.stringify([byId.get('o1'), byId.get('o2')])).not.toMatch(/x:7|tweet:e[12]|secret/);
    expect(byId.get('o3')).toMatchObject({ state: 'pending', recordKey: 'tweet:e3' });
    expect(byId.get('del1')).toMatchObject({ state: 'pending', operation: 'delete', erasureId: 'er1' });
    expect(await store.erasures.running()).toEqual(['er1']);
    expect(await store.erasures.finish('er1', { now: at(4) })).toBe(false);
    const claimed = await store.claimOperations('salesforce', { owner: 'd', now: at(5), leaseMs: 60_000, limit: 10 });
    expect(claimed.map((o) => o.id).sort()).toEqual(['del1', 'o3']);
    await store.recordOutcomes([{ id: 'del1', outcome: 'done', crmId: 'crm-1' }], { owner: 'd', now: at(6) });
    expect(await store.erasures.finish('er1', { now: at(7) })).toBe(true);
    const done = await store.erasures.get('er1');
    expect(done).toMatchObject({ state: 'done', finishedAt: at(7).toISOString(), destinations: { salesforce: { deleted: 1, queued: 0, state: 'done' } } });
    const del = (await store.listOperations({ limit: 10 })).items.find((o) => o.id === 'del1')!;
    expect(JSON.stringify(del)).not.toMatch(/x:7|tweet:e1/);
    expect(await store.readLinks('salesforce', [{ object: 'SocialPost', key: 'tweet:e1' }])).toEqual([]);
    expect(await store.erasures.running()).toEqual([]);
    expect(await store.erasures.get('nope')).toBeUndefined();
  });

  it('with keepStore, only queues the CRM deletes and withdraws what is unsent: the store keeps its copies', async () => {
    const { store } = await fresh();
    await storeNewEvents(store, [post('e1', '7')]);
    await store.commitPlan([{ eventId: 'e1', operations: [operation('o1', 'e1', { orderingKey: 'salesforce:x:7', recordKey: 'tweet:e1', references: [] })], problems: [] }], { now: at(0) });
    const erasure = await store.erasures.commit(commit({
      hashes: [], keepStore: true,
      deletes: [{ ...operation('del1', 'erasure:er1', { orderingKey: 'salesforce:x:7', recordKey: 'tweet:e1', references: [] }), operation: 'delete', mappingId: 'erasure', fields: {} }],
    }), { now: at(1) });
    expect(erasure).toMatchObject({ removed: { events: 0, deliveries: 0, deadLetters: 0, operations: 0 }, destinations: { salesforce: { planned: 1, queued: 1 } } });
    expect((await store.listEvents({ limit: 10 })).items.map((e) => e.id)).toEqual(['e1']);
    const o1 = (await store.listOperations({ limit: 10 })).items.find((o) => o.id === 'o1')!;
    expect(o1).toMatchObject({ state: 'superseded', recordKey: 'tweet:e1' });
  });
}
