import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStoreContract } from '../contract.ts';
import type { NewOperation, Store, WakeTopic } from '../store.ts';
import { PostgresStore } from './postgres-store.ts';
import { TEST_DATABASE_URL, testDatabaseAnswers } from './test-database.ts';

const URL = TEST_DATABASE_URL;

const available = await testDatabaseAnswers(URL);

const schemas: string[] = [];
const freshSchema = () => {
  const schema = `parley_test_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  return schema;
};

/** A plain client on the test database, for what a test does behind the store's back. */
async function withClient<T>(work: (client: pg.Client) => Promise<T>, schema?: string): Promise<T> {
  const client = new pg.Client({ connectionString: URL, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  if (!available || schemas.length === 0) return;
  await withClient(async (client) => {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
});

/** Waits for `check` to hold, polling, with a deadline (no fixed sleep). */
async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not so within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(!available && process.env.CI !== 'true')(available ? 'PostgreSQL store' : `PostgreSQL store: SKIPPED, PostgreSQL does not answer at ${URL}`, () => {
  describeStoreContract('PostgreSQL', async () => {
    const schema = freshSchema();
    const store = new PostgresStore({ url: URL, schema });
    await store.migrate();
    return { store, reopen: async () => new PostgresStore({ url: URL, schema }) };
  });

  const opened: PostgresStore[] = [];
  afterAll(async () => { for (const store of opened) await store.close(); });
  const open = (schema: string, onError?: (err: Error) => void) => {
    const store = new PostgresStore({ url: URL, schema, poolSize: 4, ...(onError ? { onError } : {}) });
    opened.push(store);
    return store;
  };
  const at = (ms: number) => new Date(Date.UTC(2026, 10, 30) + ms);
  const delivery = (id: string) => ({ id, source: 'x', receivedAt: at(0), contentType: 'application/json', body: Buffer.from(`{"id":"${id}"}`) });
  const operation = (id: string, eventId: string): NewOperation => ({
    id, eventId, mappingId: 'sf-x-post', destination: 'salesforce', object: 'SocialPost', operation: 'upsert', recordKey: id,
    orderingKey: `salesforce:x:${id}`, fields: { ExternalPostId: id }, references: [],
  });
  /** One event `e1` planned into `count` independent operations. */
  const planOperations = async (store: Store, count: number) => {
    await store.appendDeliveries([delivery('d1')]);
    const [d1] = await store.readPendingDeliveries(1);
    await store.commitDerived([{ delivery: d1!, outcome: { type: 'events', events: [{ id: 'e1', kind: 'interaction', key: 'k1', data: { kind: 'interaction' } as never }] } }], { dedupSince: at(-1000) });
    const ids = Array.from({ length: count }, (_, i) => `o${String(i).padStart(3, '0')}`);
    await store.commitPlan([{ eventId: 'e1', operations: ids.map((id) => operation(id, 'e1')), problems: [] }], { now: at(0) });
    return ids;
  };

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => new PostgresStore({ url: URL, schema: 'parley; DROP TABLE x' })).toThrow(expect.objectContaining({ code: 'PARLEY_STORE_UNAVAILABLE' }));
  });

  it('migrates once when several stores start on one schema at the same time', async () => {
    const schema = freshSchema();
    const results = await Promise.all([open(schema), open(schema), open(schema)].map((s) => s.migrate()));
    expect(results.filter((r) => r.applied.length > 0)).toEqual([{ applied: [1, 2, 3, 4, 5, 6, 7, 8, 9] }]);
    const versions = await withClient((c) => c.query('SELECT version FROM schema_migrations ORDER BY version'), schema);
    expect(versions.rows.map((r: { version: number }) => r.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('never leases one operation to two stores claiming the same destination at once', async () => {
    const schema = freshSchema();
    const [a, b] = [open(schema), open(schema)];
    await a.migrate();
    await b.migrate();
    const ids = await planOperations(a, 120);
    const claimed: string[] = [];
    for (let round = 0; round < 20; round++) {
      const batches = await Promise.all([a, b, a, b].map((s, i) => s.claimOperations('salesforce', { owner: `owner-${i}`, now: at(1), leaseMs: 60_000, limit: 10 })));
      const got = batches.flat().map((o) => o.id);
      if (got.length === 0) break;
      claimed.push(...got);
    }
    expect(new Set(claimed).size).toBe(claimed.length);
    expect([...claimed].sort()).toEqual(ids);
  });

  it('derives a delivery whose lower seq commits after a higher one was derived', async () => {
    const schema = freshSchema();
    const store = open(schema);
    await store.migrate();
    let earlyPosition = 0;
    await withClient(async (slow) => {
      // An instance whose append took its seq first but commits last.
      await slow.query('BEGIN');
      await slow.query(`INSERT INTO deliveries (id, source, received_at, content_type, body) VALUES ('late', 'x', 0, 'application/json', '\\x7b7d')`);
      await store.appendDeliveries([delivery('early')]);
      const first = await store.readPendingDeliveries(10);
      expect(first.map((d) => d.id)).toEqual(['early']);
      earlyPosition = first[0]!.position;
      await store.commitDerived([{ delivery: first[0]!, outcome: { type: 'events', events: [] } }], { dedupSince: at(-1000) });
      await slow.query('COMMIT');
    }, schema);
    const pending = await store.readPendingDeliveries(10);
    expect(pending.map((d) => d.id)).toEqual(['late']);
    // It did take the lower seq: a cursor past the derived one would never have read it.
    expect(pending[0]!.position).toBeLessThan(earlyPosition);
    expect(await store.countPendingDeliveries()).toBe(1);
  });

  it('reports a delivery another deriver derived meanwhile as not stored here', async () => {
    const schema = freshSchema();
    const [a, b] = [open(schema), open(schema)];
    await a.migrate();
    await b.migrate();
    await a.appendDeliveries([delivery('d1')]);
    const [d1] = await a.readPendingDeliveries(1);
    const derived = (id: string, key: string) => ({ delivery: d1!, outcome: { type: 'events' as const, events: [{ id, kind: 'interaction' as const, key, data: { kind: 'interaction' } as never }] } });
    expect(await a.commitDerived([derived('e1', 'k1')], { dedupSince: at(-1000) })).toEqual([{ type: 'events', storedEventIds: ['e1'], duplicateKeys: [] }]);
    // b read the same delivery before a committed, and derived it (differently): it keeps nothing, every key reported as a duplicate.
    expect(await b.commitDerived([derived('e2', 'k2')], { dedupSince: at(-1000) })).toEqual([{ type: 'events', storedEventIds: [], duplicateKeys: ['k2'] }]);
    expect((await a.listEvents({ limit: 10 })).items.map((e) => e.id)).toEqual(['e1']);
  });

  it('queues an event\'s operations once when two planners commit its plan at the same time', async () => {
    const schema = freshSchema();
    const [a, b] = [open(schema), open(schema)];
    await a.migrate();
    await b.migrate();
    await planOperations(a, 0);
    await a.appendDeliveries([delivery('d2')]);
    const [d2] = await a.readPendingDeliveries(1);
    await a.commitDerived([{ delivery: d2!, outcome: { type: 'events', events: [{ id: 'e2', kind: 'interaction', key: 'k2', data: { kind: 'interaction' } as never }] } }], { dedupSince: at(-1000) });
    const plans = [{ eventId: 'e2', operations: [operation('p1', 'e2'), operation('p2', 'e2')], problems: [{ id: 'l1', mappingId: 'm', key: 'k', problem: 'p' }] }];
    const results = await withClient(async (holder) => {
      // Both planners start while the event is busy elsewhere, so their transactions overlap for sure.
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM events WHERE id = 'e2' FOR UPDATE`);
      const planning = Promise.all([a, b].map((s) => s.commitPlan(plans, { now: at(1) })));
      // Polled from another session: pg_stat_activity is a snapshot within the holder's transaction.
      await withClient((watcher) => eventually(async () => (await watcher.query(`SELECT COUNT(*)::int AS n FROM pg_stat_activity
        WHERE application_name = $1 AND wait_event_type = 'Lock'`, [`parley:${schema}`])).rows[0].n === 2));
      await holder.query('COMMIT');
      return planning;
    }, schema);
    expect(results.map((r) => r.planned).sort()).toEqual([0, 1]);
    expect((await a.listOperations({ limit: 10 })).items.map((o) => o.id)).toEqual(['p1', 'p2']);
    expect((await a.listDeadLetters({ limit: 10 })).items.map((l) => l.id)).toEqual(['l1']);
  });

  it('gives a role\'s lead to one store at a time, and to another once the first closes', async () => {
    const schema = freshSchema();
    const [a, b] = [open(schema), open(schema)];
    await a.migrate();
    expect(await a.holdsLead('derive')).toBe(true);
    expect(await b.holdsLead('derive')).toBe(false);
    expect(await b.holdsLead('plan')).toBe(true);
    expect(await a.holdsLead('plan')).toBe(false);
    expect(await a.holdsLead('derive')).toBe(true);
    await a.close();
    expect(await b.holdsLead('derive')).toBe(true);
  });

  it('wakes another store\'s listeners after a commit, and not a store of another schema', async () => {
    const schema = freshSchema();
    const other = freshSchema();
    const [a, b, c] = [open(schema), open(schema), open(other)];
    await Promise.all([a.migrate(), b.migrate(), c.migrate()]);
    const heardByB: WakeTopic[] = [];
    const heardByC: WakeTopic[] = [];
    const stopB = b.onWake((topic) => heardByB.push(topic));
    c.onWake((topic) => heardByC.push(topic));
    await Promise.all([b.wakeReady(), c.wakeReady()]);
    await a.appendDeliveries([delivery('d1')]);
    await eventually(() => heardByB.includes('deliveries'));
    // c hears its own schema's commit; one of the other schema, NOTIFYed before it on the same channel, would have come first.
    await c.appendDeliveries([delivery('d2')]);
    await eventually(() => heardByC.length > 0);
    expect(heardByC).toEqual(['deliveries']);
    stopB();
    const before = heardByB.length;
    await a.appendDeliveries([delivery('d3')]);
    await c.appendDeliveries([delivery('d4')]);
    await eventually(() => heardByC.length === 2);
    expect(heardByB.length).toBe(before);
  });

  it('two stores reaping at once reap each silent instance once, and keep a live one\'s leases', async () => {
    const schema = freshSchema();
    const [a, b] = [open(schema), open(schema)];
    await a.migrate();
    await b.migrate();
    await planOperations(a, 6);
    for (const instance of ['dead-1', 'dead-2', 'live']) await a.heartbeat(instance, { now: at(0), roles: ['dispatcher'] });
    for (const instance of ['dead-1', 'dead-2', 'live']) await a.claimOperations('salesforce', { owner: instance, now: at(1), leaseMs: 60_000, limit: 2 });
    await a.heartbeat('live', { now: at(9_000), roles: ['dispatcher'] });
    const options = { silentSince: at(5_000), now: at(10_000) };
    const [byA, byB] = await Promise.all([a.reapInstances({ ...options, self: 'a' }), b.reapInstances({ ...options, self: 'b' })]);
    expect([...byA, ...byB].sort((x, y) => x.instance.localeCompare(y.instance))).toEqual([{ instance: 'dead-1', released: 2 }, { instance: 'dead-2', released: 2 }]);
    expect(await a.countOperations()).toEqual([{ destination: 'salesforce', state: 'leased', count: 2 }, { destination: 'salesforce', state: 'pending', count: 4 }]);
    expect((await a.listInstances()).map((i) => i.instance)).toEqual(['live']);
  });

  it('keeps nothing of a transaction that fails, and says the store is unavailable', async () => {
    const schema = freshSchema();
    const store = open(schema);
    await store.migrate();
    await planOperations(store, 0);
    await store.appendDeliveries([delivery('d2')]);
    const [d2] = await store.readPendingDeliveries(1);
    await store.commitDerived([{ delivery: d2!, outcome: { type: 'events', events: [{ id: 'e2', kind: 'interaction', key: 'k2', data: { kind: 'interaction' } as never }] } }], { dedupSince: at(-1000) });
    // The same operation id twice: the second insert fails, and with it the whole plan.
    const failing = store.commitPlan([{ eventId: 'e2', operations: [operation('dup', 'e2'), { ...operation('dup', 'e2'), recordKey: 'other' }], problems: [{ id: 'l1', mappingId: 'm', key: 'k', problem: 'p' }] }], { now: at(1) });
    await expect(failing).rejects.toMatchObject({ code: 'PARLEY_STORE_UNAVAILABLE' });
    expect((await store.readUnplannedEvents(10)).map((e) => e.id)).toEqual(['e2']);
    expect((await store.listOperations({ limit: 10 })).items).toEqual([]);
    expect((await store.listDeadLetters({ limit: 10 })).items).toEqual([]);
    expect((await store.status()).writable).toBe(true);
  });

  it('reports an unreachable database as unavailable, without the password of its URL', async () => {
    const store = new PostgresStore({ url: 'postgres://postgres:s3cret-pw@127.0.0.1:1/test', schema: freshSchema() });
    try {
      const failure = await store.migrate().then(() => undefined, (error: unknown) => error as Error & { code: string; details: { reason: string } });
      expect(failure).toMatchObject({ code: 'PARLEY_STORE_UNAVAILABLE' });
      expect(JSON.stringify({ message: failure!.message, details: failure!.details })).not.toContain('s3cret-pw');
      expect(await store.status()).toMatchObject({ open: true, writable: false, writeError: expect.any(String) });
      expect(await store.holdsLead('derive')).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('survives its connections being killed (a PostgreSQL restart) and serves the next call without being re-created', async () => {
    const schema = freshSchema();
    const failures: Error[] = [];
    const store = open(schema, (err) => failures.push(err));
    const rival = open(schema);
    await store.migrate();
    await rival.migrate();
    expect(await store.holdsLead('derive')).toBe(true);
    await store.appendDeliveries([delivery('d1')]);
    const heard: WakeTopic[] = [];
    store.onWake((topic) => heard.push(topic));
    await store.wakeReady();
    const killed = await withClient(async (c) => (await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE application_name = $1 AND pid <> pg_backend_pid()`, [`parley:${schema}`])).rowCount);
    expect(killed).toBeGreaterThanOrEqual(3);
    // The pooled connection, the lead's and the listener's each report their end.
    await eventually(() => failures.length >= 3);
    // The lead went with its session: another store takes it, and this one no longer holds it.
    expect(await rival.holdsLead('derive')).toBe(true);
    expect(await store.holdsLead('derive')).toBe(false);
    await store.appendDeliveries([delivery('d2')]);
    expect((await store.readPendingDeliveries(10)).map((d) => d.id)).toEqual(['d1', 'd2']);
    // The listener came back by itself.
    await store.wakeReady();
    await rival.appendDeliveries([delivery('d3')]);
    await eventually(() => heard.includes('deliveries'));
  });
});
