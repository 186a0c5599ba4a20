import { alertReceiver as alertReceiverOn } from './helpers/alert-receiver.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../src/logging/logger.ts';
import type { CanonicalData } from '../src/model/index.ts';
import { createCrisisEngine, type CrisisEngine } from '../src/rules/engine.ts';
import { loadRules } from '../src/rules/load-rules.ts';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { NewEvent, Store } from '../src/store/store.ts';

const KEY = Buffer.from('crisis-alert-test-key-0123456789');
const SECRET = `whsec_${KEY.toString('base64')}`;
const T0 = Date.UTC(2026, 11, 1, 12);
const S = 1000, M = 60 * S;
const RULE = 'negative-mentions-burst';

const alertReceiver = () => alertReceiverOn(KEY);

let clock = T0;
let ids = 0;
let delivery = 0;
const closers: Array<() => Promise<void>> = [];
let dir: string;
let receiver: Awaited<ReturnType<typeof alertReceiver>>;

beforeEach(async () => {
  clock = T0;
  dir = mkdtempSync(join(tmpdir(), 'crisis-'));
  receiver = await alertReceiver();
  closers.push(receiver.close);
});
afterEach(async () => { for (const close of closers.splice(0).reverse()) await close(); });

/** The store on the test's database file, as a (re)started Parley opens it. */
async function openStore(): Promise<Store> {
  const store = new SqliteStore({ file: join(dir, 'parley.db'), synchronous: 'normal' });
  await store.migrate();
  closers.push(() => store.close());
  return store;
}

function engineOn(store: Store): CrisisEngine {
  const rules = loadRules(join(process.cwd(), 'rules'), { env: { CRISIS_ALERT_URL: receiver.url, CRISIS_ALERT_SECRET: SECRET } });
  const engine = createCrisisEngine({
    store, rules: () => rules, logger: createLogger('silent'), now: () => new Date(clock), newId: () => `id-${++ids}`, alertBackoff: { baseMs: 30 * S, capMs: 10 * M },
  });
  closers.push(() => engine.stop());
  return engine;
}

const mention = (i: number, extra: Record<string, unknown> = {}): NewEvent => ({
  id: `ev-${i}`, kind: 'interaction', key: `tweet:${i}`,
  data: {
    kind: 'interaction', network: 'x', networkId: `t${i}`, activity: 'mention', direction: 'inbound', author: { key: `x:u${i}`, userId: `u${i}` },
    text: `@acme the phone ${i} is broken`, sentiment: -0.8, topics: ['Acme Phone'], occurredAt: new Date(T0 + i * 10 * S).toISOString(), ...extra,
  } as CanonicalData,
});

/** Stores events as intake does (one delivery), then sets the clock just after the last one happened. */
async function arrive(store: Store, events: NewEvent[]): Promise<void> {
  const id = `d${++delivery}`;
  await store.appendDeliveries([{ id, source: 'x', receivedAt: new Date(clock), contentType: 'application/json', body: Buffer.from('{}') }]);
  const [pending] = await store.readPendingDeliveries(1);
  await store.commitDerived([{ delivery: pending!, outcome: { type: 'events', events } }], { dedupSince: new Date(0) });
  clock = Math.max(clock, ...events.map((e) => Date.parse((e.data as { occurredAt: string }).occurredAt) + S));
}
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function crisisOperations(store: Store) {
  const all = (await store.listOperations({ limit: 500 })).items.filter((o) => o.mappingId === `parley:crisis:${RULE}`);
  const updates = all.filter((o) => o.operation === 'update');
  return { cases: all.filter((o) => o.operation === 'create'), links: updates.filter((o) => o.object === 'SocialPost'), each: updates.filter((o) => o.object === 'serviceRequests') };
}

describe('the crisis engine on a SQLite store', () => {
  it('opens exactly one incident for a burst of 60 negative mentions in 10 minutes, across restarts and a second instance, and links every post', async () => {
    // 40 mentions in the first 6.5 minutes, and some that do not count: no incident yet.
    let store = await openStore();
    await arrive(store, [...range(1, 40).map((i) => mention(i)), ...[{ sentiment: 0.6 }, { topics: ['Other'] }, { direction: 'outbound' }].map((extra, i) => mention(100 + i, { ...extra, occurredAt: new Date(T0 + 5 * S).toISOString() }))]);
    expect(await engineOn(store).catchUp(5_000)).toBe(true);
    expect((await store.incidents.list({ limit: 10 })).items).toEqual([]);

    // Parley restarts mid-burst; two instances share the database and step at once over the next 20.
    await store.close();
    store = await openStore();
    const other = await openStore();
    await arrive(store, range(41, 60).map((i) => mention(i)));
    await Promise.all([engineOn(store).catchUp(5_000), engineOn(other).catchUp(5_000)]);
    const [incident, ...more] = (await store.incidents.list({ limit: 10 })).items;
    expect(more).toEqual([]);
    expect(incident).toMatchObject({ ruleId: RULE, group: 'acme phone', state: 'open', openedCount: 50, peakCount: 60, linked: 60, triggerEventId: 'ev-50', openedAt: new Date(T0 + 601 * S).toISOString() });

    // Restarted again: later posts of the burst are linked to the same incident.
    await store.close();
    store = await openStore();
    const engine = engineOn(store);
    await arrive(store, range(61, 65).map((i) => mention(i)));
    await engine.catchUp(5_000);
    expect((await store.incidents.list({ limit: 10 })).items.map((i) => [i.id, i.linked])).toEqual([[incident!.id, 65]]);

    const { cases, links, each } = await crisisOperations(store);
    expect(cases.map((c) => [c.destination, c.object, c.recordKey, c.eventId])).toEqual([
      ['salesforce', 'Case', `crisis:${incident!.id}`, 'ev-50'], ['sap-c4c', 'ServiceRequest', `crisis:${incident!.id}`, 'ev-50'],
    ]);
    expect(cases[0]!.fields).toMatchObject({ Subject: 'Crisis: 50 negative mentions of acme phone in 10m', Priority: 'High', Status: 'New', Origin: 'Web' });
    expect(cases[0]!.fields.Description).toContain('@acme the phone 50 is broken');
    expect(cases[1]!.fields).toEqual({ Name: 'Crisis: 50 negative mentions of acme phone', ServicePriorityCode: '1' });
    // One SocialPost link per matching post (those before the opening and after), none for the others.
    expect(links.map((l) => l.eventId).sort()).toEqual(range(1, 65).map((i) => `ev-${i}`).sort());
    expect(links.find((l) => l.eventId === 'ev-7')).toMatchObject({
      destination: 'salesforce', object: 'SocialPost', matchKey: 'ExternalPostId', matchValue: 't7', recordKey: 't7', orderingKey: 'salesforce:x:u7', fields: { ExternalPostId: 't7' },
      references: [{ field: 'ParentId', object: 'Case', key: `crisis:${incident!.id}`, bind: 'wait' }],
    });
    // Oracle opens a service request per root post by itself: no parent there, and each post raises
    // the severity of its own service request, once the post is written.
    expect(cases.some((c) => c.destination === 'oracle-cx')).toBe(false);
    expect(each.map((l) => l.eventId).sort()).toEqual(range(1, 65).map((i) => `ev-${i}`).sort());
    expect(each.find((l) => l.eventId === 'ev-7')).toMatchObject({
      destination: 'oracle-cx', object: 'serviceRequests', operation: 'update', matchKey: 'socialPost/SourcePostIdPrimary', matchValue: 't7',
      orderingKey: 'oracle-cx:x:u7', fields: { 'socialPost/SourcePostIdPrimary': 't7', SeverityCd: 'ORA_SVC_SEV1' },
      references: [{ field: 'socialPost', object: 'socialPosts', key: 't7', bind: 'wait' }],
    });
  });

  it('runs by itself once started: a notified burst opens its incident and its alert goes out', async () => {
    const store = await openStore();
    const engine = engineOn(store);
    engine.start();
    await arrive(store, range(1, 55).map((i) => mention(i)));
    engine.notify();
    await vi.waitFor(() => expect(receiver.received.map((r) => r.body.type)).toEqual(['crisis.opened']), { timeout: 5_000, interval: 20 });
    await engine.stop();
    expect((await store.incidents.list({ limit: 10 })).items).toEqual([expect.objectContaining({ linked: 55, alertSent: true })]);
  });

  it('sends one signed alert per incident, retried with back-off until a 2xx, then closes when the rate falls back', async () => {
    const store = await openStore();
    const engine = engineOn(store);
    await arrive(store, range(1, 60).map((i) => mention(i)));
    await engine.catchUp(5_000);
    const [incident] = (await store.incidents.list({ limit: 10 })).items;

    receiver.answers.push(503);
    expect(await engine.sendAlerts()).toBe(1);
    expect(await engine.sendAlerts()).toBe(0); // not due before its back-off
    expect((await store.incidents.get(incident!.id))!.alert).toMatchObject({ opened: 'pending', attempts: 1, lastError: 'HTTP 503' });
    clock += 30 * S;
    expect(await engine.sendAlerts()).toBe(1);
    expect(await engine.sendAlerts()).toBe(0);
    expect(receiver.received.map((r) => [r.headers['webhook-id'], r.body.type, r.signed])).toEqual([
      [`${incident!.id}:crisis.opened`, 'crisis.opened', true], [`${incident!.id}:crisis.opened`, 'crisis.opened', true],
    ]);
    expect(receiver.received[1]!.body).toMatchObject({ incident: { id: incident!.id }, count: 50, group: 'acme phone' });
    expect(await store.incidents.get(incident!.id)).toMatchObject({ alertSent: true });

    // Quiet: the last 10 mentions were at 510 s … 600 s: fewer than 10 in the window from 1110 s, closed 10 minutes later.
    clock = T0 + 1709 * S;
    await engine.step();
    expect(await store.incidents.get(incident!.id)).toMatchObject({ state: 'open' });
    clock = T0 + 40 * M;
    await engine.step();
    expect(await store.incidents.get(incident!.id)).toMatchObject({ state: 'closed', closedAt: new Date(T0 + 1710 * S).toISOString() });
    await engine.sendAlerts();
    expect(receiver.received.map((r) => r.body.type)).toEqual(['crisis.opened', 'crisis.opened', 'crisis.closed']);
    expect(receiver.received[2]!.headers['webhook-id']).toBe(`${incident!.id}:crisis.closed`);

    // A later burst is a new incident with a Case of its own.
    const later = (i: number) => mention(i, { occurredAt: new Date(clock + i * S).toISOString() });
    await arrive(store, range(200, 259).map(later));
    await engine.catchUp(5_000);
    const items = (await store.incidents.list({ limit: 10 })).items;
    expect(items.map((i) => i.state)).toEqual(['open', 'closed']);
    expect((await crisisOperations(store)).cases.filter((c) => c.destination === 'salesforce')).toHaveLength(2);
  });
});
