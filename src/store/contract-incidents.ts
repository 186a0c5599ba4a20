import { expect, it } from 'vitest';
import type { CanonicalData } from '../model/index.ts';
import type { IncidentWrite } from './incident-store.ts';
import type { NewEvent, NewOperation, Store } from './store.ts';

/** What the incident cases borrow from the contract suite. */
export interface IncidentCaseKit {
  fresh: () => Promise<{ store: Store }>;
  at: (ms: number) => Date;
  storeNewEvents: (store: Store, events: NewEvent[]) => Promise<void>;
  operation: (id: string, eventId: string, extra?: Partial<NewOperation>) => NewOperation;
}

const mention = (id: string): NewEvent => ({
  id, kind: 'interaction', key: `tweet:${id}`,
  data: { kind: 'interaction', network: 'x', networkId: id, activity: 'mention', direction: 'inbound', author: { key: 'x:1', userId: '1' }, text: 'awful', occurredAt: '2026-11-01T00:00:00.000Z' } as CanonicalData,
});

/** The events after the crisis cursor (the cases store fewer than a page). */
async function readAll(store: Store) {
  return store.incidents.readEvents(100);
}

/** The Store contract's cases about crisis incidents (`Store.incidents`). Called inside `describeStoreContract`. */
export function incidentCases({ fresh, at, storeNewEvents, operation }: IncidentCaseKit): void {
  const incident = (id: string, extra: Partial<IncidentWrite> = {}): IncidentWrite => ({
    id, ruleId: 'burst', group: 'acme', state: 'open', window: '10m', openedAt: at(0), openedCount: 50, peakCount: 50, linked: 50, triggerEventId: 'e1', alert: true, ...extra,
  });

  it('follows events from its own cursor, moved only by a step that read from where it still is', async () => {
    const { store } = await fresh();
    await storeNewEvents(store, [mention('e1'), mention('e2')]);
    const first = await readAll(store);
    expect(first.events.map((e) => e.id)).toEqual(['e1', 'e2']);
    expect(await store.incidents.commitStep({ from: first.from, cursor: first.cursor!, windows: [], incidents: [], operations: [], now: at(1) })).toBe(true);
    expect((await readAll(store)).events).toEqual([]);
    // A second instance that read the same page commits nothing: the cursor moved under it.
    expect(await store.incidents.commitStep({ from: first.from, cursor: first.cursor!, windows: [{ ruleId: 'r', group: '', state: '{}' }], incidents: [incident('i1')], operations: [], now: at(2) })).toBe(false);
    expect(await store.incidents.windows()).toEqual([]);
    expect(await store.incidents.get('i1')).toBeUndefined();
    // A step without events moves no cursor, but a step begun before it commits nothing either.
    const { from } = await readAll(store);
    expect(await store.incidents.commitStep({ from, windows: [], incidents: [], operations: [], now: at(3) })).toBe(true);
    expect(await store.incidents.commitStep({ from, windows: [], incidents: [incident('i1')], operations: [], now: at(4) })).toBe(false);
    expect(await store.incidents.get('i1')).toBeUndefined();
    await storeNewEvents(store, [mention('e3')]);
    expect((await readAll(store)).events.map((e) => e.id)).toEqual(['e3']);
  });

  it('commits an opened incident, its operations and its window in one step, and keeps one open incident per rule and group', async () => {
    const { store } = await fresh();
    await storeNewEvents(store, [mention('e1')]);
    const page = await readAll(store);
    const step = { windows: [{ ruleId: 'burst', group: 'acme', state: '{"n":1}' }], now: at(5) };
    expect(await store.incidents.commitStep({ ...step, from: page.from, cursor: page.cursor!, incidents: [incident('i1')],
      operations: [operation('case-1', 'e1', { object: 'Case', operation: 'create', recordKey: 'crisis:i1', references: [] })] })).toBe(true);
    expect(await store.incidents.get('i1')).toEqual({
      id: 'i1', ruleId: 'burst', group: 'acme', state: 'open', window: '10m', openedAt: at(0).toISOString(), openedCount: 50, peakCount: 50, linked: 50,
      triggerEventId: 'e1', alertSent: false, alert: { opened: 'pending', closed: 'none', attempts: 0 }, updatedAt: at(5).toISOString(),
    });
    expect((await store.listOperations({ limit: 10 })).items.map((o) => [o.id, o.recordKey])).toEqual([['case-1', 'crisis:i1']]);
    expect(await store.incidents.windows()).toEqual([{ ruleId: 'burst', group: 'acme', state: '{"n":1}' }]);
    // A second open incident for (burst, acme) fails the whole step: no operation, no window change, no cursor move.
    const from = (await readAll(store)).from;
    await expect(store.incidents.commitStep({ from, windows: [{ ruleId: 'burst', group: 'acme', state: '{"n":2}' }], incidents: [incident('i2')],
      operations: [operation('case-2', 'e1', { object: 'Case', operation: 'create', recordKey: 'crisis:i2', references: [] })], now: at(6) })).rejects.toThrow();
    expect(await store.incidents.get('i2')).toBeUndefined();
    expect((await store.listOperations({ limit: 10 })).items).toHaveLength(1);
    expect(await store.incidents.windows()).toEqual([{ ruleId: 'burst', group: 'acme', state: '{"n":1}' }]);
    // Closed, it leaves room for the next burst; another group never shared it.
    expect(await store.incidents.commitStep({ from, windows: [{ ruleId: 'burst', group: 'acme', state: null }], now: at(7), operations: [],
      incidents: [incident('i1', { state: 'closed', closedAt: at(7), peakCount: 80, linked: 90 }), incident('i2', { openedAt: at(8) }), incident('i3', { group: 'other' })] })).toBe(true);
    expect(await store.incidents.get('i1')).toMatchObject({ state: 'closed', closedAt: at(7).toISOString(), peakCount: 80, linked: 90, openedCount: 50, alert: { opened: 'pending', closed: 'pending' } });
    expect(await store.incidents.windows()).toEqual([]);
    expect((await store.incidents.list({ limit: 10 })).items.map((i) => i.id)).toEqual(['i3', 'i2', 'i1']);
    expect((await store.incidents.list({ state: 'open', limit: 1 })).items.map((i) => i.id)).toEqual(['i3']);
    const second = await store.incidents.list({ state: 'open', limit: 1, after: (await store.incidents.list({ state: 'open', limit: 1 })).next! });
    expect(second).toEqual({ items: [expect.objectContaining({ id: 'i2' })], next: null });
    expect((await store.incidents.list({ ruleId: 'nope', limit: 10 })).items).toEqual([]);
  });

  it('hands out due alerts, and records a sent one once and a failed one with its next attempt', async () => {
    const { store } = await fresh();
    await store.incidents.commitStep({ from: (await readAll(store)).from, windows: [], operations: [], now: at(0), incidents: [incident('i1'), incident('quiet', { group: 'b', alert: false })] });
    expect((await store.incidents.dueAlerts({ now: at(1), limit: 10 })).map((i) => i.id)).toEqual(['i1']);
    await store.incidents.recordAlert('i1', { type: 'opened', outcome: 'retry', nextAttemptAt: at(1000), error: 'HTTP 503' }, { now: at(1) });
    expect(await store.incidents.dueAlerts({ now: at(999), limit: 10 })).toEqual([]);
    expect((await store.incidents.get('i1'))!.alert).toEqual({ opened: 'pending', closed: 'none', attempts: 1, nextAttemptAt: at(1000).toISOString(), lastError: 'HTTP 503' });
    const [due] = await store.incidents.dueAlerts({ now: at(1000), limit: 10 });
    expect(due).toMatchObject({ id: 'i1', alertSent: false });
    await store.incidents.recordAlert('i1', { type: 'opened', outcome: 'sent' }, { now: at(1001) });
    await store.incidents.recordAlert('i1', { type: 'opened', outcome: 'retry', nextAttemptAt: at(5000), error: 'late' }, { now: at(1002) });
    expect(await store.incidents.get('i1')).toMatchObject({ alertSent: true, alert: { opened: 'sent', closed: 'none', attempts: 0 } });
    expect(await store.incidents.dueAlerts({ now: at(9000), limit: 10 })).toEqual([]);
    // Closing makes the closing alert due.
    await store.incidents.commitStep({ from: (await readAll(store)).from, windows: [], operations: [], now: at(2000), incidents: [incident('i1', { state: 'closed', closedAt: at(2000) })] });
    expect((await store.incidents.dueAlerts({ now: at(2000), limit: 10 })).map((i) => [i.id, i.alert.closed])).toEqual([['i1', 'pending']]);
    expect((await store.incidents.get('quiet'))!.alert).toEqual({ opened: 'none', closed: 'none', attempts: 0 });
  });
}
