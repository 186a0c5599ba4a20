import { expect, it } from 'vitest';
import type { NewOperation, Store } from './store.ts';

/** What the instance cases borrow from the contract suite: a fresh store and its helpers. */
export interface InstanceCaseKit {
  fresh: () => Promise<{ store: Store }>;
  at: (ms: number) => Date;
  storeEvents: (store: Store, ids: string[]) => Promise<void>;
  operation: (id: string, eventId: string, extra?: Partial<NewOperation>) => NewOperation;
}

/**
 * The Store contract's cases about several instances sharing one store: heartbeats, reaping a
 * silent instance's leases, the single-runner lead. Called inside `describeStoreContract`.
 */
export function instanceCases({ fresh, at, storeEvents, operation }: InstanceCaseKit): void {
  it('keeps each instance\'s last heartbeat and roles, most recent first', async () => {
    const { store } = await fresh();
    await store.heartbeat('a', { now: at(0), roles: ['intake', 'dispatcher'] });
    await store.heartbeat('b', { now: at(10), roles: ['planner'] });
    await store.heartbeat('a', { now: at(20), roles: ['intake', 'dispatcher'] });
    expect(await store.listInstances()).toEqual([
      { instance: 'a', roles: ['intake', 'dispatcher'], lastSeen: at(20).toISOString() },
      { instance: 'b', roles: ['planner'], lastSeen: at(10).toISOString() },
    ]);
  });

  it('reaps a silent instance: its leases given back at once (sent ones looked up first), a live one\'s kept', async () => {
    const { store } = await fresh();
    await storeEvents(store, ['e1']);
    await store.commitPlan([{ eventId: 'e1', operations: [operation('o1', 'e1', { recordKey: 'p1' }), operation('o2', 'e1', { recordKey: 'p2' }), operation('o3', 'e1', { recordKey: 'p3' })], problems: [] }], { now: at(0) });
    await store.heartbeat('dead', { now: at(0), roles: ['dispatcher'] });
    await store.heartbeat('live', { now: at(0), roles: ['dispatcher'] });
    await store.claimOperations('salesforce', { owner: 'dead', now: at(1), leaseMs: 60_000, limit: 2 });
    await store.claimOperations('salesforce', { owner: 'live', now: at(1), leaseMs: 60_000, limit: 10 });
    await store.markSent(['o1'], { owner: 'dead', now: at(2) });
    await store.heartbeat('live', { now: at(9_000), roles: ['dispatcher'] });
    // 'dead' last spoke at 0, 'live' at 9000: only 'dead' is silent since before 5000.
    expect(await store.reapInstances({ silentSince: at(5_000), now: at(10_000), self: 'me' })).toEqual([{ instance: 'dead', released: 2 }]);
    expect(await store.reapInstances({ silentSince: at(5_000), now: at(10_001), self: 'me' })).toEqual([]);
    const byId = Object.fromEntries((await store.listOperations({ limit: 10 })).items.map((o) => [o.id, o]));
    expect(byId.o1).toMatchObject({ state: 'pending', outcomeUnknown: true, nextAttemptAt: at(10_000).toISOString() });
    expect(byId.o2).toMatchObject({ state: 'pending', outcomeUnknown: false });
    expect(byId.o3).toMatchObject({ state: 'leased' });
    expect((await store.listInstances()).map((i) => i.instance)).toEqual(['live']);
    // The reaped instance's late outcome changes nothing.
    expect(await store.recordOutcomes([{ id: 'o1', outcome: 'done', crmId: 'X' }], { owner: 'dead', now: at(10_002) })).toBe(0);
  });

  it('never reaps itself, however long it was silent', async () => {
    const { store } = await fresh();
    await store.heartbeat('me', { now: at(0), roles: [] });
    expect(await store.reapInstances({ silentSince: at(5_000), now: at(10_000), self: 'me' })).toEqual([]);
  });

  it('answers whether it holds the lead of a role, and keeps answering the same', async () => {
    const { store } = await fresh();
    const first = await store.holdsLead('derive');
    expect(typeof first).toBe('boolean');
    expect(await store.holdsLead('derive')).toBe(first);
    expect(await store.holdsLead('plan')).toBe(true);
  });
}
