import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyChecker } from '../src/api/api-keys.ts';
import { consentRoutes } from '../src/api/consent.ts';
import { provenanceRoutes } from '../src/api/provenance.ts';
import { installErrorHandler } from '../src/http/error-handler.ts';
import { createMetrics } from '../src/metrics/metrics.ts';
import type { CanonicalData } from '../src/model/index.ts';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';

// The consent and provenance routes on a real store, in an app with only them (server.ts registers
// them beside the rest): scopes, shapes and refusals as a client sees them.

const keys = [{ name: 'reader', key: 'read-key-0123456789', scope: 'read' as const }, { name: 'ops', key: 'operate-key-0123456789', scope: 'operate' as const }];
const at = (ms: number) => new Date(Date.UTC(2026, 10, 30) + ms);

describe('consent and provenance over the API', () => {
  let app: FastifyInstance;
  let store: SqliteStore;
  beforeAll(async () => {
    store = new SqliteStore({ file: ':memory:', synchronous: 'normal' });
    await store.migrate();
    app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    installErrorHandler(app, { requestTimeoutMs: 5000, metrics: createMetrics() });
    const auth = createApiKeyChecker(keys);
    await app.register(consentRoutes, { store, auth, now: () => at(5), policy: { default: 'denied' } });
    await app.register(provenanceRoutes, { store, auth });
    await app.ready();
  });
  afterAll(async () => { await app.close(); await store.close(); });
  const call = (method: 'GET' | 'PUT', url: string, key: string, payload?: unknown) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });

  it('records consent with operate, reads it with read, and shows the policy default where none is recorded', async () => {
    expect((await call('GET', '/v1/identities/x:42/consent', 'read-key-0123456789')).json()).toEqual({ identityKey: 'x:42', granted: false, byDefault: true });
    expect((await call('PUT', '/v1/identities/x:42/consent', 'read-key-0123456789', { granted: true })).statusCode).toBe(403);
    const put = await call('PUT', '/v1/identities/x:42/consent', 'operate-key-0123456789', { granted: true, source: 'web-form' });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ identityKey: 'x:42', granted: true, byDefault: false, source: 'web-form', recordedBy: 'ops', recordedAt: at(5).toISOString() });
    expect((await call('GET', '/v1/identities/x:42/consent', 'read-key-0123456789')).json()).toMatchObject({ granted: true, byDefault: false });
    const bad = await call('PUT', '/v1/identities/x:42/consent', 'operate-key-0123456789', { granted: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('PARLEY_API_INVALID_REQUEST');
    expect((await call('GET', '/v1/identities/not-a-key/consent', 'read-key-0123456789')).statusCode).toBe(400);
  });

  it('answers a record\'s provenance by CRM id or key, and refuses a query naming it both ways or neither', async () => {
    await store.appendDeliveries([{ id: 'd1', source: 'x', receivedAt: at(0), contentType: 'application/json', body: Buffer.from('{}') }]);
    const [d1] = await store.readPendingDeliveries(1);
    const data = { kind: 'interaction', network: 'x', networkId: '7', activity: 'post', direction: 'inbound', occurredAt: at(0).toISOString(), author: { key: 'x:42', userId: '42' } } as CanonicalData;
    await store.commitDerived([{ delivery: d1!, outcome: { type: 'events', events: [{ id: 'e1', kind: 'interaction', key: 'tweet:7', data }] } }], { dedupSince: at(-1) });
    await store.commitPlan([{ eventId: 'e1', operations: [{
      id: 'o1', eventId: 'e1', mappingId: 'sf-x-post', mappingVersion: 3, destination: 'salesforce', object: 'SocialPost', operation: 'upsert',
      recordKey: 'x:7', orderingKey: 'salesforce:x:42', fields: { Content: 'hi' }, references: [],
    }], problems: [] }], { now: at(1) });
    await store.claimOperations('salesforce', { owner: 'a', now: at(2), leaseMs: 1000, limit: 10 });
    await store.recordOutcomes([{ id: 'o1', outcome: 'done', crmId: '0ST1' }], { owner: 'a', now: at(3) });

    const byId = await call('GET', '/v1/records?destination=salesforce&crmId=0ST1', 'read-key-0123456789');
    expect(byId.statusCode).toBe(200);
    expect(byId.json()).toEqual({ destination: 'salesforce', crmId: '0ST1', operations: [{
      operationId: 'o1', eventId: 'e1', source: 'x', mappingId: 'sf-x-post', mappingVersion: 3, object: 'SocialPost', operation: 'upsert', state: 'done',
      recordKey: 'x:7', crmId: '0ST1', createdAt: at(1).toISOString(), updatedAt: at(3).toISOString(),
    }] });
    const byKey = await call('GET', '/v1/records?destination=salesforce&object=SocialPost&recordKey=x:7', 'read-key-0123456789');
    expect(byKey.json().operations).toEqual(byId.json().operations);
    expect((await call('GET', '/v1/records?destination=salesforce&crmId=nope', 'read-key-0123456789')).json().operations).toEqual([]);
    for (const query of ['destination=salesforce', 'destination=salesforce&crmId=0ST1&object=SocialPost&recordKey=x:7', 'destination=salesforce&object=SocialPost']) {
      const refused = await call('GET', `/v1/records?${query}`, 'read-key-0123456789');
      expect(refused.statusCode, query).toBe(400);
      expect(refused.json().error.code, query).toBe('PARLEY_API_INVALID_REQUEST');
    }
    expect((await app.inject({ method: 'GET', url: '/v1/records?destination=salesforce&crmId=0ST1' })).statusCode).toBe(401);
  });
});
