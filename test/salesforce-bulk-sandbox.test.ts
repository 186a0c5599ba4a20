import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSalesforceId } from '../connectors/salesforce/sandbox/ids.ts';
import { SalesforceSandboxConfig } from '../connectors/salesforce/sandbox/config.ts';
import { salesforceSandbox } from '../connectors/salesforce/sandbox/plugin.ts';
import { demoConnection } from './helpers/salesforce-sandbox.ts';

// Bulk API 2.0 ingest against the sandbox with jsforce unchanged (`conn.bulk2`). jsforce builds
// bulk URLs as `new URL('/services/data/…', instanceUrl)`, which drops any path of the instance
// URL, so here the sandbox is served at the root of its own server, as Salesforce is; mounted under
// /sandbox/salesforce, its `rootPaths` bring those requests back to it (last test).

type Conn = Awaited<ReturnType<typeof demoConnection>>;
interface Server { app: FastifyInstance; base: string; conn: Conn; close(): Promise<void> }

async function serve(options: Record<string, unknown> = {}): Promise<Server> {
  const app = Fastify({ logger: false });
  let base = '';
  const config = SalesforceSandboxConfig.parse(options);
  await app.register(async (scope) => salesforceSandbox(scope, { config, dataDir: '.', baseUrl: () => base }));
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  const conn = await demoConnection(base);
  conn.bulk2.pollInterval = 5;
  return { app, base, conn, close: () => app.close() };
}

const stats = async (base: string) => (await fetch(`${base}/_stats`)).json() as Promise<{ totalCalls: number }>;
const faults = (base: string, body: unknown) => fetch(`${base}/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

let server: Server;
beforeAll(async () => { server = await serve({ fieldOverrides: { SocialPost: { ExternalPostId: { externalId: true, idLookup: true } } } }); });
afterAll(async () => server.close());

const post = (key: string, extra: Record<string, unknown> = {}) => ({ ExternalPostId: key, Name: `Post ${key}`, Posted: '2026-11-23T10:00:00.000Z', Provider: 'Twitter', ...extra });

/** The ExternalPostId column jsforce read back from a result file. */
const keyOf = (row: object) => (row as Record<string, unknown>).ExternalPostId;
const GONE = makeSalesforceId('0ST', 999_999);

describe('Salesforce sandbox: Bulk API 2.0 ingest with jsforce unchanged', () => {
  it('inserts through loadAndWaitForResults; a bad row fails alone with the REST error text; each request counts', async () => {
    const before = await stats(server.base);
    const results = await server.conn.bulk2.loadAndWaitForResults({
      object: 'SocialPost', operation: 'insert',
      input: [post('b-1'), post('b-2', { Name: 'x'.repeat(300) }), post('b-3', { Posted: 'not a date' })],
    });
    expect(results.successfulResults).toHaveLength(1);
    expect(results.successfulResults[0]).toMatchObject({ sf__Created: 'true', ExternalPostId: 'b-1' });
    expect(results.successfulResults[0]!.sf__Id).toMatch(/^0ST/);
    const failures = Object.fromEntries(results.failedResults.map((r) => [keyOf(r), String(r.sf__Error)]));
    expect(failures['b-2']).toMatch(/^STRING_TOO_LONG:.*:Name --$/);
    expect(failures['b-3']).toMatch(/^JSON_PARSER_ERROR:/);
    expect(results.unprocessedRecords).toEqual([]);
    const found = await server.conn.query<{ Id: string }>("SELECT Id FROM SocialPost WHERE ExternalPostId = 'b-1'");
    expect(found.records[0]!.Id).toBe(results.successfulResults[0]!.sf__Id);
    // create, upload, close, two polls (InProgress, JobComplete), three result files, then the query.
    expect((await stats(server.base)).totalCalls - before.totalCalls).toBe(9);
  });

  it('upserts on the external id: created and updated rows told apart', async () => {
    await server.conn.bulk2.loadAndWaitForResults({ object: 'SocialPost', operation: 'insert', input: [post('u-1')] });
    const results = await server.conn.bulk2.loadAndWaitForResults({
      object: 'SocialPost', operation: 'upsert', externalIdFieldName: 'ExternalPostId', input: [post('u-1', { Name: 'renamed' }), post('u-2')],
    });
    const created = Object.fromEntries(results.successfulResults.map((r) => [keyOf(r), r.sf__Created]));
    expect(created).toEqual({ 'u-1': 'false', 'u-2': 'true' });
    const row = await server.conn.query<{ Name: string }>("SELECT Name FROM SocialPost WHERE ExternalPostId = 'u-1'");
    expect(row.records[0]!.Name).toBe('renamed');
  });

  it('hardDelete leaves nothing in the recycle bin, while a REST delete does', async () => {
    const inserted = await server.conn.bulk2.loadAndWaitForResults({ object: 'SocialPost', operation: 'insert', input: [post('h-soft'), post('h-hard')] });
    const idOf = (key: string) => String(inserted.successfulResults.find((r) => keyOf(r) === key)!.sf__Id);
    await server.conn.sobject('SocialPost').destroy(idOf('h-soft'));
    const hard = await server.conn.bulk2.loadAndWaitForResults({ object: 'SocialPost', operation: 'hardDelete', input: [{ Id: idOf('h-hard') }] });
    expect(hard.successfulResults.map((r) => r.sf__Id)).toEqual([idOf('h-hard')]);
    // jsforce 3's queryAll: `query` with `scanAll`, which asks `/queryAll`.
    const bin = await server.conn.query<{ Id: string }>("SELECT Id FROM SocialPost WHERE IsDeleted = true AND ExternalPostId IN ('h-soft', 'h-hard')", { scanAll: true });
    expect(bin.records.map((r) => r.Id)).toEqual([idOf('h-soft')]);
  });

  it('refuses a hardDelete job for a user without "Bulk API Hard Delete"', async () => {
    const other = await serve({ bulk: { hardDeletePermission: false } });
    try {
      await expect(other.conn.bulk2.loadAndWaitForResults({ object: 'SocialPost', operation: 'hardDelete', input: [{ Id: GONE }] }))
        .rejects.toMatchObject({ errorCode: 'FEATURENOTENABLED' });
      const deletes = await other.conn.bulk2.loadAndWaitForResults({ object: 'SocialPost', operation: 'delete', input: [{ Id: GONE }] });
      expect(String(deletes.failedResults[0]!.sf__Error)).toMatch(/^ENTITY_IS_DELETED:/);
    } finally { await other.close(); }
  });

  it('fails the whole job for a column the object does not have, every row unprocessed', async () => {
    const job = server.conn.bulk2.createJob({ object: 'SocialPost', operation: 'insert' });
    await job.open();
    await job.uploadData('Name,NoSuchField\nx,y\n');
    await job.close();
    await expect(job.poll(5, 5_000)).rejects.toThrow(/InvalidBatch : Field name not found : NoSuchField/);
    const results = await job.getAllResults();
    expect(results.unprocessedRecords).toEqual([{ Name: 'x', NoSuchField: 'y' }]);
    expect(results.successfulResults).toEqual([]);
  });

  it('aborts, lists and deletes jobs; answers 404 for a job it does not have', async () => {
    const job = server.conn.bulk2.createJob({ object: 'SocialPost', operation: 'insert' });
    await job.open();
    await job.abort();
    const info = await job.check();
    expect(info.state).toBe('Aborted');
    const list = await server.conn.request<{ records: Array<{ id: string }> }>('/jobs/ingest');
    expect(list.records.map((r) => r.id)).toContain(job.id);
    await job.delete();
    await expect(job.check()).rejects.toMatchObject({ errorCode: 'NOT_FOUND' });
  });

  it('applies the org\'s rules (`_faults.rules`) to each row, as on REST writes', async () => {
    expect((await faults(server.base, { rules: [{ object: 'SocialPost', field: 'Name', equals: 'refused' }] })).status).toBe(200);
    try {
      const results = await server.conn.bulk2.loadAndWaitForResults({ object: 'SocialPost', operation: 'insert', input: [post('r-1', { Name: 'refused' }), post('r-2')] });
      expect(results.successfulResults.map(keyOf)).toEqual(['r-2']);
      expect(results.failedResults.map((r) => [keyOf(r), String(r.sf__Error).split(':')[0]])).toEqual([['r-1', 'FIELD_CUSTOM_VALIDATION_EXCEPTION']]);
    } finally { await faults(server.base, {}); }
  });

  it('applies an injected row lock to some rows of a job; the others are written', async () => {
    expect((await faults(server.base, { seed: 7, errors: { UNABLE_TO_LOCK_ROW: 1 } })).status).toBe(200);
    try {
      const results = await server.conn.bulk2.loadAndWaitForResults({ object: 'SocialPost', operation: 'insert', input: [post('l-1'), post('l-2'), post('l-3'), post('l-4')] });
      expect(results.failedResults.length).toBeGreaterThan(0);
      expect(results.failedResults.length + results.successfulResults.length).toBe(4);
      for (const failure of results.failedResults) expect(String(failure.sf__Error)).toMatch(/^UNABLE_TO_LOCK_ROW:/);
    } finally { await faults(server.base, {}); }
  });
});

describe('Salesforce sandbox mounted at /sandbox/salesforce: Bulk API 2.0 with jsforce unchanged', () => {
  it('reaches the mounted sandbox though jsforce sends its bulk paths to the server root', async () => {
    const salesforce = (await import('../connectors/salesforce/index.ts')).default;
    const { mountSandboxes, rootPathRewriter } = await import('../src/http/sandbox-mount.ts');
    const mounted = [{ id: 'salesforce', sandbox: salesforce.sandbox!, config: SalesforceSandboxConfig.parse({}), public: false }];
    const app = Fastify({ logger: false, rewriteUrl: rootPathRewriter(mounted) });
    await mountSandboxes(app, mounted, '.');
    const origin = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const conn = await demoConnection(`${origin}/sandbox/salesforce`);
      conn.bulk2.pollInterval = 5;
      expect(conn.instanceUrl).toBe(`${origin}/sandbox/salesforce`);
      const results = await conn.bulk2.loadAndWaitForResults({ object: 'SocialPost', operation: 'insert', input: [post('m-1')] });
      expect(results.successfulResults).toEqual([expect.objectContaining({ sf__Created: 'true', ExternalPostId: 'm-1' })]);
      const found = await conn.query<{ Id: string }>("SELECT Id FROM SocialPost WHERE ExternalPostId = 'm-1'");
      expect(found.records[0]!.Id).toBe(results.successfulResults[0]!.sf__Id);
      // Only the claimed paths move: anything else at the root is still not found.
      expect((await fetch(`${origin}/services/data/v62.0/sobjects`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
