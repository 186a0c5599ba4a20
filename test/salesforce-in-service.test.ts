import jsforce from 'jsforce';
import { createOutboundClient } from '../src/connectors/outbound.ts';
import { connectDestination } from '../src/connectors/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import salesforce from '../connectors/salesforce/index.ts';
import { isParleyError } from '../src/errors.ts';
import { startParley, type TestParley } from './helpers/parley.ts';

// The sandbox as Parley mounts it from the config: `/sandbox/salesforce` on the service's own port.
let parley: TestParley;
beforeAll(async () => {
  parley = await startParley({
    sandboxes: { salesforce: { file: 'salesforce-sandbox.json' } },
    destinations: { salesforce: { connector: 'salesforce', flow: 'client_credentials', clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } },
  });
});
afterAll(async () => parley?.stop());

describe('the Salesforce sandbox inside Parley', () => {
  it('answers jsforce at /sandbox/salesforce with the demo credentials', async () => {
    const base = `${parley.base}/sandbox/salesforce`;
    const conn = new jsforce.Connection({ version: '62.0', loginUrl: base, oauth2: { loginUrl: base, clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } });
    await conn.login('demo@parley.local', 'demo');
    expect(conn.instanceUrl).toBe(base);
    const created = await conn.sobject('Account').create({ Name: 'Acme' });
    expect(created.success).toBe(true);
    expect((await conn.query("SELECT Id, Name FROM Account WHERE Name = 'Acme'")).records).toEqual([expect.objectContaining({ Id: created.id, Name: 'Acme' })]);
  });

  it('the configured destination connects through the mounted sandbox when no login URL is set', async () => {
    const [destination] = parley.parley.destinations;
    expect(destination).toMatchObject({ id: 'salesforce', definition: { id: 'salesforce' } });
    const log = () => undefined;
    const client = await connectDestination(salesforce, destination!.config as never, {
      name: 'salesforce', sandboxUrl: `${parley.base}/sandbox/salesforce`, logger: { debug: log, info: log, warn: log, error: log },
      outbound: (baseUrl) => createOutboundClient({ destination: 'salesforce', baseUrl }),
    });
    const results = await client.write({ object: 'Contact', operation: 'create', operations: [{ id: 'op1', fields: { LastName: 'Through Parley' } }] });
    expect(results.get('op1')).toMatchObject({ status: 'done' });
  });

  it('keeps its errors in Salesforce\'s shape and its routes out of Parley\'s OpenAPI', async () => {
    const missing = await fetch(`${parley.base}/sandbox/salesforce/services/data/v62.0/nowhere`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    const parleyMissing = await fetch(`${parley.base}/v1/nowhere`);
    expect((await parleyMissing.json() as { error: { code: string } }).error.code).toBe('PARLEY_HTTP_NOT_FOUND');
    const spec = await (await fetch(`${parley.base}/docs/json`)).json() as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths).some((p) => p.startsWith('/sandbox'))).toBe(false);
    expect(Object.keys(spec.paths)).toContain('/webhooks/x');
  });

  it('_faults and _stats need no API key', async () => {
    const put = await fetch(`${parley.base}/sandbox/salesforce/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: 0 }) });
    expect(put.status).toBe(200);
    const stats = await (await fetch(`${parley.base}/sandbox/salesforce/_stats`)).json() as { totalCalls: number; records: Record<string, number> };
    expect(stats.totalCalls).toBeGreaterThan(0);
    expect(stats.records.Account).toBe(1);
  });
});

describe('destination configuration', () => {
  it('a destination block its connector refuses stops start-up, naming the keys', async () => {
    const error = await startParley({ destinations: { salesforce: { connector: 'salesforce', flow: 'jwt_bearer', clientId: 'x' } } }).then(
      async (p) => { await p.stop(); return undefined; }, (e: unknown) => e);
    expect(isParleyError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'PARLEY_CONFIG_INVALID' });
    const keys = (error as { details: { issues: Array<{ key: string }> } }).details.issues.map((i) => i.key);
    expect(keys).toEqual(['destinations.salesforce.username', 'destinations.salesforce.privateKey']);
  });

  it('a sandbox for a connector that has none is refused', async () => {
    // LinkedIn's source has no sandbox (X's has one: its API v2 for pulls).
    const error = await startParley({ sandboxes: { linkedin: {} } }).then(async (p) => { await p.stop(); return undefined; }, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'PARLEY_CONFIG_INVALID', details: { issues: [{ key: 'sandboxes.linkedin', problem: 'connector "linkedin" has no sandbox' }] } });
  });
});
