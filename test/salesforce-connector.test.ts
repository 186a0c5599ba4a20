import { generateKeyPairSync } from 'node:crypto';
import jsforce from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundClient } from '../src/connectors/outbound.ts';
import { connectDestination, type DestinationContext, type DestinationKitOptions, type RetryPolicy, type UsageReading, type WriteBatch, type WriteResult } from '../src/connectors/index.ts';
import { isParleyError } from '../src/errors.ts';
import { demoConnection, startSalesforceSandbox, type RunningSandbox } from './helpers/salesforce-sandbox.ts';
import { DEMO_JWT_PRIVATE_KEY } from '../connectors/salesforce/demo-keys.ts';
import salesforce from '../connectors/salesforce/index.ts';
import { SalesforceConfig } from '../connectors/salesforce/config.ts';

// The connector against the sandbox, which real jsforce cannot tell from Salesforce
// (salesforce-sandbox.test.ts). ExternalPostId is made an External ID here: whether it is one
// in real orgs is unconfirmed (reference §5), and the sandbox lets an operator say.
let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSalesforceSandbox({ fieldOverrides: { SocialPost: { ExternalPostId: { externalId: true, idLookup: true } } } });
});
afterAll(async () => sandbox.close());

interface Recorder { context: DestinationContext; kit: DestinationKitOptions; logs: Array<{ level: string; msg: string | undefined }>; usage: UsageReading[]; rateLimited: number[] }

function recorder(): Recorder {
  const logs: Recorder['logs'] = [];
  const log = (level: string) => (_obj: object, msg?: string) => { logs.push({ level, msg }); };
  const usage: UsageReading[] = [];
  const rateLimited: number[] = [];
  return {
    logs, usage, rateLimited,
    context: {
      name: 'salesforce', sandboxUrl: sandbox.base,
      outbound: (baseUrl) => createOutboundClient({ destination: 'salesforce', baseUrl, trustedDomains: salesforce.trustedDomains ?? [] }),
      logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    },
    kit: { onUsage: (reading) => usage.push(reading), onRateLimited: (ms) => rateLimited.push(ms) },
  };
}

const config = (overrides: Record<string, unknown> = {}) => SalesforceConfig.parse({
  flow: 'client_credentials', clientId: 'parley-demo', clientSecret: 'parley-demo-secret', ...overrides,
});

/** The connector through the destination kit, as Parley runs it; `retry` is the kit's (no retries unless given). */
const connect = (overrides: Record<string, unknown> & { retry?: RetryPolicy } = {}, rec = recorder()) => {
  const { retry, ...own } = overrides;
  return connectDestination(salesforce, config(own), rec.context, { ...rec.kit, retry: retry ?? { retries: 0, minDelayMs: 1, maxDelayMs: 5 } });
};

/** A SocialPost upsert batch; `invalid(i)` makes the i-th record break a Salesforce rule. */
function postBatch(prefix: string, count: number, invalid: (i: number) => Record<string, unknown> | undefined = () => undefined): WriteBatch {
  return {
    object: 'SocialPost', operation: 'upsert', matchKey: 'ExternalPostId',
    operations: Array.from({ length: count }, (_, i) => ({
      id: `op-${prefix}${i}`,
      fields: { ExternalPostId: `${prefix}${i}`, Name: `Post ${i}`, Posted: '2026-11-23T10:00:00.000+0000', Content: `text ${i}`, Provider: 'Twitter', MessageType: 'Tweet', ...invalid(i) },
    })),
  };
}

const status = (results: Map<string, WriteResult>) => [...results.values()].map((r) => r.status);

describe('Salesforce connector: writes', () => {
  it('200 mixed records: one call, one result per record in its slot, invalid ones permanent with the vendor code; again creates nothing', async () => {
    const client = await connect();
    const breakers: Record<number, { fields: Record<string, unknown>; code: string }> = {
      3: { fields: { Name: null }, code: 'REQUIRED_FIELD_MISSING' },
      50: { fields: { AttachmentType: 'HOLOGRAM' }, code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST' },
      99: { fields: { Name: 'x'.repeat(300) }, code: 'STRING_TOO_LONG' },
      150: { fields: { PersonaId: 'not-an-id' }, code: 'MALFORMED_ID' },
      151: { fields: { ParentId: '500000000000000AAA' }, code: 'INVALID_CROSS_REFERENCE_KEY' },
    };
    const batch = postBatch('mixed-', 200, (i) => breakers[i]?.fields);
    const before = await sandbox.stats();
    const results = await client.write(batch);
    const after = await sandbox.stats();
    expect(after.totalCalls - before.totalCalls).toBe(1);
    expect(results.size).toBe(200);
    for (const [i, breaker] of Object.entries(breakers)) {
      expect(results.get(`op-mixed-${i}`)).toMatchObject({ status: 'permanent', scope: 'record', error: { code: breaker.code } });
    }
    const done = [...results.entries()].filter(([, r]) => r.status === 'done');
    expect(done).toHaveLength(195);
    for (const [, r] of done) expect(r).toMatchObject({ status: 'done', recordId: expect.stringMatching(/^[0-9A-Za-z]{18}$/), created: true });
    expect((after.records.SocialPost ?? 0) - (before.records.SocialPost ?? 0)).toBe(195);

    const again = await client.write(batch);
    expect([...again.values()].filter((r) => r.status === 'done').every((r) => r.status === 'done' && r.created === false)).toBe(true);
    expect((await sandbox.stats()).records.SocialPost).toBe(after.records.SocialPost);
    // The same records, not copies: each id answered again is the one created.
    for (const [id, r] of done) expect(again.get(id)).toMatchObject({ status: 'done', recordId: (r as { recordId: string }).recordId });
  });

  it('create, update and delete batches through sObject Collections', async () => {
    const client = await connect();
    const created = await client.write({ object: 'Contact', operation: 'create', operations: [{ id: 'c1', fields: { LastName: 'Hopper' } }, { id: 'c2', fields: { FirstName: 'none' } }] });
    expect(created.get('c1')).toMatchObject({ status: 'done' });
    expect(created.get('c2')).toMatchObject({ status: 'permanent', error: { code: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] } });
    const id = (created.get('c1') as { recordId: string }).recordId;
    const updated = await client.write({ object: 'Contact', operation: 'update', operations: [{ id: 'u1', recordId: id, fields: { Email: 'grace@example.com' } }] });
    expect(updated.get('u1')).toMatchObject({ status: 'done', recordId: id });
    const conn = await demoConnection(sandbox.base);
    expect(await conn.sobject('Contact').retrieve(id)).toMatchObject({ Email: 'grace@example.com' });
    const deleted = await client.write({ object: 'Contact', operation: 'delete', operations: [{ id: 'd1', recordId: id, fields: {} }] });
    expect(deleted.get('d1')).toMatchObject({ status: 'done', recordId: id });
    const again = await client.write({ object: 'Contact', operation: 'delete', operations: [{ id: 'd2', recordId: id, fields: {} }] });
    expect(again.get('d2')).toMatchObject({ status: 'permanent', error: { code: 'ENTITY_IS_DELETED' } });
  });

  it('an operation Parley built wrong is refused before any call', async () => {
    const client = await connect();
    const before = (await sandbox.stats()).totalCalls;
    const results = await client.write({ object: 'Contact', operation: 'update', operations: [{ id: 'x', fields: { LastName: 'y' } }] });
    expect(results.get('x')).toMatchObject({ status: 'permanent', scope: 'bug' });
    expect((await sandbox.stats()).totalCalls).toBe(before);
  });

  it('the catalog comes from describe: required fields, upsert keys, restricted picklists', async () => {
    const client = await connect();
    const catalog = await client.catalog();
    expect(catalog.objects.map((o) => o.name)).toEqual(['SocialPersona', 'SocialPost', 'Case', 'Contact', 'Lead', 'Account']);
    const post = catalog.objects.find((o) => o.name === 'SocialPost')!;
    expect(post.fields.find((f) => f.name === 'ExternalPostId')).toMatchObject({ upsertKey: true, valueType: 'string' });
    expect(post.fields.find((f) => f.name === 'Name')).toMatchObject({ required: true });
    expect(post.fields.find((f) => f.name === 'AttachmentType')?.picklist).toMatchObject({ restricted: true });
    const persona = catalog.objects.find((o) => o.name === 'SocialPersona')!;
    expect(persona.fields.filter((f) => f.required).map((f) => f.name)).toEqual(expect.arrayContaining(['Name', 'ParentId', 'Provider']));
  });

  it('reads Sforce-Limit-Info on every response and passes it on', async () => {
    const rec = recorder();
    const client = await connect({}, rec);
    await client.write(postBatch('usage-', 3));
    await client.write(postBatch('usage-', 3));
    expect(rec.usage.length).toBeGreaterThanOrEqual(2);
    const [a, b] = rec.usage.slice(-2);
    expect(b!.used).toBe(a!.used + 1);
    expect(b!.limit).toBe(15_000);
    expect(client.usage()).toEqual(b);
  });

  it('looks a record up by a natural-key value with characters SOQL and URLs must escape', async () => {
    const client = await connect();
    const key = 'a/b c?d#1';
    const results = await client.write({ ...postBatch('', 1), operations: [{ id: 'enc', fields: { ...postBatch('', 1).operations[0]!.fields, ExternalPostId: key } }] });
    const done = results.get('enc') as { recordId: string };
    expect(await (client as unknown as { lookup(o: string, f: string, v: string): Promise<string | undefined> }).lookup('SocialPost', 'ExternalPostId', key)).toBe(done.recordId);
    expect(await (client as unknown as { lookup(o: string, f: string, v: string): Promise<string | undefined> }).lookup('SocialPost', 'ExternalPostId', 'absent')).toBeUndefined();
  });
});

describe('Salesforce connector: a record that fails the whole call', () => {
  it('one value Salesforce cannot read fails only its record: the others are written', async () => {
    const client = await connect();
    const batch = postBatch('isolate-', 20, (i) => (i === 13 ? { CommentCount: 'many' } : undefined));
    const before = (await sandbox.stats()).totalCalls;
    const results = await client.write(batch);
    const calls = (await sandbox.stats()).totalCalls - before;
    expect(results.get('op-isolate-13')).toMatchObject({ status: 'permanent', scope: 'record', error: { code: 'JSON_PARSER_ERROR' } });
    expect([...results.entries()].filter(([id]) => id !== 'op-isolate-13').every(([, r]) => r.status === 'done')).toBe(true);
    // 1 refused call, then two halves per level down to the one record: at most 1 + 2·⌈log₂ 20⌉.
    expect(calls).toBeLessThanOrEqual(11);
  });

  it('when every record fails the same way it is the mapping: all permanent, configuration, in a few calls', async () => {
    const client = await connect();
    const before = (await sandbox.stats()).totalCalls;
    const results = await client.write(postBatch('systemic-', 40, () => ({ CommentCount: 'many' })));
    expect([...results.values()].every((r) => r.status === 'permanent' && r.scope === 'config' && r.error.code === 'JSON_PARSER_ERROR')).toBe(true);
    expect((await sandbox.stats()).totalCalls - before).toBe(3);
  });

  it('a malformed record id is refused before any call, and a duplicate operation id is written once', async () => {
    const client = await connect();
    const before = (await sandbox.stats()).totalCalls;
    const results = await client.write({ object: 'Contact', operation: 'delete', operations: [{ id: 'm1', recordId: 'a,b', fields: {} }, { id: 'm2', recordId: ' ', fields: {} }] });
    expect([...results.values()].map((r) => r.status === 'permanent' && r.error.code)).toEqual(['MALFORMED_ID', 'MALFORMED_ID']);
    expect((await sandbox.stats()).totalCalls).toBe(before);
    const twice = await client.write({ object: 'Contact', operation: 'create', operations: [{ id: 'same', fields: { LastName: 'Once' } }, { id: 'same', fields: { LastName: 'Twice' } }] });
    expect(twice.size).toBe(1);
    const conn = await demoConnection(sandbox.base);
    expect((await conn.query("SELECT Id FROM Contact WHERE LastName = 'Twice'")).totalSize).toBe(0);
  });
});

describe('Salesforce connector: faults', () => {
  // One row per injected fault: the class the reference's table gives it.
  const table: Array<[string, string, Record<string, unknown>]> = [
    ['UNABLE_TO_LOCK_ROW', 'retryable', {}],
    ['503', 'retryable', {}],
    ['500', 'retryable', {}],
    ['502', 'retryable', {}],
    ['504', 'retryable', {}],
    ['SERVER_UNAVAILABLE', 'retryable', {}],
    ['UNKNOWN_EXCEPTION', 'retryable', {}],
    ['REQUEST_LIMIT_EXCEEDED', 'rate-limited', { retryAfterMs: 15 * 60_000 }],
    ['ConcurrentRequests', 'rate-limited', { retryAfterMs: 5_000 }],
  ];
  it.each(table)('%s is %s', async (fault, expected, extra) => {
    const client = await connect();
    expect(await sandbox.faults({ errors: { [fault]: 1 }, seed: 1 })).toBe(200);
    try {
      const results = await client.write(postBatch(`fault-${fault}-`, 4));
      const failed = [...results.values()].filter((r) => r.status !== 'done');
      expect(failed.length).toBeGreaterThan(0);
      for (const r of failed) expect(r).toMatchObject({ status: expected, ...extra });
    } finally {
      await sandbox.faults({});
    }
  });

  it('INVALID_SESSION_ID on every call: re-login is tried a few times, then it is a configuration error', async () => {
    const client = await connect();
    await sandbox.faults({ errors: { INVALID_SESSION_ID: 1 } });
    try {
      const results = await client.write(postBatch('session-', 2));
      for (const r of results.values()) expect(r).toMatchObject({ status: 'permanent', scope: 'config' });
    } finally {
      await sandbox.faults({});
    }
  });

  it('30 % of calls failing with 503 or UNABLE_TO_LOCK_ROW: every record still written exactly once', async () => {
    const client = await connect({ retry: { retries: 4, minDelayMs: 1, maxDelayMs: 10 } });
    await sandbox.faults({ errors: { UNABLE_TO_LOCK_ROW: 0.15, 503: 0.15 }, seed: 42 });
    let batch = postBatch('storm-', 200);
    const final = new Map<string, WriteResult>();
    try {
      // What the outbox does with what is still retryable after the connector's own retries.
      for (let round = 0; round < 20 && batch.operations.length > 0; round++) {
        const results = await client.write(batch);
        for (const [id, r] of results) final.set(id, r);
        batch = { ...batch, operations: batch.operations.filter((op) => results.get(op.id)!.status === 'retryable') };
      }
    } finally {
      await sandbox.faults({});
    }
    expect(status(final).every((s) => s === 'done')).toBe(true);
    const conn = await demoConnection(sandbox.base);
    const rows = await conn.sobject('SocialPost').find({ ExternalPostId: { $like: 'storm-%' } }, ['ExternalPostId']).execute({ autoFetch: true, maxFetch: 1000 });
    expect(rows).toHaveLength(200);
    expect(new Set(rows.map((r) => r.ExternalPostId)).size).toBe(200);
  });

  it('sessions expiring on 30 % of calls are renewed each time: nothing becomes a configuration error', async () => {
    const client = await connect({ retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 } });
    await sandbox.faults({ errors: { INVALID_SESSION_ID: 0.3 }, seed: 3 });
    try {
      for (let round = 0; round < 10; round++) {
        const results = await client.write(postBatch(`flaky-session-${round}-`, 3));
        expect(status(results)).toEqual(['done', 'done', 'done']);
      }
    } finally {
      await sandbox.faults({});
    }
  });

  it('an expired session is renewed without losing the batch', async () => {
    const rec = recorder();
    const client = await connect({}, rec);
    await sandbox.faults({ expireSessions: true });
    const results = await client.write(postBatch('expired-', 5));
    expect(status(results)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(rec.logs.some((l) => l.msg?.includes('logging in again'))).toBe(true);
  });

  it('REQUEST_LIMIT_EXCEEDED: the records are rate-limited, not failed, and the limiter is told the wait', async () => {
    const rec = recorder();
    const client = await connect({ rateLimitWaits: { totalRequestsMs: 1_800_000, concurrentRequestsMs: 5_000 } }, rec);
    await sandbox.faults({ dailyLimit: 10, apiUsage: 10 });
    try {
      const results = await client.write(postBatch('limit-', 3));
      expect([...results.values()]).toEqual(Array(3).fill(expect.objectContaining({ status: 'rate-limited', retryAfterMs: 1_800_000, error: expect.objectContaining({ code: 'REQUEST_LIMIT_EXCEEDED' }) })));
      expect(rec.rateLimited).toEqual([1_800_000]);
    } finally {
      await sandbox.faults({ dailyLimit: 15_000, apiUsage: 0 });
    }
  });
});

describe('Salesforce connector: configuration errors name the destination', () => {
  const refused = async (overrides: Record<string, unknown>) => {
    const error = await connect(overrides).then(() => undefined, (e: unknown) => e);
    expect(isParleyError(error)).toBe(true);
    return error as { code: string; message: string; details: { destination: string; vendorCode?: string } };
  };

  it('a JWT signed with the wrong key', async () => {
    const wrongKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const error = await refused({ flow: 'jwt_bearer', clientSecret: undefined, username: 'demo@parley.local', privateKey: wrongKey });
    expect(error).toMatchObject({ code: 'PARLEY_DESTINATION_CONFIG', details: { destination: 'salesforce', vendorCode: 'invalid_grant' } });
    expect(error.message).toContain('Destination "salesforce"');
    expect(error.message).toContain('invalid assertion');
  });

  it('an unknown client', async () => {
    expect(await refused({ clientId: 'nobody' })).toMatchObject({ code: 'PARLEY_DESTINATION_CONFIG', details: { vendorCode: 'invalid_client_id' } });
  });

  it('a bad password', async () => {
    const error = await refused({ flow: 'password', username: 'demo@parley.local', password: 'wrong' });
    expect(error).toMatchObject({ code: 'PARLEY_DESTINATION_CONFIG', details: { vendorCode: 'invalid_grant' } });
    expect(error.message).toContain('authentication failure');
  });

  it('an unreachable login URL is the network, not the config: unreachable, nothing sent', async () => {
    const error = await refused({ loginUrl: 'http://127.0.0.1:9' });
    expect(error).toMatchObject({ code: 'PARLEY_DESTINATION_UNREACHABLE', details: { destination: 'salesforce', host: '127.0.0.1:9', cause: 'ECONNREFUSED', sent: false } });
  });

  it('a plain-http login URL that is not loopback is refused before anything is sent', async () => {
    const error = await refused({ loginUrl: 'http://login.salesforce.com' });
    expect(error).toMatchObject({ code: 'PARLEY_DESTINATION_UNTRUSTED_HOST', details: { destination: 'salesforce', host: 'login.salesforce.com' } });
  });

  it('the JWT bearer and password flows work with the right credentials', async () => {
    const jwt = await connect({ flow: 'jwt_bearer', username: 'demo@parley.local', privateKey: DEMO_JWT_PRIVATE_KEY });
    expect(status(await jwt.write(postBatch('jwt-', 2)))).toEqual(['done', 'done']);
    const password = await connect({ flow: 'password', username: 'demo@parley.local', password: 'demo' });
    expect(status(await password.write(postBatch('pw-', 2)))).toEqual(['done', 'done']);
  });

  it('the config schema says what a flow is missing', () => {
    const parsed = SalesforceConfig.safeParse({ flow: 'jwt_bearer', clientId: 'x' });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['username: is required for the jwt_bearer flow', 'privateKey: is required for the jwt_bearer flow']);
    void jsforce;
  });
});
