import { afterEach, describe, expect, it } from 'vitest';
import type { CatalogField, ObjectCatalog } from '../src/connectors/destination.ts';
import { createLogger } from '../src/logging/logger.ts';
import { parseMapping } from '../src/mappings/load-mappings.ts';
import type { CanonicalData } from '../src/model/index.ts';
import { createPlanner } from '../src/outbox/planner.ts';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../src/store/store.ts';

// Consent applied where operations are planned: for a person without consent (recorded, or by the
// policy's default) the fields a mapping marks `personal: true` are left out of the CRM write.
// Needs src/outbox/planner.ts to apply `applyConsent` with the `consent` option (see the report).

const text = (name: string, more: Partial<CatalogField> = {}): CatalogField => ({
  name, label: name, vendorType: 'string', valueType: 'string', length: 80, required: false, nillable: true, createable: true, updateable: true, upsertKey: false, ...more,
});
const catalogs = new Map<string, ObjectCatalog>([['crm', {
  objects: [{ name: 'Post', label: 'Post', createable: true, updateable: true, deletable: true, fields: [text('Key', { upsertKey: true }), text('Body'), text('Handle')] }],
}]]);
const mapping = parseMapping(`
id: crm-post
source: { kind: interaction }
target: { destination: crm, object: Post, operation: upsert, matchKey: Key }
fields:
  Key: networkId
  Body: { expr: text, personal: true }
  Handle: { expr: author.handle, personal: true }
`, 'crm-post.yaml');

const post = (id: string, author: string): CanonicalData => ({
  kind: 'interaction', network: 'x', networkId: id, activity: 'post', direction: 'inbound', occurredAt: '2026-11-01T00:00:00.000Z', text: `post ${id}`,
  author: { key: `x:${author}`, userId: author, handle: `h${author}` },
} as CanonicalData);

describe('consent when operations are planned', () => {
  const stores: Store[] = [];
  afterEach(async () => { for (const s of stores.splice(0)) await s.close(); });

  const planned = async (defaultConsent: 'granted' | 'denied') => {
    const store = new SqliteStore({ file: ':memory:', synchronous: 'normal' });
    stores.push(store);
    await store.migrate();
    await store.consents.record({ identityKey: 'x:yes', granted: true, recordedBy: 'ops' }, { now: new Date() });
    await store.consents.record({ identityKey: 'x:no', granted: false, recordedBy: 'ops' }, { now: new Date() });
    await store.appendDeliveries([{ id: 'd1', source: 'x', receivedAt: new Date(), contentType: 'application/json', body: Buffer.from('{}') }]);
    const [d1] = await store.readPendingDeliveries(1);
    await store.commitDerived([{ delivery: d1!, outcome: { type: 'events', events: ['yes', 'no', 'unknown'].map((who, i) => ({ id: `e-${who}`, kind: 'interaction' as const, key: `k${i}`, data: post(String(i), who) })) } }], { dedupSince: new Date(0) });
    let n = 0;
    const options = { store, mappings: [mapping], catalogs: () => catalogs, logger: createLogger('silent'), now: () => new Date(), newId: () => `o${++n}`, consent: { default: defaultConsent } };
    const planner = createPlanner(options);
    await planner.step(10);
    await planner.stop();
    return Object.fromEntries((await store.listOperations({ limit: 10 })).items.map((o) => [o.eventId, o.fields]));
  };

  it('leaves personal fields out for a person who said no, and for one with no answer when the default is denied', async () => {
    expect(await planned('denied')).toEqual({
      'e-yes': { Key: '0', Body: 'post 0', Handle: 'hyes' },
      'e-no': { Key: '1' },
      'e-unknown': { Key: '2' },
    });
  });

  it('writes them for a person with no answer when the default is granted', async () => {
    expect((await planned('granted'))['e-unknown']).toEqual({ Key: '2', Body: 'post 2', Handle: 'hunknown' });
  });
});
