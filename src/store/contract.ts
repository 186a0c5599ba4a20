import { afterEach, describe, expect, it } from 'vitest';
import type { CanonicalData } from '../model/index.ts';
import { instanceCases } from './contract-instances.ts';
import { resyncCases } from './contract-resyncs.ts';
import { erasureCases } from './contract-erasures.ts';
import { mappingCases } from './contract-mappings.ts';
import { policyCases } from './contract-policies.ts';
import { incidentCases } from './contract-incidents.ts';
import { peopleCases } from './contract-people.ts';
import type { DerivedDelivery, NewEvent, NewOperation, PendingDelivery, Store } from './store.ts';

/**
 * The Store contract: every implementation runs this suite (SQLite in-thread and on a worker now,
 * PostgreSQL later). `open` gives a fresh, migrated store; `reopen`, when given, opens the same
 * database again after `close`, to show what was committed survives.
 */
export function describeStoreContract(name: string, open: () => Promise<{ store: Store; reopen?: () => Promise<Store> }>): void {
  describe(`Store contract: ${name}`, () => {
    const opened: Store[] = [];
    const fresh = async () => { const o = await open(); opened.push(o.store); return o; };
    afterEach(async () => { for (const s of opened.splice(0)) await s.close(); });

    const at = (ms: number) => new Date(Date.UTC(2026, 10, 30) + ms);
    const delivery = (id: string, source = 'x', body: Buffer = Buffer.from(`{"id":"${id}"}`)) =>
      ({ id, source, receivedAt: at(0), contentType: 'application/json', body });
    const post = (id: string, key: string, text = 'hi'): NewEvent => ({
      id, kind: 'interaction', key,
      data: { kind: 'interaction', network: 'x', networkId: key, activity: 'post', direction: 'inbound', author: { key: 'x:1', userId: '1' }, text, occurredAt: at(0).toISOString() } as CanonicalData,
    });
    const derive = (d: PendingDelivery, events: NewEvent[]): DerivedDelivery => ({ delivery: d, outcome: { type: 'events', events } });

    it('migrates idempotently to the latest version', async () => {
      const { store } = await fresh();
      expect((await store.migrate()).applied).toEqual([]);
      const status = await store.status();
      expect(status.open).toBe(true);
      expect(status.schemaVersion).toBe(status.latestVersion);
      expect(status.writable).toBe(true);
    });

    it('keeps deliveries byte for byte, in commit order, until derived', async () => {
      const { store } = await fresh();
      const binary = Buffer.from([0xff, 0x00, 0xfe, 0x7b]);
      await store.appendDeliveries([delivery('d1'), delivery('d2', 'x', binary)]);
      await store.appendDeliveries([delivery('d3', 'facebook')]);
      const pending = await store.readPendingDeliveries(10);
      expect(pending.map((p) => p.id)).toEqual(['d1', 'd2', 'd3']);
      expect(Buffer.compare(pending[1]!.body, binary)).toBe(0);
      expect(pending[2]).toMatchObject({ source: 'facebook', contentType: 'application/json', receivedAt: at(0) });
      expect(await store.countPendingDeliveries()).toBe(3);
      await store.commitDerived([derive(pending[0]!, [post('e1', 'tweet:1')]), derive(pending[1]!, [])], { dedupSince: at(-1000) });
      expect((await store.readPendingDeliveries(10)).map((p) => p.id)).toEqual(['d3']);
      expect(await store.countPendingDeliveries()).toBe(1);
    });

    it('applies up to appendConcurrency outstanding appends in call order', async () => {
      const { store } = await fresh();
      expect(store.appendConcurrency).toBeGreaterThanOrEqual(1);
      const calls = Array.from({ length: Math.max(3, store.appendConcurrency) }, (_, i) =>
        [delivery(`p${i}a`, 'x', Buffer.from(`{"n":${i}}`)), delivery(`p${i}b`)]);
      // Not awaited one by one: as intake sends them, several in flight at once.
      await Promise.all(calls.map((batch) => store.appendDeliveries(batch)));
      const pending = await store.readPendingDeliveries(100);
      expect(pending.map((p) => p.id)).toEqual(calls.flat().map((d) => d.id));
      expect(pending[2]!.body.toString()).toBe('{"n":1}');
    });

    it('deduplicates events by (source, key) within the window only', async () => {
      const { store } = await fresh();
      await store.appendDeliveries([delivery('d1'), delivery('d2'), delivery('d3', 'facebook')]);
      const [d1, d2, d3] = await store.readPendingDeliveries(10);
      const first = await store.commitDerived([derive(d1!, [post('e1', 'k1'), post('e2', 'k1')])], { dedupSince: at(-1000) });
      expect(first).toEqual([{ type: 'events', storedEventIds: ['e1'], duplicateKeys: ['k1'] }]);
      const second = await store.commitDerived([derive(d2!, [post('e3', 'k1')]), derive(d3!, [post('e4', 'k1')])], { dedupSince: at(-1000) });
      expect(second).toEqual([{ type: 'events', storedEventIds: [], duplicateKeys: ['k1'] }, { type: 'events', storedEventIds: ['e4'], duplicateKeys: [] }]);
      // A key first seen before the window is new again.
      await store.appendDeliveries([delivery('d4')]);
      const [d4] = await store.readPendingDeliveries(10);
      expect(await store.commitDerived([derive(d4!, [post('e5', 'k1')])], { dedupSince: at(1) })).toEqual([{ type: 'events', storedEventIds: ['e5'], duplicateKeys: [] }]);
    });

    it('keeps a dead letter once per key', async () => {
      const { store } = await fresh();
      await store.appendDeliveries([delivery('d1'), delivery('d2')]);
      const [d1, d2] = await store.readPendingDeliveries(10);
      const letter = (id: string): DerivedDelivery['outcome'] => ({ type: 'dead-letter', deadLetter: { id, reasonCode: 'PAYLOAD_INVALID', reason: 'no user', details: { path: 'a.b' }, key: 'dead-letter:abc' } });
      expect(await store.commitDerived([{ delivery: d1!, outcome: letter('l1') }, { delivery: d2!, outcome: letter('l2') }], { dedupSince: at(-1000) }))
        .toEqual([{ type: 'dead-letter', stored: true }, { type: 'dead-letter', stored: false }]);
      const page = await store.listDeadLetters({ limit: 10 });
      expect(page.items).toHaveLength(1);
      expect(page.items[0]).toMatchObject({ id: 'l1', source: 'x', deliveryId: 'd1', reasonCode: 'PAYLOAD_INVALID', details: { path: 'a.b' }, body: '{"id":"d1"}' });
      expect(await store.getDeadLetter('l1')).toEqual(page.items[0]);
      expect(await store.getDeadLetter('nope')).toBeUndefined();
    });

    it('lists events oldest first with filters and gap-free paging', async () => {
      const { store } = await fresh();
      await store.appendDeliveries(Array.from({ length: 7 }, (_, i) => ({ ...delivery(`d${i}`, i % 2 ? 'facebook' : 'x'), receivedAt: at(i * 1000) })));
      const pending = await store.readPendingDeliveries(10);
      await store.commitDerived(pending.map((d, i) => derive(d, [post(`e${i}`, `k${i}`, `text ${i}`)])), { dedupSince: at(-1000) });
      const ids: string[] = [];
      let after: string | undefined;
      do {
        const page = await store.listEvents({ limit: 3, after });
        ids.push(...page.items.map((e) => e.id));
        after = page.next ?? undefined;
      } while (after);
      expect(ids).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
      expect((await store.listEvents({ limit: 10, source: 'facebook' })).items.map((e) => e.id)).toEqual(['e1', 'e3', 'e5']);
      expect((await store.listEvents({ limit: 10, kind: 'identity' })).items).toEqual([]);
      expect((await store.listEvents({ limit: 10, since: at(4000) })).items.map((e) => e.id)).toEqual(['e4', 'e5', 'e6']);
      const one = await store.getEvent('e2');
      expect(one).toEqual({ id: 'e2', source: 'x', kind: 'interaction', key: 'k2', deliveryId: 'd2', receivedAt: at(2000).toISOString(), data: post('e2', 'k2', 'text 2').data });
      expect(await store.getEvent('nope')).toBeUndefined();
    });

    it('prunes dedup keys seen before a date', async () => {
      const { store } = await fresh();
      await store.appendDeliveries([delivery('d1'), delivery('d2')]);
      const [d1, d2] = await store.readPendingDeliveries(10);
      await store.commitDerived([derive(d1!, [post('e1', 'k1')])], { dedupSince: at(-1000) });
      expect(await store.pruneDedupKeys(at(1))).toBe(1);
      expect(await store.commitDerived([derive(d2!, [post('e2', 'k1')])], { dedupSince: at(-1000) })).toEqual([{ type: 'events', storedEventIds: ['e2'], duplicateKeys: [] }]);
    });

    const operation = (id: string, eventId: string, extra: Partial<NewOperation> = {}): NewOperation => ({
      id, eventId, mappingId: 'sf-x-post', destination: 'salesforce', object: 'SocialPost', operation: 'upsert',
      matchKey: 'ExternalPostId', matchValue: id, recordKey: id, orderingKey: 'salesforce:x:1', fields: { ExternalPostId: id, Content: 'hi' },
      references: [{ field: 'PersonaId', object: 'SocialPersona', key: 'x:1', bind: 'wait' }], ...extra,
    });
    const storeEvents = async (store: Store, ids: string[]) => {
      await store.appendDeliveries([delivery('d1')]);
      const [d1] = await store.readPendingDeliveries(1);
      await store.commitDerived([derive(d1!, ids.map((id) => post(id, `k-${id}`)))], { dedupSince: at(-1000) });
    };

    it('plans each event once: operations queued and the event marked planned in one step', async () => {
      const { store } = await fresh();
      await storeEvents(store, ['e1', 'e2']);
      expect((await store.readUnplannedEvents(10)).map((e) => e.id)).toEqual(['e1', 'e2']);
      const plan = [{ eventId: 'e1', operations: [operation('o1', 'e1')], problems: [] }];
      expect(await store.commitPlan(plan, { now: at(5) })).toEqual({ planned: 1, alreadyPlanned: 0 });
      expect(await store.commitPlan(plan, { now: at(6) })).toEqual({ planned: 0, alreadyPlanned: 1 });
      expect((await store.readUnplannedEvents(10)).map((e) => e.id)).toEqual(['e2']);
      const listed = await store.listOperations({ limit: 10 });
      expect(listed.items).toEqual([expect.objectContaining({
        id: 'o1', eventId: 'e1', state: 'pending', attempts: 0, nextAttemptAt: at(5).toISOString(), matchValue: 'o1',
        fields: { ExternalPostId: 'o1', Content: 'hi' }, references: [{ field: 'PersonaId', object: 'SocialPersona', key: 'x:1', bind: 'wait' }],
      })]);
      expect(await store.countOperations()).toEqual([{ destination: 'salesforce', state: 'pending', count: 1 }]);
    });

    it('keeps a destination\'s part of an event deferred, in event order, until it is planned once', async () => {
      const { store } = await fresh();
      await storeEvents(store, ['e1', 'e2', 'e3']);
      await store.commitPlan([
        { eventId: 'e1', operations: [operation('o1', 'e1')], problems: [], deferred: ['crm2'] },
        { eventId: 'e2', operations: [], problems: [], deferred: ['crm2', 'crm3'] },
      ], { now: at(1) });
      expect((await store.readUnplannedEvents(10)).map((e) => e.id)).toEqual(['e3']);
      expect(await store.deferredDestinations()).toEqual(['crm2', 'crm3']);
      expect((await store.readDeferredEvents('crm2', 10)).map((e) => e.id)).toEqual(['e1', 'e2']);
      expect((await store.readDeferredEvents('crm2', 1)).map((e) => e.id)).toEqual(['e1']);
      const later = [{ eventId: 'e1', operations: [operation('p1', 'e1', { destination: 'crm2', orderingKey: 'crm2:x:1' })], problems: [{ id: 'l1', mappingId: 'crm2-x-post', key: 'fields.Content', problem: 'too long' }] }];
      expect(await store.commitDeferredPlan('crm2', later, { now: at(2) })).toBe(1);
      expect(await store.commitDeferredPlan('crm2', later, { now: at(3) })).toBe(0);
      expect((await store.readDeferredEvents('crm2', 10)).map((e) => e.id)).toEqual(['e2']);
      expect((await store.listOperations({ limit: 10 })).items.map((o) => `${o.destination}:${o.id}`).sort()).toEqual(['crm2:p1', 'salesforce:o1']);
      expect((await store.listDeadLetters({ limit: 10 })).items).toEqual([expect.objectContaining({ id: 'l1', stage: 'mapping' })]);
      await store.commitDeferredPlan('crm2', [{ eventId: 'e2', operations: [], problems: [] }], { now: at(4) });
      expect(await store.deferredDestinations()).toEqual(['crm3']);
    });

    it('a delete supersedes what is queued for its record, and nothing later is sent for it', async () => {
      const { store } = await fresh();
      await storeEvents(store, ['e1', 'e2', 'e3']);
      await store.commitPlan([{ eventId: 'e1', operations: [operation('o1', 'e1', { recordKey: 'tweet-9' }), operation('o2', 'e1', { recordKey: 'tweet-10' })], problems: [] }], { now: at(1) });
      await store.commitPlan([{ eventId: 'e2', operations: [operation('o3', 'e2', { recordKey: 'tweet-9', operation: 'delete' })], problems: [] }], { now: at(2) });
      await store.commitPlan([{ eventId: 'e3', operations: [operation('o4', 'e3', { recordKey: 'tweet-9' })], problems: [] }], { now: at(3) });
      const states = Object.fromEntries((await store.listOperations({ limit: 10 })).items.map((o) => [o.id, o.state]));
      expect(states).toEqual({ o1: 'superseded', o2: 'pending', o3: 'pending', o4: 'superseded' });
      expect((await store.listOperations({ limit: 10, state: 'superseded' })).items.map((o) => o.id)).toEqual(['o1', 'o4']);
    });

    it('keeps a mapping\'s failure on an event as a dead letter of stage mapping', async () => {
      const { store } = await fresh();
      await storeEvents(store, ['e1']);
      await store.commitPlan([{ eventId: 'e1', operations: [], problems: [{ id: 'dl1', mappingId: 'sf-x-post', key: 'fields.CommentCount', problem: 'CommentCount takes a value of type int' }] }], { now: at(1) });
      expect(await store.getDeadLetter('dl1')).toMatchObject({
        stage: 'mapping', reasonCode: 'MAPPING_FAILED', reason: 'CommentCount takes a value of type int', deliveryId: 'd1',
        details: { mappingId: 'sf-x-post', eventId: 'e1', key: 'fields.CommentCount' }, contentType: 'application/json',
      });
      expect(JSON.parse((await store.getDeadLetter('dl1'))!.body)).toMatchObject({ kind: 'interaction', networkId: 'k-e1' });
    });

    it('replays a dead letter of stage mapping once: its operations queued, it and the other letters of its event and mapping marked replayed', async () => {
      const { store } = await fresh();
      await storeEvents(store, ['e1', 'e2']);
      const problem = (id: string, key: string) => ({ id, mappingId: 'sf-x-post', key, problem: `${key} does not fit` });
      // One mapping failed on two fields of e1 (two letters) while another mapping of e1 succeeded.
      await store.commitPlan([
        { eventId: 'e1', operations: [operation('persona', 'e1', { mappingId: 'sf-x-persona', object: 'SocialPersona', recordKey: 'x:1', references: [] })], problems: [problem('dl1', 'fields.Posted'), problem('dl2', 'fields.Name')] },
        { eventId: 'e2', operations: [], problems: [problem('dl3', 'fields.Posted')] },
      ], { now: at(1) });
      expect(await store.findReplayable({ limit: 10 })).toEqual(['dl1', 'dl2', 'dl3']);
      expect(await store.findReplayable({ limit: 10, stage: 'mapping', mappingIds: ['sf-x-post'], reasonCode: 'MAPPING_FAILED', since: at(1) })).toEqual(['dl1', 'dl2', 'dl3']);
      expect(await store.findReplayable({ limit: 10, stage: 'delivery' })).toEqual([]);
      expect(await store.findReplayable({ limit: 10, mappingIds: ['sf-x-persona'] })).toEqual([]);
      expect(await store.findReplayable({ limit: 2 })).toEqual(['dl1', 'dl2']);
      // Not a delivery letter: replayDeadLetters leaves it alone.
      expect(await store.replayDeadLetters(['dl1'], { now: at(2) })).toEqual([]);

      // dl2 in the same call is answered by dl1's re-run: its operation is not queued a second time.
      expect(await store.replayMappingDeadLetters([{ id: 'dl1', operations: [operation('post', 'e1')] }, { id: 'dl2', operations: [operation('post-again', 'e1')] }], { now: at(3) })).toEqual(['dl1', 'dl2']);
      expect((await store.listOperations({ limit: 10 })).items.map((o) => [o.id, o.state, o.nextAttemptAt])).toEqual([['persona', 'pending', at(1).toISOString()], ['post', 'pending', at(3).toISOString()]]);
      expect(await store.getDeadLetter('dl1')).toMatchObject({ stage: 'mapping', replayedAt: at(3).toISOString() });
      expect(await store.getDeadLetter('dl2')).toMatchObject({ replayedAt: at(3).toISOString() });
      expect(await store.findReplayable({ limit: 10 })).toEqual(['dl3']);
      // Replayed already, unknown, or not of stage mapping: nothing queued.
      expect(await store.replayMappingDeadLetters([{ id: 'dl1', operations: [operation('twice', 'e1')] }, { id: 'nope', operations: [operation('nope', 'e1')] }], { now: at(4) })).toEqual([]);
      await store.appendDeliveries([delivery('d2')]);
      const [d2] = await store.readPendingDeliveries(1);
      await store.commitDerived([{ delivery: d2!, outcome: { type: 'dead-letter', deadLetter: { id: 'in1', reasonCode: 'PAYLOAD_INVALID', reason: 'no user', details: {}, key: 'dead-letter:in1' } } }], { dedupSince: at(-1000) });
      expect(await store.replayMappingDeadLetters([{ id: 'in1', operations: [operation('intake', 'e1')] }], { now: at(5) })).toEqual([]);
      // A re-run that makes nothing (its `when` now skips the event) still answers the letter.
      expect(await store.replayMappingDeadLetters([{ id: 'dl3', operations: [] }], { now: at(6) })).toEqual(['dl3']);
      expect((await store.listOperations({ limit: 10 })).items.map((o) => o.id)).toEqual(['persona', 'post']);
      expect(await store.findReplayable({ limit: 10 })).toEqual([]);
    });

    it('leases due operations once; an expired lease is taken over and the old owner\'s outcome ignored', async () => {
      const { store } = await fresh();
      await storeEvents(store, ['e1']);
      await store.commitPlan([{ eventId: 'e1', operations: [operation('o1', 'e1', { recordKey: 'p1' }), operation('o2', 'e1', { recordKey: 'p2' })], problems: [] }], { now: at(0) });
      const first = await store.claimOperations('salesforce', { owner: 'a', now: at(10), leaseMs: 1000, limit: 1 });
      expect(first.map((o) => [o.id, o.state])).toEqual([['o1', 'leased']]);
      expect((await store.claimOperations('salesforce', { owner: 'b', now: at(20), leaseMs: 1000, limit: 10 })).map((o) => o.id)).toEqual(['o2']);
      expect(await store.claimOperations('salesforce', { owner: 'b', now: at(30), leaseMs: 1000, limit: 10 })).toEqual([]);
      expect(await store.claimOperations('elsewhere', { owner: 'b', now: at(30), leaseMs: 1000, limit: 10 })).toEqual([]);
      // a's lease on o1 expires at 1010: b takes it over, and a's late outcome changes nothing.
      expect((await store.claimOperations('salesforce', { owner: 'b', now: at(1011), leaseMs: 1000, limit: 10 })).map((o) => o.id)).toEqual(['o1']);
      expect(await store.recordOutcomes([{ id: 'o1', outcome: 'done', crmId: 'A' }], { owner: 'a', now: at(1012) })).toBe(0);
      expect(await store.recordOutcomes([{ id: 'o1', outcome: 'done', crmId: 'B' }], { owner: 'b', now: at(1013) })).toBe(1);
      expect(await store.readLinks('salesforce', [{ object: 'SocialPost', key: 'p1' }, { object: 'SocialPost', key: 'p2' }])).toEqual([{ object: 'SocialPost', key: 'p1', crmId: 'B' }]);
    });

    it('gives back the leases an owner still holds: due at once, looked up before being written again if sent', async () => {
      const { store } = await fresh();
      await storeEvents(store, ['e1']);
      await store.commitPlan([{ eventId: 'e1', operations: [operation('o1', 'e1', { recordKey: 'p1' }), operation('o3', 'e1', { recordKey: 'p3' }), operation('o2', 'e1', { recordKey: 'p2' })], problems: [] }], { now: at(0) });
      await store.claimOperations('salesforce', { owner: 'a', now: at(10), leaseMs: 60_000, limit: 2 });
      await store.claimOperations('salesforce', { owner: 'b', now: at(10), leaseMs: 60_000, limit: 10 });
      // a sent o1's write; o3 was claimed but never sent. b's o2 is not a's to mark.
      expect(await store.markSent(['o1', 'o2'], { owner: 'a', now: at(15) })).toBe(1);
      expect(await store.releaseLeases('a', { now: at(20) })).toBe(2);
      expect(await store.releaseLeases('a', { now: at(21) })).toBe(0);
      const byId = Object.fromEntries((await store.listOperations({ limit: 10 })).items.map((o) => [o.id, o]));
      expect(byId.o1).toMatchObject({ state: 'pending', attempts: 0, outcomeUnknown: true, nextAttemptAt: at(20).toISOString() });
      expect(byId.o3).toMatchObject({ state: 'pending', attempts: 0, outcomeUnknown: false, nextAttemptAt: at(20).toISOString() });
      expect(byId.o2).toMatchObject({ state: 'leased' });
      // Another dispatcher takes it long before a's lease would have expired; a's late outcome changes nothing.
      expect((await store.claimOperations('salesforce', { owner: 'c', now: at(30), leaseMs: 60_000, limit: 10 })).map((o) => o.id)).toEqual(['o1', 'o3']);
      expect(await store.recordOutcomes([{ id: 'o1', outcome: 'done', crmId: 'A' }], { owner: 'a', now: at(40) })).toBe(0);
    });

    it('looks up an expired lease taken over only if its write was sent; the mark lasts one lease', async () => {
      const { store } = await fresh();
      await storeEvents(store, ['e1']);
      await store.commitPlan([{ eventId: 'e1', operations: [operation('o1', 'e1', { recordKey: 'p1' }), operation('o2', 'e1', { recordKey: 'p2' })], problems: [] }], { now: at(0) });
      expect((await store.claimOperations('salesforce', { owner: 'a', now: at(10), leaseMs: 1000, limit: 10 })).map((o) => [o.id, o.outcomeUnknown])).toEqual([['o1', false], ['o2', false]]);
      expect(await store.markSent(['o1'], { owner: 'a', now: at(20) })).toBe(1);
      // a dies; b takes both over once the lease expired: o1 may be in the CRM, o2 cannot be.
      const taken = await store.claimOperations('salesforce', { owner: 'b', now: at(1011), leaseMs: 1000, limit: 10 });
      expect(taken.map((o) => [o.id, o.outcomeUnknown])).toEqual([['o1', true], ['o2', false]]);
      // a's late mark changes nothing: the lease is b's now.
      expect(await store.markSent(['o2'], { owner: 'a', now: at(1012) })).toBe(0);
      // b dies before sending anything: o1 stays unknown (nothing since has said otherwise), o2 stays known.
      const again = await store.claimOperations('salesforce', { owner: 'c', now: at(2012), leaseMs: 1000, limit: 10 });
      expect(again.map((o) => [o.id, o.outcomeUnknown])).toEqual([['o1', true], ['o2', false]]);
      // A retry recorded after the write answered clears it (the attempt's outcome is known).
      expect(await store.recordOutcomes([{ id: 'o2', outcome: 'retry', nextAttemptAt: at(2013), error: { code: 'X' }, spendAttempt: true }], { owner: 'c', now: at(2013) })).toBe(1);
      expect((await store.listOperations({ limit: 10 })).items.find((o) => o.id === 'o2')).toMatchObject({ state: 'pending', outcomeUnknown: false });
    });

    it('shows a pending operation held back by something outside Parley\'s control as waiting, and still claims it when due', async () => {
      const { store } = await fresh();
      await storeEvents(store, ['e1']);
      await store.commitPlan([{ eventId: 'e1', operations: [operation('o1', 'e1', { recordKey: 'p1' }), operation('o2', 'e1', { recordKey: 'p2' })], problems: [] }], { now: at(0) });
      await store.claimOperations('salesforce', { owner: 'a', now: at(10), leaseMs: 60_000, limit: 10 });
      await store.recordOutcomes([
        { id: 'o1', outcome: 'retry', nextAttemptAt: at(500), error: { code: 'PARLEY_OUTBOX_PARENT_MISSING', message: 'no first post yet', class: 'retryable' }, spendAttempt: false },
        { id: 'o2', outcome: 'retry', nextAttemptAt: at(500), error: { code: 'UNABLE_TO_LOCK_ROW', class: 'retryable' }, spendAttempt: true },
      ], { owner: 'a', now: at(20) });
      expect(await store.countOperations()).toEqual([{ destination: 'salesforce', state: 'pending', count: 1 }, { destination: 'salesforce', state: 'waiting', count: 1 }]);
      expect((await store.listOperations({ state: 'waiting', limit: 10 })).items.map((o) => [o.id, o.state])).toEqual([['o1', 'waiting']]);
      expect((await store.listOperations({ state: 'pending', limit: 10 })).items.map((o) => o.id)).toEqual(['o2']);
      expect((await store.claimOperations('salesforce', { owner: 'a', now: at(600), leaseMs: 60_000, limit: 10 })).map((o) => o.id).sort()).toEqual(['o1', 'o2']);
    });

    it('an operation waits for an earlier one on its record and for the planned write of a record it references', async () => {
      const { store } = await fresh();
      await storeEvents(store, ['e1']);
      // The post is planned before its author's persona (the deliveries came in that order): it still waits.
      const post = operation('post', 'e1', { recordKey: 't1' });
      const persona = operation('persona', 'e1', { object: 'SocialPersona', recordKey: 'x:1', references: [] });
      const edit = operation('edit', 'e1', { recordKey: 't1', references: [], operation: 'create' });
      await store.commitPlan([{ eventId: 'e1', operations: [post, persona, edit], problems: [] }], { now: at(0) });
      const claim = (ms: number) => store.claimOperations('salesforce', { owner: 'a', now: at(ms), leaseMs: 100_000, limit: 10 }).then((ops) => ops.map((o) => o.id));
      expect(await claim(1)).toEqual(['persona']);
      expect(await claim(2)).toEqual([]);
      await store.recordOutcomes([{ id: 'persona', outcome: 'done', crmId: '0SP1' }], { owner: 'a', now: at(3) });
      expect(await claim(4)).toEqual(['post']);
      await store.recordOutcomes([{ id: 'post', outcome: 'retry', nextAttemptAt: at(100), error: { code: 'UNABLE_TO_LOCK_ROW', class: 'retryable' }, spendAttempt: true }], { owner: 'a', now: at(5) });
      expect(await claim(50)).toEqual([]);
      expect(await claim(100)).toEqual(['post']);
      await store.recordOutcomes([{ id: 'post', outcome: 'retry', nextAttemptAt: at(200), error: { code: 'REQUEST_LIMIT_EXCEEDED', class: 'rate-limited' }, spendAttempt: false, outcomeUnknown: true }], { owner: 'a', now: at(101) });
      const waiting = (await store.listOperations({ limit: 10 })).items.find((o) => o.id === 'post')!;
      expect(waiting).toMatchObject({ state: 'pending', attempts: 1, outcomeUnknown: true, lastError: { code: 'REQUEST_LIMIT_EXCEEDED' } });
      expect(await claim(200)).toEqual(['post']);
      await store.recordOutcomes([{ id: 'post', outcome: 'dead', error: { code: 'REQUIRED_FIELD_MISSING', class: 'permanent' } }], { owner: 'a', now: at(201) });
      expect(await claim(202)).toEqual(['edit']);
      expect((await store.listAttempts('post')).map((a) => [a.attempt, a.outcome, a.error?.code])).toEqual([[1, 'retryable', 'UNABLE_TO_LOCK_ROW'], [2, 'permanent', 'REQUIRED_FIELD_MISSING']]);
      expect(await store.countOperations()).toEqual([
        { destination: 'salesforce', state: 'dead', count: 1 }, { destination: 'salesforce', state: 'done', count: 1 }, { destination: 'salesforce', state: 'leased', count: 1 },
      ]);
    });

    it('an operation does not wait for a referenced record already in the CRM, only for one not written yet', async () => {
      const { store } = await fresh();
      await storeEvents(store, ['e1', 'e2']);
      const claim = (ms: number) => store.claimOperations('salesforce', { owner: 'a', now: at(ms), leaseMs: 100_000, limit: 10 }).then((ops) => ops.map((o) => o.id));
      const persona = (id: string) => operation(id, 'e1', { object: 'SocialPersona', recordKey: 'x:1', references: [] });
      await store.commitPlan([{ eventId: 'e1', operations: [persona('persona-1'), operation('post-1', 'e1', { recordKey: 't1' })], problems: [] }], { now: at(0) });
      expect(await claim(1)).toEqual(['persona-1']);
      await store.recordOutcomes([{ id: 'persona-1', outcome: 'done', crmId: '0SP1' }], { owner: 'a', now: at(2) });
      expect(await claim(3)).toEqual(['post-1']);
      // The author posts again: the persona's refresh and the new post are claimed together, the post not held behind it.
      await store.commitPlan([{ eventId: 'e2', operations: [persona('persona-2'), operation('post-2', 'e2', { recordKey: 't2' })], problems: [] }], { now: at(4) });
      expect(await claim(5)).toEqual(['persona-2', 'post-2']);
    });

    it('keeps an unknown outcome unknown through later clean failures and a replay, until the operation is done', async () => {
      const { store } = await fresh();
      await storeEvents(store, ['e1']);
      await store.commitPlan([{ eventId: 'e1', operations: [operation('o1', 'e1', { references: [] })], problems: [] }], { now: at(0) });
      const claim = (ms: number) => store.claimOperations('salesforce', { owner: 'a', now: at(ms), leaseMs: 100_000, limit: 10 });
      const retry = (ms: number, outcomeUnknown: boolean) => store.recordOutcomes([{ id: 'o1', outcome: 'retry', nextAttemptAt: at(ms + 1), error: { code: 'X', class: 'retryable' }, spendAttempt: true, ...(outcomeUnknown ? { outcomeUnknown } : {}) }], { owner: 'a', now: at(ms) });
      await claim(1);
      await retry(2, true);                      // the answer was lost: the create may have landed
      expect((await claim(3))[0]!.outcomeUnknown).toBe(true);
      await retry(4, false);                     // the look-up found it; the update then failed cleanly
      expect((await claim(5))[0]!.outcomeUnknown).toBe(true);
      await store.recordOutcomes([{ id: 'o1', outcome: 'dead', error: { code: 'Y', class: 'permanent' } }], { owner: 'a', now: at(6) });
      const [letter] = (await store.listDeadLetters({ limit: 10 })).items;
      expect(await store.replayDeadLetters([letter!.id], { now: at(7) })).toEqual([letter!.id]);
      const replayed = await claim(8);
      expect(replayed.map((o) => [o.id, o.outcomeUnknown])).toEqual([['o1', true]]);
      await store.recordOutcomes([{ id: 'o1', outcome: 'done', crmId: 'C1' }], { owner: 'a', now: at(9) });
      expect((await store.listOperations({ limit: 10 })).items[0]).toMatchObject({ state: 'done', outcomeUnknown: false });
    });

    it('claims the upserts and updates queued behind one for the same record with it, in order', async () => {
      const { store } = await fresh();
      await storeEvents(store, ['e1']);
      const seen = (id: string, followers: number) => operation(id, 'e1', { object: 'SocialPersona', recordKey: 'x:7', references: [], fields: { Followers: followers } });
      await store.commitPlan([{ eventId: 'e1', operations: [seen('p1', 1), seen('p2', 2), operation('made', 'e1', { object: 'SocialPersona', recordKey: 'x:7', operation: 'create', references: [] }), seen('p3', 3)], problems: [] }], { now: at(0) });
      const claimed = await store.claimOperations('salesforce', { owner: 'a', now: at(1), leaseMs: 1000, limit: 10 });
      expect(claimed.map((o) => o.id)).toEqual(['p1', 'p2']);
    });

    instanceCases({ fresh, at, storeEvents, operation });
    const storeNewEvents = async (store: Store, events: NewEvent[]) => {
      await store.appendDeliveries([delivery('d-events')]);
      const [d] = await store.readPendingDeliveries(1);
      await store.commitDerived([derive(d!, events)], { dedupSince: at(-1000) });
    };
    resyncCases({ fresh, at, storeNewEvents, operation });
    erasureCases({ fresh, at, storeNewEvents, operation });
    mappingCases({ fresh, at, storeNewEvents, operation });
    policyCases({ fresh, at, storeNewEvents, operation });
    incidentCases({ fresh, at, storeNewEvents, operation });
    peopleCases({ fresh, at, storeNewEvents, operation });

    it('keeps what was committed across close and reopen', async () => {
      const { store, reopen } = await fresh();
      if (!reopen) return;
      await store.appendDeliveries([delivery('d1'), delivery('d2')]);
      const [d1] = await store.readPendingDeliveries(1);
      await store.commitDerived([derive(d1!, [post('e1', 'k1')])], { dedupSince: at(-1000) });
      await store.close();
      const again = await reopen();
      opened.push(again);
      await again.migrate();
      expect((await again.readPendingDeliveries(10)).map((d) => d.id)).toEqual(['d2']);
      expect((await again.getEvent('e1'))?.key).toBe('k1');
    });
  });
}
