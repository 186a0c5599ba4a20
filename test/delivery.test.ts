import jsforce from 'jsforce';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, listAll, postX, signX, startParley, tweetDelivery, type TestParley } from './helpers/parley.ts';

// The whole path: signed X deliveries → events → mappings → outbox → dispatcher → the Salesforce
// sandbox mounted by the same service, read back with jsforce.
const running: TestParley[] = [];
afterEach(async () => { for (const p of running.splice(0)) await p.stop(); });

async function start(sandbox: Record<string, unknown> = {}) {
  const parley = await startParley({
    extra: { mappingsDir: join(process.cwd(), 'mappings') },
    sandboxes: { salesforce: sandbox },
    destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret', retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 } } },
  });
  running.push(parley);
  return parley;
}

async function connection(parley: TestParley) {
  const base = `${parley.base}/sandbox/salesforce`;
  const conn = new jsforce.Connection({ version: '62.0', loginUrl: base, oauth2: { loginUrl: base, clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } });
  await conn.login('demo@parley.local', 'demo');
  return conn;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const send = async (parley: TestParley, body: string) => {
  const answer = await postX(parley.base, body, { 'x-twitter-webhooks-signature': signX(parley.secret, body) });
  expect(answer.status).toBe(200);
};

describe('delivery to Salesforce', () => {
  it('tweets land as SocialPosts exactly once, written through the links table when ExternalPostId is no External ID', async () => {
    const parley = await start();
    for (let i = 0; i < 30; i++) await send(parley, tweetDelivery(100 + i, String(700 + (i % 3))));
    await send(parley, tweetDelivery(100, '700'));
    const conn = await connection(parley);
    const posts = await until('30 SocialPosts', async () => {
      const rows = await conn.sobject('SocialPost').find({ ExternalPostId: { $like: '17000000000000001%' } }, ['Id', 'ExternalPostId', 'Content', 'Provider', 'MessageType', 'Posted']).execute({ autoFetch: true });
      return rows.length >= 30 ? rows : undefined;
    });
    expect(posts).toHaveLength(30);
    expect(new Set(posts.map((p) => p.ExternalPostId)).size).toBe(30);
    const first = posts.find((p) => p.ExternalPostId === '1700000000000000100')!;
    expect(first).toMatchObject({ Content: 'hello 100', Provider: 'Twitter', MessageType: 'Tweet' });
    const operations = await listAll(parley.base, '/v1/operations?state=done', parley.adminKey);
    const done = operations.filter((o) => o.mappingId === 'sf-x-post');
    expect(done).toHaveLength(30);
    expect(done.every((o) => typeof o.crmId === 'string' && o.crmId.length === 18)).toBe(true);

    // Personas, as Salesforce's handler makes them: parented to their first post, and every post
    // of theirs pointing back at them once they exist.
    const personas = await until('3 personas', async () => {
      const rows = await conn.sobject('SocialPersona').find({ ExternalId: { $in: ['700', '701', '702'] } }, ['Id', 'ExternalId', 'ParentId', 'Name', 'Provider']).execute();
      return rows.length === 3 ? rows : undefined;
    });
    const byUser = new Map(personas.map((p) => [p.ExternalId as string, p]));
    expect(byUser.get('700')).toMatchObject({ Name: '@user700', Provider: 'Twitter' });
    const linked = await until('every post linked to its persona', async () => {
      const rows = await conn.sobject('SocialPost').find({ ExternalPostId: { $like: '17000000000000001%' } }, ['Id', 'ExternalPostId', 'PersonaId']).execute({ autoFetch: true });
      return rows.every((r) => r.PersonaId) ? rows : undefined;
    });
    for (const persona of personas) {
      expect(linked.find((p) => p.Id === persona.ParentId), `parent of ${persona.ExternalId}`).toBeDefined();
    }
    for (let i = 0; i < 30; i++) {
      const post = linked.find((p) => p.ExternalPostId === String(1_700_000_000_000_000_100n + BigInt(i)))!;
      expect(post.PersonaId).toBe(byUser.get(String(700 + (i % 3)))!.Id);
    }
  });

  it('with an External ID field the posts are upserted, and a deleted tweet\'s post is deleted', async () => {
    const parley = await start({ fieldOverrides: { SocialPost: { ExternalPostId: { externalId: true, idLookup: true } } } });
    await send(parley, tweetDelivery(200, '800'));
    const conn = await connection(parley);
    await until('the post', async () => ((await conn.query("SELECT Id FROM SocialPost WHERE ExternalPostId = '1700000000000000200'")).totalSize === 1 ? true : undefined));
    await send(parley, JSON.stringify({ for_user_id: '2244994945', tweet_delete_events: [{ status: { id: '1700000000000000200', user_id: '800' }, timestamp_ms: '1795946400000' }] }));
    await until('the post deleted', async () => ((await conn.query("SELECT Id FROM SocialPost WHERE ExternalPostId = '1700000000000000200'")).totalSize === 0 ? true : undefined));
    const stats = await (await fetch(`${parley.base}/sandbox/salesforce/_stats`)).json() as { calls: Record<string, number> };
    expect(stats.calls['PATCH /composite/sobjects/:object/:field']).toBeGreaterThanOrEqual(1);
  });
});

describe('mergeByRecord', () => {
  it('merges consecutive writes of one record into one carrying the latest values', async () => {
    const { mergeByRecord } = await import('../src/outbox/dispatcher.ts');
    const op = (id: string, recordKey: string, fields: Record<string, unknown>, operation: 'upsert' | 'update' | 'create' = 'upsert') => ({
      id, eventId: 'e', mappingId: 'm', destination: 'salesforce', object: 'SocialPersona', operation, recordKey, orderingKey: 'o', fields,
      references: [], state: 'leased' as const, attempts: 0, nextAttemptAt: '', outcomeUnknown: false, createdAt: '', updatedAt: '',
    });
    const { heads, followers } = mergeByRecord([op('a1', 'x:1', { Followers: 1, Name: '@a' }), op('b1', 'x:2', { Followers: 5 }), op('a2', 'x:1', { Followers: 2 }, 'update'), op('c', 'x:3', {}, 'create')]);
    expect(heads.map((h) => [h.id, h.operation, h.fields])).toEqual([['a1', 'upsert', { Followers: 2, Name: '@a' }], ['b1', 'upsert', { Followers: 5 }], ['c', 'create', {}]]);
    expect([...followers]).toEqual([['a1', ['a2']]]);
  });
});

describe('the API budget and GET /v1/connectors', () => {
  it('shows the destination ready with its usage, then paused once only the reserve is left, with nothing lost', async () => {
    const parley = await start();
    await send(parley, tweetDelivery(300, '900'));
    const conn = await connection(parley);
    await until('the first post', async () => ((await conn.query("SELECT Id FROM SocialPost WHERE ExternalPostId = '1700000000000000300'")).totalSize === 1 ? true : undefined));
    const ready = (await api(parley.base, '/v1/connectors', parley.adminKey)).json.items[0];
    expect(ready).toMatchObject({ id: 'salesforce', connector: 'salesforce', state: 'ready', usage: { limit: 15_000 }, budgetRemaining: expect.any(Number) });
    expect(ready.budgetRemaining).toBe(13_500 - ready.usage.used);

    // 89 of 100 calls used and 10 % reserved: after one more call Parley stops short of the reserve.
    await fetch(`${parley.base}/sandbox/salesforce/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dailyLimit: 100, apiUsage: 89 }) });
    await send(parley, tweetDelivery(301, '901'));
    await send(parley, tweetDelivery(302, '902'));
    const paused = await until('the destination paused', async () => {
      const item = (await api(parley.base, '/v1/connectors', parley.adminKey)).json.items[0];
      return item.state === 'paused' ? item : undefined;
    });
    expect(paused).toMatchObject({ lastError: { code: 'PARLEY_BUDGET_RESERVED' }, budgetRemaining: 0, pausedUntil: expect.any(String) });
    const pending = await listAll(parley.base, '/v1/operations?state=pending', parley.adminKey);
    expect(pending.length).toBeGreaterThan(0);
    expect((await api(parley.base, '/v1/operations?state=dead', parley.adminKey)).json.items).toEqual([]);
  });
});

describe('dead operations and replay', () => {
  it('a write the CRM refuses for good is a dead letter with its attempts; replayed once fixed, it lands, and an Idempotency-Key replays once', async () => {
    const parley = await start();
    const conn = await connection(parley);
    await send(parley, tweetDelivery(400, '950'));
    await until('the first post', async () => ((await conn.query("SELECT Id FROM SocialPost WHERE ExternalPostId = '1700000000000000400'")).totalSize === 1 ? true : undefined));
    // Every session refused from now on: re-login is tried, then it is a configuration error, and the operation dead.
    await fetch(`${parley.base}/sandbox/salesforce/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errors: { INVALID_SESSION_ID: 1 } }) });
    await send(parley, tweetDelivery(401, '951'));
    const letter = await until('a delivery dead letter', async () => {
      const items = (await api(parley.base, '/v1/dead-letters?stage=delivery', parley.adminKey)).json.items as Array<Record<string, any>>;
      return items.find((l) => JSON.parse(l.body).matchValue === '1700000000000000401');
    });
    expect(letter).toMatchObject({ stage: 'delivery', operationId: expect.any(String), details: { destination: 'salesforce', object: 'SocialPost', mappingId: 'sf-x-post' } });
    const detail = (await api(parley.base, `/v1/dead-letters/${letter.id}`, parley.adminKey)).json;
    expect(detail.attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: 'permanent', error: expect.objectContaining({ scope: 'config' }) })]);

    await fetch(`${parley.base}/sandbox/salesforce/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({}) });
    const read = await api(parley.base, `/v1/dead-letters/${letter.id}/replay`, parley.adminKey.replace(/./g, 'x'), { method: 'POST' });
    expect(read.status).toBe(401);
    const replay = () => api(parley.base, `/v1/dead-letters/${letter.id}/replay`, parley.adminKey, { method: 'POST', headers: { 'idempotency-key': 'replay-1' } });
    const first = await replay();
    expect(first).toMatchObject({ status: 200, json: { replayed: [letter.id] } });
    expect((await replay()).json).toEqual(first.json);
    await until('the post after the replay', async () => ((await conn.query("SELECT Id FROM SocialPost WHERE ExternalPostId = '1700000000000000401'")).totalSize === 1 ? true : undefined));
    const again = await api(parley.base, `/v1/dead-letters/${letter.id}/replay`, parley.adminKey, { method: 'POST' });
    expect(again).toMatchObject({ status: 409, json: { error: { code: 'PARLEY_API_NOT_REPLAYABLE' } } });
    const byFilter = await api(parley.base, '/v1/dead-letters/replay', parley.adminKey, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ destination: 'salesforce' }) });
    expect(byFilter.status).toBe(200);
    expect(byFilter.json.replayed).not.toContain(letter.id);
  });
});
