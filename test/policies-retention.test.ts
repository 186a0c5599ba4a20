import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logging/logger.ts';
import type { CanonicalData } from '../src/model/index.ts';
import { PoliciesConfig } from '../src/policies/policy-schema.ts';
import { createRetentionJob } from '../src/policies/retention.ts';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { NewEvent, NewOperation, Store } from '../src/store/store.ts';

// The retention job on a real store with a fake clock: after a run nothing older than the policy
// remains but what is still needed (an event a queued operation names), and everything younger stays.

const DAY = 86_400_000;
const day = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * DAY);
const NOW = day(400);

const profile = (id: string, userId: string): NewEvent => ({
  id, kind: 'identity', key: `${id}`,
  data: { kind: 'identity', network: 'x', userId, key: `x:${userId}`, handle: `h${userId}`, location: 'Berlin', email: `${userId}@example.com`, observedAt: day(0).toISOString() } as CanonicalData,
});
const op = (id: string, eventId: string): NewOperation => ({
  id, eventId, mappingId: 'sf-x-persona', destination: 'salesforce', object: 'SocialPersona', operation: 'upsert', recordKey: id,
  orderingKey: `salesforce:${eventId}`, fields: { Name: 'Ann', Location: 'Berlin' }, references: [],
});

/** Deliveries received on these days, each carrying one event `e<day>` (`e<day>b` too when asked), all planned; `held` events keep a pending operation. */
async function seed(store: Store, days: number[], held: number[]): Promise<void> {
  await store.appendDeliveries(days.map((n) => ({ id: `d${n}`, source: 'x', receivedAt: day(n), contentType: 'application/json', body: Buffer.from(`{"user":"${n}"}`) })));
  const pending = await store.readPendingDeliveries(100);
  await store.commitDerived(pending.map((delivery, i) => ({ delivery, outcome: { type: 'events' as const, events: [profile(`e${days[i]}`, String(days[i]))] } })), { dedupSince: day(-1) });
  await store.commitPlan(days.map((n) => ({ eventId: `e${n}`, operations: [op(`o${n}`, `e${n}`)], problems: [] })), { now: day(0) });
  // Every operation done on its event's day, but those of held events.
  const claimed = await store.claimOperations('salesforce', { owner: 'a', now: day(0), leaseMs: 1000, limit: 100 });
  await store.recordOutcomes(claimed.filter((o) => !held.includes(Number(o.id.slice(1)))).map((o) => ({ id: o.id, outcome: 'done' as const, crmId: `C${o.id}` })), { owner: 'a', now: day(1) });
  await store.releaseLeases('a', { now: day(1) });
}

const everything = async (store: Store) => ({
  deliveries: (await store.retention.readDeliveries({ afterSeq: 0, limit: 100 })).map((d) => new Date(d.receivedAt).getTime()),
  events: await store.retention.readEvents({ afterSeq: 0, limit: 100 }),
  operations: (await store.listOperations({ limit: 100 })).items,
});

describe('the retention job', () => {
  const stores: Store[] = [];
  const open = async () => { const s = new SqliteStore({ file: ':memory:', synchronous: 'normal' }); await s.migrate(); stores.push(s); return s; };
  afterEach(async () => { for (const s of stores.splice(0)) await s.close(); });
  const job = (store: Store, retention: Record<string, unknown>) =>
    createRetentionJob({ store, policy: PoliciesConfig.parse({ retention }).retention, logger: createLogger('silent'), now: () => NOW, pageSize: 2 });

  it('deletes what is older than the policy, keeps what is younger and the events queued operations still need', async () => {
    const store = await open();
    await seed(store, [1, 2, 3, 20, 360, 380, 399], [2]);
    const report = await job(store, { events: '365d', deliveries: '30d', operations: '30d' }).runOnce();
    // Events before day 35 go but e2 (its operation is still queued); deliveries before day 370; done operations last changed before day 370.
    expect(report).toEqual({ deliveries: 5, events: 3, anonymised: 0, operations: 6, deadLetters: 0 });
    const left = await everything(store);
    expect(left.deliveries).toEqual([day(380).getTime(), day(399).getTime()]);
    expect(left.events.map((e) => e.id)).toEqual(['e2', 'e360', 'e380', 'e399']);
    expect(left.operations.filter((o) => Object.keys(o.fields).length > 0).map((o) => o.id)).toEqual(['o2']);
    // A second run finds nothing more; once e2's operation has ended, it goes too.
    expect(await job(store, { events: '365d', deliveries: '30d', operations: '30d' }).runOnce()).toEqual({ deliveries: 0, events: 0, anonymised: 0, operations: 0, deadLetters: 0 });
    await store.claimOperations('salesforce', { owner: 'b', now: day(2), leaseMs: 1000, limit: 10 });
    await store.recordOutcomes([{ id: 'o2', outcome: 'done', crmId: 'C2' }], { owner: 'b', now: day(3) });
    expect((await job(store, { events: '365d' }).runOnce()).events).toBe(1);
  });

  it('anonymises instead when asked: personal fields blanked, keys kept; younger events untouched', async () => {
    const store = await open();
    await seed(store, [1, 2, 3, 399], [3]);
    const anonymise = job(store, { events: '365d', mode: 'anonymise' });
    expect(await anonymise.runOnce()).toMatchObject({ events: 0, anonymised: 2 });
    const events = Object.fromEntries((await everything(store)).events.map((e) => [e.id, e.data]));
    expect(events.e1).toEqual({ kind: 'identity', network: 'x', userId: '1', key: 'x:1', observedAt: day(0).toISOString() });
    expect(events.e2).toEqual({ kind: 'identity', network: 'x', userId: '2', key: 'x:2', observedAt: day(0).toISOString() });
    expect(events.e3).toMatchObject({ location: 'Berlin', email: '3@example.com' });
    expect(events.e399).toMatchObject({ location: 'Berlin', handle: 'h399' });
    expect((await store.getEvent('e1'))!.data).not.toHaveProperty('handle');
    expect((await anonymise.runOnce()).anonymised).toBe(0);
  });

  it('deletes the dead letters that keep an old delivery\'s body', async () => {
    const store = await open();
    await store.appendDeliveries([5, 390].map((n) => ({ id: `bad${n}`, source: 'x', receivedAt: day(n), contentType: 'application/json', body: Buffer.from(`{"bad":${n}}`) })));
    const pending = await store.readPendingDeliveries(10);
    await store.commitDerived(pending.map((delivery, i) => ({ delivery, outcome: { type: 'dead-letter' as const, deadLetter: { id: `l${i}`, reasonCode: 'PAYLOAD_INVALID', reason: 'no user', details: {}, key: `dead-letter:${i}` } } })), { dedupSince: day(-1) });
    expect(await job(store, { deliveries: '30d' }).runOnce()).toMatchObject({ deliveries: 1, deadLetters: 1 });
    expect((await store.listDeadLetters({ limit: 10 })).items.map((l) => l.body)).toEqual(['{"bad":390}']);
  });

  it('runs on the instance that leads planning only', async () => {
    const store = await open();
    await seed(store, [1], []);
    const follower = new Proxy(store, { get: (t, k) => (k === 'holdsLead' ? async () => false : Reflect.get(t, k)) }) as Store;
    expect(await job(follower, { events: '1d' }).runOnce()).toMatchObject({ events: 0, skipped: 'not-lead' });
    expect((await everything(store)).events).toHaveLength(1);
  });
});
