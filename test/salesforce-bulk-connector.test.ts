import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundClient } from '../src/connectors/outbound.ts';
import { connectDestination, type DestinationClient, type DestinationDefinition, type WriteBatch, type WriteResult } from '../src/connectors/index.ts';
import { demoConnection, startSalesforceSandbox, type RunningSandbox } from './helpers/salesforce-sandbox.ts';
import salesforce from '../connectors/salesforce/index.ts';
import { SalesforceConfig } from '../connectors/salesforce/config.ts';

// The connector's Bulk API 2.0 jobs through the destination kit, against the sandbox mounted at
// /sandbox/salesforce as Parley mounts it. The jobs' sizes and waits are lowered so small batches
// go through jobs and polls do not wait.

const sandboxOptions = { fieldOverrides: { SocialPost: { ExternalPostId: { externalId: true, idLookup: true } } } };
let sandbox: RunningSandbox;
beforeAll(async () => { sandbox = await startSalesforceSandbox(sandboxOptions); });
afterAll(async () => sandbox.close());

const bulkDefinition: DestinationDefinition<SalesforceConfig> = { ...salesforce, limits: { ...salesforce.limits, bulk: { minRecords: 1, maxRecords: 500, pollIntervalMs: 1, maxWaitMs: 100 } } };

async function connect(base = sandbox.base): Promise<{ client: DestinationClient; rateLimited: number[] }> {
  const rateLimited: number[] = [];
  const log = () => undefined;
  const client = await connectDestination(bulkDefinition, SalesforceConfig.parse({ flow: 'client_credentials', clientId: 'parley-demo', clientSecret: 'parley-demo-secret' }), {
    name: 'salesforce', sandboxUrl: base,
    outbound: (baseUrl) => createOutboundClient({ destination: 'salesforce', baseUrl, trustedDomains: salesforce.trustedDomains ?? [] }),
    logger: { debug: log, info: log, warn: log, error: log },
  }, { retry: { retries: 0, minDelayMs: 1, maxDelayMs: 5 }, sleep: async () => undefined, onRateLimited: (ms) => rateLimited.push(ms) });
  return { client, rateLimited };
}

function posts(prefix: string, count: number, operation: 'upsert' | 'create', change: (i: number) => Record<string, unknown> | undefined = () => undefined): WriteBatch {
  return {
    object: 'SocialPost', operation, ...(operation === 'upsert' ? { matchKey: 'ExternalPostId' } : {}),
    operations: Array.from({ length: count }, (_, i) => ({
      id: `op-${prefix}${i}`, ...(operation === 'upsert' ? { matchValue: `${prefix}${i}` } : {}),
      fields: { ExternalPostId: `${prefix}${i}`, Name: `Post ${i}`, Posted: '2026-11-23T10:00:00.000+0000', Content: i % 2 ? `text, "quoted" ${i}` : null, Provider: 'Twitter', ...change(i) },
    })),
  };
}

const status = (results: Map<string, WriteResult>) => Object.fromEntries([...results].map(([id, r]) => [id, r.status === 'permanent' ? `${r.status}/${r.scope}/${r.error.code}` : r.status]));

describe('Salesforce connector: Bulk API 2.0 jobs through the kit', () => {
  it('upserts through one job: results keyed by operation id, bad rows permanent with the REST error code, created then updated', async () => {
    const { client } = await connect();
    const before = (await sandbox.stats()).totalCalls;
    const batch = posts('bu-', 30, 'upsert', (i) => (i === 4 ? { Name: 'x'.repeat(300) } : i === 9 ? { Posted: 'yesterday' } : undefined));
    const results = await client.writeBulk!(batch);
    // create, upload, close, 2 status reads (InProgress, JobComplete), 3 result files.
    expect((await sandbox.stats()).totalCalls - before).toBe(8);
    expect(status(results)['op-bu-4']).toBe('permanent/record/STRING_TOO_LONG');
    expect(results.get('op-bu-4')).toMatchObject({ error: { fields: ['Name'] } });
    expect(status(results)['op-bu-9']).toBe('permanent/record/JSON_PARSER_ERROR');
    const done = [...results].filter(([, r]) => r.status === 'done');
    expect(done).toHaveLength(28);
    for (const [, r] of done) expect(r).toMatchObject({ created: true });
    // Every record id belongs to its operation's record.
    const conn = await demoConnection(sandbox.base);
    const rows = await conn.query<{ Id: string; ExternalPostId: string; Content: string | null }>("SELECT Id, ExternalPostId, Content FROM SocialPost WHERE ExternalPostId LIKE 'bu-%'");
    const byKey = new Map(rows.records.map((r) => [r.ExternalPostId, r]));
    for (const [id, r] of done) expect(byKey.get(id.replace('op-', ''))!.Id).toBe((r as { recordId: string }).recordId);
    expect(byKey.get('bu-3')!.Content).toBe('text, "quoted" 3');
    expect(byKey.get('bu-2')!.Content).toBeNull();
    const again = await client.writeBulk!(posts('bu-', 3, 'upsert'));
    expect([...again.values()]).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'done', created: false })]));
    expect([...again.values()].every((r) => r.status === 'done' && r.created === false)).toBe(true);
  });

  it('inserts through a job and maps every row back to its operation', async () => {
    const { client } = await connect();
    const results = await client.writeBulk!(posts('bi-', 12, 'create'));
    const conn = await demoConnection(sandbox.base);
    for (const [id, r] of results) {
      expect(r.status).toBe('done');
      const row = await conn.sobject('SocialPost').retrieve((r as { recordId: string }).recordId) as { ExternalPostId: string };
      expect(`op-${row.ExternalPostId}`).toBe(id);
    }
  });

  it('purges for good (nothing in the recycle bin), while a REST delete leaves the record there', async () => {
    const { client } = await connect();
    const created = await client.write(posts('pg-', 2, 'create'));
    const [soft, hard] = ['op-pg-0', 'op-pg-1'].map((id) => (created.get(id) as { recordId: string }).recordId) as [string, string];
    const deleted = await client.write({ object: 'SocialPost', operation: 'delete', operations: [{ id: 'del', recordId: soft, fields: {} }] });
    expect(deleted.get('del')).toMatchObject({ status: 'done' });
    const purged = await client.purge!('SocialPost', [hard]);
    expect(purged.get(hard)).toMatchObject({ status: 'done', recordId: hard });
    const conn = await demoConnection(sandbox.base);
    const bin = await conn.query<{ Id: string }>("SELECT Id FROM SocialPost WHERE IsDeleted = true AND ExternalPostId LIKE 'pg-%'", { scanAll: true });
    expect(bin.records.map((r) => r.Id)).toEqual([soft]);
    // Purging what is already gone answers what Salesforce says of it.
    expect(status(await client.purge!('SocialPost', [hard]))[hard]).toBe('permanent/record/ENTITY_IS_DELETED');
  });

  it('answers a purge refused for the missing "Bulk API Hard Delete" permission as the config\'s fault', async () => {
    const other = await startSalesforceSandbox({ ...sandboxOptions, bulk: { hardDeletePermission: false } });
    try {
      const { client } = await connect(other.base);
      const results = await client.purge!('SocialPost', ['0STSB0000000001']);
      expect([...results.values()]).toEqual([expect.objectContaining({ status: 'permanent', scope: 'config', error: expect.objectContaining({ code: 'FEATURENOTENABLED' }) })]);
    } finally { await other.close(); }
  });

  it('answers every operation of a job that failed for a column the object does not have as the config\'s fault', async () => {
    const { client } = await connect();
    const results = await client.writeBulk!(posts('bf-', 3, 'upsert', () => ({ NoSuchField__c: 'x' })));
    expect(Object.values(status(results))).toEqual(['permanent/config/InvalidBatch', 'permanent/config/InvalidBatch', 'permanent/config/InvalidBatch']);
  });

  it('answers rows an injected row lock hit as retryable, and writes the others', async () => {
    expect(await sandbox.faults({ seed: 3, errors: { UNABLE_TO_LOCK_ROW: 1 } })).toBe(200);
    try {
      const { client } = await connect();
      const results = await client.writeBulk!(posts('bl-', 10, 'upsert'));
      const values = [...results.values()];
      expect(values.filter((r) => r.status === 'retryable').length).toBeGreaterThan(0);
      for (const r of values) {
        if (r.status === 'retryable') expect(r.error.code).toBe('UNABLE_TO_LOCK_ROW');
        else expect(r.status).toBe('done');
      }
    } finally { await sandbox.faults({}); }
  });

  it('signals a spent daily quota during a job and answers every operation rate-limited', async () => {
    const { client, rateLimited } = await connect();
    const used = (await sandbox.stats()).totalCalls;
    expect(await sandbox.faults({ dailyLimit: 100_000, apiUsage: 100_000 })).toBe(200);
    try {
      const results = await client.writeBulk!(posts('bq-', 3, 'upsert'));
      expect(Object.values(status(results))).toEqual(['rate-limited', 'rate-limited', 'rate-limited']);
      expect(rateLimited).toHaveLength(1);
    } finally { await sandbox.faults({ dailyLimit: 15_000, apiUsage: used }); }
  });
});
