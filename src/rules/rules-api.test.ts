import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyChecker } from '../api/api-keys.ts';
import { crisisRoutes } from '../api/rules.ts';
import { installErrorHandler } from '../http/error-handler.ts';
import { createLogger } from '../logging/logger.ts';
import { createMetrics } from '../metrics/metrics.ts';
import type { CanonicalData } from '../model/index.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { NewEvent } from '../store/store.ts';
import { createCrisisEngine } from './engine.ts';
import { loadRules } from './load-rules.ts';

// The crisis rule routes on a real store, in an app with only them: shapes and refusals as a client sees them.

const T0 = Date.UTC(2026, 11, 1, 12);
const S = 1000;
const READ = 'read-key-0123456789';
const mention = (i: number, topic: string, at: number): NewEvent => ({
  id: `ev-${topic}-${i}`, kind: 'interaction', key: `tweet:${topic}:${i}`,
  data: {
    kind: 'interaction', network: 'x', networkId: `${topic}-${i}`, activity: 'mention', direction: 'inbound', author: { key: `x:${i}`, userId: String(i) },
    text: 'this is terrible', sentiment: -0.9, topics: [topic], occurredAt: new Date(at).toISOString(),
  } as CanonicalData,
});

describe('crisis rules over the API', () => {
  let app: FastifyInstance;
  let store: SqliteStore;
  const rules = loadRules(join(import.meta.dirname, '../../rules'), { env: { CRISIS_ALERT_URL: 'https://hooks.example.com/crisis/t0ken', CRISIS_ALERT_SECRET: `whsec_${Buffer.from('0123456789abcdef0123').toString('base64')}` } });
  beforeAll(async () => {
    store = new SqliteStore({ file: ':memory:', synchronous: 'normal' });
    await store.migrate();
    // A burst of 55 about "Phone" in 9 minutes, and 20 about "Tablet" spread over the same time.
    const events = [...Array.from({ length: 55 }, (_, i) => mention(i, 'Phone', T0 + i * 10 * S)), ...Array.from({ length: 20 }, (_, i) => mention(i, 'Tablet', T0 + i * 27 * S))];
    await store.appendDeliveries([{ id: 'd1', source: 'x', receivedAt: new Date(T0 + 600 * S), contentType: 'application/json', body: Buffer.from('{}') }]);
    const [d] = await store.readPendingDeliveries(1);
    await store.commitDerived([{ delivery: d!, outcome: { type: 'events', events } }], { dedupSince: new Date(0) });
    app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    installErrorHandler(app, { requestTimeoutMs: 5000, metrics: createMetrics() });
    await app.register(crisisRoutes, { store, auth: createApiKeyChecker([{ name: 'reader', key: READ, scope: 'read' }]), rules: () => rules });
    await app.ready();
  });
  afterAll(async () => { await app.close(); await store.close(); });
  const call = (method: 'GET' | 'POST', url: string, payload?: unknown, key = READ) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });

  it('lists the loaded rules without their alert\'s secret or path', async () => {
    const list = await call('GET', '/v1/rules');
    expect(list.statusCode).toBe(200);
    const [rule] = list.json().items;
    expect(rule).toMatchObject({ id: 'negative-mentions-burst', window: '10m', open: { count: 50 }, close: { below: 10, quietFor: '10m' }, alert: { host: 'hooks.example.com' } });
    expect(rule.cases.map((c: { destination: string }) => c.destination)).toEqual(['salesforce', 'sap-c4c', 'oracle-cx']);
    expect(JSON.stringify(list.json())).not.toMatch(/whsec_|t0ken/);
    expect((await call('GET', '/v1/rules/negative-mentions-burst')).json()).toEqual(rule);
    expect((await call('GET', '/v1/rules/nope')).json()).toMatchObject({ error: { code: 'PARLEY_API_RULE_NOT_FOUND', details: { id: 'nope' } } });
    expect((await call('GET', '/v1/rules', undefined, 'wrong')).statusCode).toBe(401);
  });

  it('previews over stored events: the incident the burst would open and close, per group, and writes nothing', async () => {
    const response = await call('POST', '/v1/rules/negative-mentions-burst/preview', { since: new Date(T0 - 3600 * S).toISOString(), until: new Date(T0 + 7200 * S).toISOString() });
    expect(response.statusCode).toBe(200);
    const preview = response.json();
    expect(preview).toMatchObject({ rule: 'negative-mentions-burst', events: 75, matched: 75, truncated: false });
    expect(preview.incidents).toEqual([{
      group: 'phone', openedAt: new Date(T0 + 490 * S).toISOString(), openedCount: 50, peakCount: 55, triggerEventId: 'ev-Phone-49',
      // The 10th newest post is at 450 s: below 10 from 1050 s, closed after 10 quiet minutes.
      closedAt: new Date(T0 + 1650 * S).toISOString(),
      eventIds: Array.from({ length: 55 }, (_, i) => `ev-Phone-${i}`),
    }]);
    expect((await store.listOperations({ limit: 10 })).items).toEqual([]);
    expect((await store.incidents.list({ limit: 10 })).items).toEqual([]);
    const bad = await call('POST', '/v1/rules/negative-mentions-burst/preview', { since: new Date(T0).toISOString(), until: new Date(T0 - 1).toISOString() });
    expect(bad.json()).toMatchObject({ error: { code: 'PARLEY_API_INVALID_REQUEST' } });
  });

  it('lists the incidents the engine opened, newest first, one at a time', async () => {
    expect((await call('GET', '/v1/incidents')).json()).toEqual({ items: [], nextCursor: null });
    // The engine's cursor started after these events (they were stored before it existed): store a burst it sees.
    const later = Array.from({ length: 50 }, (_, i) => mention(100 + i, 'Laptop', T0 + 3600 * S + i * S));
    await store.appendDeliveries([{ id: 'd2', source: 'x', receivedAt: new Date(T0 + 3700 * S), contentType: 'application/json', body: Buffer.from('{}') }]);
    const [d] = await store.readPendingDeliveries(1);
    await store.commitDerived([{ delivery: d!, outcome: { type: 'events', events: later } }], { dedupSince: new Date(0) });
    let n = 0;
    const engine = createCrisisEngine({ store, rules: () => rules, logger: createLogger('silent'), now: () => new Date(T0 + 3700 * S), newId: () => `i${++n}` });
    await engine.catchUp(5_000);
    await engine.stop();
    const page = (await call('GET', '/v1/incidents?state=open&limit=1')).json();
    expect(page.items).toEqual([expect.objectContaining({ ruleId: 'negative-mentions-burst', group: 'laptop', state: 'open', openedCount: 50, alertSent: false })]);
    expect((await call('GET', `/v1/incidents/${page.items[0].id}`)).json()).toEqual(page.items[0]);
    expect((await call('GET', '/v1/incidents/nope')).statusCode).toBe(404);
  });
});
