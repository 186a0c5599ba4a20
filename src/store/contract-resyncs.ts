import { expect, it } from 'vitest';
import type { CanonicalData } from '../model/index.ts';
import type { NewResync } from './resync-store.ts';
import type { NewEvent, NewOperation, Store } from './store.ts';

/** What the resync cases borrow from the contract suite. */
export interface ResyncCaseKit {
  fresh: () => Promise<{ store: Store }>;
  at: (ms: number) => Date;
  /** Stores these events, derived from one delivery. */
  storeNewEvents: (store: Store, events: NewEvent[]) => Promise<void>;
  operation: (id: string, eventId: string, extra?: Partial<NewOperation>) => NewOperation;
}

const post = (id: string, author: string, occurredAt: string, network = 'x'): NewEvent => ({
  id, kind: 'interaction', key: `post:${id}`,
  data: { kind: 'interaction', network, networkId: id, activity: 'post', direction: 'inbound', author: { key: `${network}:${author}`, userId: author }, text: 'hi', occurredAt } as CanonicalData,
});
const profile = (id: string, user: string, observedAt: string): NewEvent => ({
  id, kind: 'identity', key: `user:${user}:${id}`,
  data: { kind: 'identity', key: `x:${user}`, network: 'x', userId: user, handle: `h${user}`, observedAt } as CanonicalData,
});
const erasure = (id: string, user: string, postId: string): NewEvent => ({
  id, kind: 'erasure', key: `delete:${postId}`,
  data: { kind: 'erasure', network: 'x', subject: { type: 'post', networkId: postId, userId: user }, occurredAt: '2026-11-30T00:00:00.000Z' } as CanonicalData,
});

const job = (id: string, extra: Partial<NewResync> = {}): NewResync => ({ id, scope: { identity: 'x:1' }, destinations: ['salesforce'], mode: 'from-store', requestedBy: 'ops', ...extra });

/** The Store contract's cases about resync jobs (`Store.resyncs`). Called inside `describeStoreContract`. */
export function resyncCases({ fresh, at, storeNewEvents, operation }: ResyncCaseKit): void {
  it('keeps a resync job, queued, newest first in the list, with its counts', async () => {
    const { store } = await fresh();
    const created = await store.resyncs.create(job('r1'), { now: at(0) });
    await store.resyncs.create(job('r2', { scope: { network: 'x', since: '2026-01-01T00:00:00.000Z' }, mode: 'from-source' }), { now: at(1) });
    expect(created).toEqual({
      ...job('r1'), state: 'queued', createdAt: at(0).toISOString(), events: { done: 0 }, planningDone: false,
      counts: { planned: 0, written: 0, failed: 0, skipped: 0, queued: 0 },
    });
    const first = await store.resyncs.list({ limit: 1 });
    expect(first.items.map((r) => r.id)).toEqual(['r2']);
    expect((await store.resyncs.list({ limit: 5, after: first.next! })).items.map((r) => r.id)).toEqual(['r1']);
    expect(await store.resyncs.get('nope')).toBeUndefined();
  });

  it('reads a scope\'s events in store order, page by page: an identity\'s profile and posts, a list of ids, a network over a time range; never erasures', async () => {
    const { store } = await fresh();
    await storeNewEvents(store, [
      profile('e1', '1', '2026-11-01T00:00:00.000Z'), post('e2', '1', '2026-11-02T00:00:00.000Z'), post('e3', '2', '2026-11-03T00:00:00.000Z'),
      post('e4', '1', '2026-11-04T00:00:00.000Z'), erasure('e5', '1', 'e2'), post('e6', '1', '2026-11-05T00:00:00.000Z', 'facebook'),
    ]);
    const ids = (page: { events: Array<{ id: string }> }) => page.events.map((e) => e.id);
    const first = await store.resyncs.readScope({ identity: 'x:1' }, { limit: 2 });
    expect(ids(first)).toEqual(['e1', 'e2']);
    const second = await store.resyncs.readScope({ identity: 'x:1' }, { cursor: first.cursor!, limit: 2 });
    expect(ids(second)).toEqual(['e4']);
    const end = await store.resyncs.readScope({ identity: 'x:1' }, { cursor: second.cursor!, limit: 2 });
    expect(end).toEqual({ events: [], cursor: second.cursor });
    expect(await store.resyncs.countScope({ identity: 'x:1' })).toBe(3);
    expect(ids(await store.resyncs.readScope({ events: ['e4', 'e3', 'e5', 'missing'] }, { limit: 10 }))).toEqual(['e3', 'e4']);
    expect(ids(await store.resyncs.readScope({ network: 'x', since: '2026-11-02T00:00:00.000Z', until: '2026-11-04T00:00:00.000Z' }, { limit: 10 }))).toEqual(['e2', 'e3']);
    expect(ids(await store.resyncs.readScope({ network: 'facebook' }, { limit: 10 }))).toEqual(['e6']);
  });

  it('lets one owner at a time run a job; another takes it over from its cursor once the lease ran out', async () => {
    const { store } = await fresh();
    await store.resyncs.create(job('r1'), { now: at(0) });
    const claimed = await store.resyncs.claim({ owner: 'a', now: at(10), leaseMs: 1_000 });
    expect(claimed).toMatchObject({ id: 'r1', state: 'running', startedAt: at(10).toISOString() });
    expect(await store.resyncs.claim({ owner: 'b', now: at(500), leaseMs: 1_000 })).toBeUndefined();
    expect(await store.resyncs.commitPage('r1', { owner: 'a', plans: [], events: 3, cursor: '42', planningDone: false, now: at(600), total: 9 })).toBe(true);
    expect(await store.resyncs.renew('r1', { owner: 'a', now: at(700), leaseMs: 1_000 })).toBe(true);
    expect(await store.resyncs.claim({ owner: 'b', now: at(1_500), leaseMs: 1_000 })).toBeUndefined();
    const taken = await store.resyncs.claim({ owner: 'b', now: at(1_701), leaseMs: 1_000 });
    expect(taken).toMatchObject({ id: 'r1', state: 'running', cursor: '42', events: { done: 3, total: 9 }, startedAt: at(10).toISOString() });
    // The first owner lost it: its pages are refused, nothing of them queued.
    expect(await store.resyncs.renew('r1', { owner: 'a', now: at(1_800), leaseMs: 1_000 })).toBe(false);
    expect(await store.resyncs.commitPage('r1', { owner: 'a', plans: [{ eventId: 'x', operations: [operation('late', 'x')], problems: [] }], events: 1, planningDone: true, now: at(1_800) })).toBe(false);
    expect((await store.resyncs.get('r1'))!.counts.planned).toBe(0);
    expect(await store.resyncs.finish('r1', { owner: 'a', now: at(1_900), state: 'done' })).toBe(false);
    // 'b' restarted under its id (a crash): it takes its own job back before the lease ran out.
    expect(await store.resyncs.claim({ owner: 'b', now: at(1_850), leaseMs: 1_000 })).toMatchObject({ id: 'r1', cursor: '42' });
    expect(await store.resyncs.finish('r1', { owner: 'b', now: at(1_900), state: 'done' })).toBe(true);
    expect(await store.resyncs.get('r1')).toMatchObject({ state: 'done', finishedAt: at(1_900).toISOString() });
  });

  it('queues a page\'s operations tagged with the job, counts them as they end, and claims live operations before a job\'s', async () => {
    const { store } = await fresh();
    await storeNewEvents(store, [post('e1', '1', '2026-11-01T00:00:00.000Z'), post('e2', '1', '2026-11-02T00:00:00.000Z')]);
    await store.resyncs.create(job('r1'), { now: at(0) });
    await store.resyncs.claim({ owner: 'runner', now: at(0), leaseMs: 60_000 });
    const resynced = ['r-a', 'r-b', 'r-c'].map((id) => operation(id, 'e1', { references: [], orderingKey: `salesforce:x:${id}` }));
    expect(await store.resyncs.commitPage('r1', { owner: 'runner', plans: [{ eventId: 'e1', operations: resynced, problems: [] }], events: 1, cursor: '1', planningDone: true, now: at(1) })).toBe(true);
    // A live operation planned after the job's.
    await store.commitPlan([{ eventId: 'e2', operations: [operation('live', 'e2', { references: [], orderingKey: 'salesforce:x:live' })], problems: [] }], { now: at(2) });
    const claimed = await store.claimOperations('salesforce', { owner: 'd', now: at(3), leaseMs: 60_000, limit: 2 });
    expect(claimed.map((o) => o.id)).toEqual(['live', 'r-a']);
    await store.recordOutcomes([
      { id: 'r-a', outcome: 'done', crmId: 'crm-a' },
    ], { owner: 'd', now: at(4) });
    const [b] = await store.claimOperations('salesforce', { owner: 'd', now: at(5), leaseMs: 60_000, limit: 1 });
    await store.recordOutcomes([{ id: b!.id, outcome: 'dead', error: { code: 'X' } }], { owner: 'd', now: at(6) });
    expect((await store.resyncs.get('r1'))!).toMatchObject({ planningDone: true, cursor: '1', events: { done: 1 }, counts: { planned: 3, written: 1, failed: 1, skipped: 0, queued: 1 } });
  });

  it('claims only live operations or only a job\'s when asked, never one operation in two claims', async () => {
    const { store } = await fresh();
    await storeNewEvents(store, [post('e1', '1', '2026-11-01T00:00:00.000Z'), post('e2', '1', '2026-11-02T00:00:00.000Z')]);
    await store.resyncs.create(job('r1'), { now: at(0) });
    await store.resyncs.claim({ owner: 'runner', now: at(0), leaseMs: 60_000 });
    const resynced = ['r-a', 'r-b', 'r-c'].map((id) => operation(id, 'e1', { references: [], orderingKey: `salesforce:x:${id}` }));
    await store.resyncs.commitPage('r1', { owner: 'runner', plans: [{ eventId: 'e1', operations: resynced, problems: [] }], events: 1, cursor: '1', planningDone: true, now: at(1) });
    await store.commitPlan([{ eventId: 'e2', operations: ['l-a', 'l-b'].map((id) => operation(id, 'e2', { references: [], orderingKey: `salesforce:x:${id}` })), problems: [] }], { now: at(2) });
    const claim = (owner: string, only: 'live' | 'resync' | undefined, limit: number) =>
      store.claimOperations('salesforce', { owner, now: at(3), leaseMs: 600_000, limit, ...(only ? { only } : {}) }).then((ops) => ops.map((o) => o.id));
    // The bulk lane's claim: a job's operations only, however many live ones are due before them.
    expect(await claim('bulk', 'resync', 2)).toEqual(['r-a', 'r-b']);
    expect(await claim('live', 'live', 10)).toEqual(['l-a', 'l-b']);
    // What either holds is in no other claim, of any kind.
    expect(await claim('other', undefined, 10)).toEqual(['r-c']);
    expect(await claim('other', 'resync', 10)).toEqual([]);
    expect(await claim('other', 'live', 10)).toEqual([]);
  });

  it('cancels: what is not sent yet is withdrawn, what is leased finishes, later pages are refused', async () => {
    const { store } = await fresh();
    await storeNewEvents(store, [post('e1', '1', '2026-11-01T00:00:00.000Z')]);
    await store.resyncs.create(job('r1'), { now: at(0) });
    await store.resyncs.claim({ owner: 'runner', now: at(0), leaseMs: 60_000 });
    const ops = ['c-a', 'c-b', 'c-c'].map((id) => operation(id, 'e1', { references: [], orderingKey: `salesforce:x:${id}` }));
    await store.resyncs.commitPage('r1', { owner: 'runner', plans: [{ eventId: 'e1', operations: ops, problems: [] }], events: 1, cursor: '1', planningDone: false, now: at(1) });
    await store.claimOperations('salesforce', { owner: 'd', now: at(2), leaseMs: 60_000, limit: 1 });
    const cancelled = await store.resyncs.cancel('r1', { now: at(3) });
    expect(cancelled).toMatchObject({ state: 'cancelled', finishedAt: at(3).toISOString(), counts: { planned: 3, skipped: 2, queued: 1 } });
    expect(await store.resyncs.commitPage('r1', { owner: 'runner', plans: [], events: 1, planningDone: true, now: at(4) })).toBe(false);
    expect(await store.resyncs.renew('r1', { owner: 'runner', now: at(4), leaseMs: 60_000 })).toBe(false);
    await store.recordOutcomes([{ id: 'c-a', outcome: 'done', crmId: 'crm-a' }], { owner: 'd', now: at(5) });
    expect((await store.resyncs.get('r1'))!.counts).toEqual({ planned: 3, written: 1, failed: 0, skipped: 2, queued: 0 });
    // Cancelling again answers the job as it is; an unknown id is undefined.
    expect(await store.resyncs.cancel('r1', { now: at(6) })).toMatchObject({ state: 'cancelled', finishedAt: at(3).toISOString() });
    expect(await store.resyncs.cancel('nope', { now: at(6) })).toBeUndefined();
    expect(await store.claimOperations('salesforce', { owner: 'd', now: at(7), leaseMs: 60_000, limit: 10 })).toEqual([]);
  });

  it('stores a page\'s write to an erased record withdrawn (its tombstone stands)', async () => {
    const { store } = await fresh();
    await storeNewEvents(store, [post('e1', '1', '2026-11-01T00:00:00.000Z'), post('e2', '1', '2026-11-02T00:00:00.000Z')]);
    await store.commitPlan([{ eventId: 'e2', operations: [operation('del', 'e2', { operation: 'delete', recordKey: 'gone', references: [] })], problems: [] }], { now: at(1) });
    await store.resyncs.create(job('r1'), { now: at(0) });
    await store.resyncs.claim({ owner: 'runner', now: at(2), leaseMs: 60_000 });
    await store.resyncs.commitPage('r1', { owner: 'runner', plans: [{ eventId: 'e1', operations: [operation('again', 'e1', { recordKey: 'gone', references: [] })], problems: [] }], events: 1, planningDone: true, now: at(3) });
    expect((await store.resyncs.get('r1'))!.counts).toMatchObject({ planned: 1, skipped: 1, queued: 0 });
  });
}
