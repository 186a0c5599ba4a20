import { expect, it } from 'vitest';
import type { CanonicalData } from '../model/index.ts';
import type { NewEvent, NewOperation, Store } from './store.ts';

/** What the policy cases borrow from the contract suite. */
export interface PolicyCaseKit {
  fresh: () => Promise<{ store: Store }>;
  at: (ms: number) => Date;
  storeNewEvents: (store: Store, events: NewEvent[]) => Promise<void>;
  operation: (id: string, eventId: string, extra?: Partial<NewOperation>) => NewOperation;
}

const profile = (id: string, userId: string): NewEvent => ({
  id, kind: 'identity', key: `user:${userId}:${id}`,
  data: { kind: 'identity', network: 'x', userId, key: `x:${userId}`, handle: `h${userId}`, location: 'Berlin', observedAt: '2026-11-01T00:00:00.000Z' } as CanonicalData,
});

/** The Store contract's cases about consents, retention and provenance. Called inside `describeStoreContract`. */
export function policyCases({ fresh, at, storeNewEvents, operation }: PolicyCaseKit): void {
  it('keeps the latest consent answer per identity, and forgets it', async () => {
    const { store } = await fresh();
    expect(await store.consents.record({ identityKey: 'x:1', granted: true, source: 'web-form', recordedBy: 'ops' }, { now: at(0) }))
      .toEqual({ identityKey: 'x:1', granted: true, source: 'web-form', recordedBy: 'ops', recordedAt: at(0).toISOString() });
    await store.consents.record({ identityKey: 'x:2', granted: true, recordedBy: 'ops' }, { now: at(1) });
    await store.consents.record({ identityKey: 'x:1', granted: false, recordedBy: 'dpo' }, { now: at(2) });
    expect(await store.consents.of(['x:2', 'x:1', 'x:3'])).toEqual([
      { identityKey: 'x:1', granted: false, recordedBy: 'dpo', recordedAt: at(2).toISOString() },
      { identityKey: 'x:2', granted: true, recordedBy: 'ops', recordedAt: at(1).toISOString() },
    ]);
    expect(await store.consents.of([])).toEqual([]);
    expect(await store.consents.forget(['x:1', 'x:9'])).toBe(1);
    expect((await store.consents.of(['x:1', 'x:2'])).map((c) => c.identityKey)).toEqual(['x:2']);
  });

  it('retention deletes derived deliveries only, by seq', async () => {
    const { store } = await fresh();
    await store.appendDeliveries(['d1', 'd2', 'd3'].map((id, i) => ({ id, source: 'x', receivedAt: at(i), contentType: 'application/json', body: Buffer.from('{}') })));
    const [d1, d2] = await store.readPendingDeliveries(2);
    await store.commitDerived([d1!, d2!].map((delivery) => ({ delivery, outcome: { type: 'events' as const, events: [] } })), { dedupSince: at(-1000) });
    const read = await store.retention.readDeliveries({ afterSeq: 0, limit: 10 });
    expect(read.map((d) => [d.receivedAt, d.derived])).toEqual([[at(0).getTime(), true], [at(1).getTime(), true], [at(2).getTime(), false]]);
    expect(await store.retention.readDeliveries({ afterSeq: read[0]!.seq, limit: 1 })).toEqual([read[1]]);
    expect(await store.retention.deleteDeliveries(read.map((d) => d.seq))).toBe(2);
    expect(await store.retention.deleteDeliveries([])).toBe(0);
    expect((await store.readPendingDeliveries(10)).map((d) => d.id)).toEqual(['d3']);
    expect((await store.retention.readDeliveries({ afterSeq: 0, limit: 10 })).map((d) => d.seq)).toEqual([read[2]!.seq]);
  });

  it('retention holds an event that is unplanned, deferred or named by a queued operation, and deletes or rewrites the rest', async () => {
    const { store } = await fresh();
    await storeNewEvents(store, [profile('e1', '1'), profile('e2', '2'), profile('e3', '3'), profile('e4', '4')]);
    await store.commitPlan([
      { eventId: 'e1', operations: [operation('o1', 'e1', { references: [] })], problems: [] },
      { eventId: 'e2', operations: [], problems: [] },
      { eventId: 'e4', operations: [], problems: [], deferred: ['crm2'] },
    ], { now: at(1) });
    const events = await store.retention.readEvents({ afterSeq: 0, limit: 10 });
    expect(events.map((e) => [e.id, e.held])).toEqual([['e1', true], ['e2', false], ['e3', true], ['e4', true]]);
    expect(events[1]!.data).toMatchObject({ kind: 'identity', location: 'Berlin' });
    expect(await store.retention.readEvents({ afterSeq: events[2]!.seq, limit: 10 })).toHaveLength(1);

    const anonymous = (userId: string) => ({ kind: 'identity', network: 'x', userId, key: `x:${userId}`, observedAt: '2026-11-01T00:00:00.000Z' }) as CanonicalData;
    expect(await store.retention.rewriteEvents([{ id: 'e1', data: anonymous('1') }, { id: 'e2', data: anonymous('2') }])).toBe(1);
    expect((await store.getEvent('e2'))!.data).toEqual(anonymous('2'));
    expect((await store.getEvent('e1'))!.data).toMatchObject({ location: 'Berlin' });

    expect(await store.retention.deleteEvents(['e1', 'e2', 'e3', 'e4'])).toBe(1);
    expect(await store.getEvent('e2')).toBeUndefined();
    // Once its operation has ended, nothing holds e1.
    await store.claimOperations('salesforce', { owner: 'a', now: at(2), leaseMs: 1000, limit: 10 });
    await store.recordOutcomes([{ id: 'o1', outcome: 'done', crmId: 'C1' }], { owner: 'a', now: at(3) });
    expect(await store.retention.deleteEvents(['e1'])).toBe(1);
    expect((await store.retention.readEvents({ afterSeq: 0, limit: 10 })).map((e) => e.id)).toEqual(['e3', 'e4']);
  });

  it('retention blanks the fields of ended operations only; a dead one\'s letter goes with them', async () => {
    const { store } = await fresh();
    await storeNewEvents(store, [profile('e1', '1')]);
    const op = (id: string) => operation(id, 'e1', { recordKey: id, references: [] });
    await store.commitPlan([{ eventId: 'e1', operations: [op('done'), op('dead'), op('queued')], problems: [] }], { now: at(1) });
    await store.claimOperations('salesforce', { owner: 'a', now: at(2), leaseMs: 1000, limit: 2 });
    await store.recordOutcomes([{ id: 'done', outcome: 'done', crmId: 'C1' }, { id: 'dead', outcome: 'dead', error: { code: 'X', class: 'permanent' } }], { owner: 'a', now: at(3) });
    expect((await store.listDeadLetters({ limit: 10 })).items).toHaveLength(1);
    const ops = await store.retention.readOperations({ afterSeq: 0, limit: 10 });
    expect(ops.map((o) => [o.id, o.ended, o.blank, o.createdAt, o.updatedAt])).toEqual([
      ['done', true, false, at(1).getTime(), at(3).getTime()], ['dead', true, false, at(1).getTime(), at(3).getTime()], ['queued', false, false, at(1).getTime(), at(1).getTime()],
    ]);
    expect(await store.retention.blankOperations(['done', 'dead', 'queued'])).toBe(2);
    const fields = Object.fromEntries((await store.listOperations({ limit: 10 })).items.map((o) => [o.id, o.fields]));
    expect(fields).toEqual({ done: {}, dead: {}, queued: op('queued').fields });
    expect((await store.retention.readOperations({ afterSeq: 0, limit: 10 })).map((o) => o.blank)).toEqual([true, true, false]);
    expect((await store.listDeadLetters({ limit: 10 })).items).toEqual([]);
  });

  it('retention deletes dead letters of stage intake and mapping only, by seq', async () => {
    const { store } = await fresh();
    await store.appendDeliveries([{ id: 'd1', source: 'x', receivedAt: at(0), contentType: 'application/json', body: Buffer.from('{"bad":1}') }]);
    const [d1] = await store.readPendingDeliveries(1);
    await store.commitDerived([{ delivery: d1!, outcome: { type: 'dead-letter', deadLetter: { id: 'in1', reasonCode: 'PAYLOAD_INVALID', reason: 'no user', details: {}, key: 'dead-letter:in1' } } }], { dedupSince: at(-1000) });
    await storeNewEvents(store, [profile('e1', '1')]);
    await store.commitPlan([{ eventId: 'e1', operations: [operation('o1', 'e1', { references: [] })], problems: [{ id: 'map1', mappingId: 'sf-x-post', key: 'fields.X', problem: 'no' }] }], { now: at(1) });
    await store.claimOperations('salesforce', { owner: 'a', now: at(2), leaseMs: 1000, limit: 10 });
    await store.recordOutcomes([{ id: 'o1', outcome: 'dead', error: { code: 'X', class: 'permanent' } }], { owner: 'a', now: at(3) });
    const letters = await store.retention.readDeadLetters({ afterSeq: 0, limit: 10 });
    expect(letters.map((l) => [l.stage, l.createdAt])).toEqual([['intake', at(0).getTime()], ['mapping', at(1).getTime()], ['delivery', at(3).getTime()]]);
    expect(await store.retention.readDeadLetters({ afterSeq: letters[1]!.seq, limit: 10 })).toEqual([letters[2]]);
    expect(await store.retention.deleteDeadLetters(letters.map((l) => l.seq))).toBe(2);
    expect((await store.listDeadLetters({ limit: 10 })).items.map((l) => l.stage)).toEqual(['delivery']);
  });

  it('answers a record\'s provenance by CRM id or by key, newest first', async () => {
    const { store } = await fresh();
    await storeNewEvents(store, [profile('e1', '1'), profile('e2', '1')]);
    const persona = (id: string, eventId: string, mappingVersion: number) => operation(id, eventId, { object: 'SocialPersona', mappingId: 'sf-x-persona', recordKey: 'x:1', references: [], mappingVersion });
    await store.commitPlan([{ eventId: 'e1', operations: [persona('p1', 'e1', 1), operation('other', 'e1', { recordKey: 't9', references: [] })], problems: [] }], { now: at(1) });
    await store.claimOperations('salesforce', { owner: 'a', now: at(2), leaseMs: 1000, limit: 10 });
    await store.recordOutcomes([{ id: 'p1', outcome: 'done', crmId: '0SP1' }, { id: 'other', outcome: 'done', crmId: '0ST9' }], { owner: 'a', now: at(3) });
    await store.commitPlan([{ eventId: 'e2', operations: [persona('p2', 'e2', 2)], problems: [] }], { now: at(4) });
    const byId = await store.provenance.ofRecord({ destination: 'salesforce', crmId: '0SP1' }, { limit: 10 });
    expect(byId).toEqual([
      { operationId: 'p2', eventId: 'e2', source: 'x', mappingId: 'sf-x-persona', mappingVersion: 2, object: 'SocialPersona', operation: 'upsert', state: 'pending', recordKey: 'x:1', createdAt: at(4).toISOString(), updatedAt: at(4).toISOString() },
      { operationId: 'p1', eventId: 'e1', source: 'x', mappingId: 'sf-x-persona', mappingVersion: 1, object: 'SocialPersona', operation: 'upsert', state: 'done', recordKey: 'x:1', crmId: '0SP1', createdAt: at(1).toISOString(), updatedAt: at(3).toISOString() },
    ]);
    expect(await store.provenance.ofRecord({ destination: 'salesforce', object: 'SocialPersona', recordKey: 'x:1' }, { limit: 10 })).toEqual(byId);
    expect(await store.provenance.ofRecord({ destination: 'salesforce', crmId: '0SP1' }, { limit: 1 })).toEqual([byId[0]]);
    expect(await store.provenance.ofRecord({ destination: 'elsewhere', crmId: '0SP1' }, { limit: 10 })).toEqual([]);
    expect(await store.provenance.ofRecord({ destination: 'salesforce', crmId: 'nope' }, { limit: 10 })).toEqual([]);
    // The event gone (retention): the operations still tell their event's id, without its source.
    expect(await store.retention.deleteEvents(['e1'])).toBe(1);
    expect((await store.provenance.ofRecord({ destination: 'salesforce', crmId: '0SP1' }, { limit: 10 }))[1]).not.toHaveProperty('source');
  });
}
