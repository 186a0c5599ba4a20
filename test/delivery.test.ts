import jsforce from 'jsforce';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, listAll, postX, signX, startParley, tweetDelivery, type TestParley } from './helpers/parley.ts';
import { until } from './helpers/wait.ts';

// The whole path: signed X deliveries → events → mappings → outbox → dispatcher → the Salesforce
// sandbox mounted by the same service, read back with jsforce.
const running: TestParley[] = [];
afterEach(async () => { for (const p of running.splice(0)) await p.stop(); });

async function start(sandbox: Record<string, unknown> = {}) {
  const parley = await startParley({
    extra: { mappingsDir: join(process.cwd(), 'mappings'), outbox: { lingerMs: 20, retryStepsMs: [200, 400] } },
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
    const metrics = await (await fetch(`${parley.base}/metrics`)).text();
    expect(metrics).toMatch(/parley_outbox_operations\{destination="salesforce",state="done"\} \d+/);
    expect(metrics).toMatch(/parley_destination_state\{destination="salesforce",state="ready"\} 1/);
    expect(metrics).toMatch(/parley_dispatch_results_total\{destination="salesforce",outcome="done"\} \d+/);

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
    expect(paused).toMatchObject({ lastError: { code: 'PARLEY_OUTBOX_BUDGET_RESERVED' }, budgetRemaining: 0, pausedUntil: expect.any(String) });
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

describe('delivery: every kind of X activity, and faults', () => {
  const tweet = (id: string, userId: string, text: string, extra: Record<string, unknown> = {}) => JSON.stringify({
    for_user_id: '2244994945',
    tweet_create_events: [{
      created_at: 'Mon Nov 23 10:00:00 +0000 2026', id_str: id, text, truncated: false, in_reply_to_status_id_str: null,
      user: { id_str: userId, screen_name: `u${userId}`, name: `U ${userId}`, followers_count: 1 },
      entities: { hashtags: [], urls: [], user_mentions: [] }, timestamp_ms: '1795946400000', lang: 'en', ...extra,
    }],
  });

  it('tweets, a reply, a quote, a DM, a follow and a delete land as Salesforce would hold them', async () => {
    const parley = await start();
    const conn = await connection(parley);
    // The reply and the quote arrive before the tweet they point at: the links still come out right.
    await send(parley, tweet('1900000000000000002', '6002', '@u6001 same here', { in_reply_to_status_id_str: '1900000000000000001', in_reply_to_user_id_str: '6001' }));
    await send(parley, tweet('1900000000000000003', '6003', 'look at this', { is_quote_status: true, quoted_status_id_str: '1900000000000000001' }));
    await send(parley, tweet('1900000000000000001', '6001', 'my parcel is late'));
    await send(parley, tweet('1900000000000000004', '6001', 'never mind, deleting'));
    await send(parley, JSON.stringify({ for_user_id: '2244994945', direct_message_events: [{ type: 'message_create', id: '1900000000000000005', created_timestamp: '1795946400000',
      message_create: { target: { recipient_id: '2244994945' }, sender_id: '6004', message_data: { text: 'Order &amp; invoice please', entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] } } } }],
      users: { 6004: { id: '6004', name: 'U 6004', screen_name: 'u6004', followers_count: 3 }, 2244994945: { id: '2244994945', name: 'Brand', screen_name: 'brand' } } }));
    await send(parley, JSON.stringify({ for_user_id: '2244994945', follow_events: [{ type: 'follow', created_timestamp: '1795946400000',
      source: { id: '6001', screen_name: 'u6001', name: 'U 6001' }, target: { id: '2244994945', screen_name: 'brand', name: 'Brand' } }] }));
    await send(parley, JSON.stringify({ for_user_id: '2244994945', tweet_delete_events: [{ status: { id: '1900000000000000004', user_id: '6001' }, timestamp_ms: '1795946400001' }] }));

    const posts = await until('the posts', async () => {
      const rows = await conn.sobject('SocialPost').find({ ExternalPostId: { $like: '19000000000000000%' } }, ['Id', 'ExternalPostId', 'MessageType', 'ReplyToId', 'PersonaId', 'Content']).execute();
      return rows.length === 4 && rows.every((r) => r.PersonaId) && rows.find((r) => r.ExternalPostId === '1900000000000000002')?.ReplyToId ? rows : undefined;
    });
    const byId = new Map(posts.map((p) => [p.ExternalPostId as string, p]));
    expect([...byId.keys()].sort()).toEqual(['1900000000000000001', '1900000000000000002', '1900000000000000003', '1900000000000000005']);
    expect(byId.get('1900000000000000002')).toMatchObject({ MessageType: 'Reply', ReplyToId: byId.get('1900000000000000001')!.Id });
    expect(byId.get('1900000000000000003')).toMatchObject({ MessageType: 'Tweet' });
    expect(byId.get('1900000000000000005')).toMatchObject({ MessageType: 'Direct', Content: 'Order & invoice please' });
    const personas = await until('the follower flagged', async () => {
      const rows = await conn.sobject('SocialPersona').find({ ExternalId: { $in: ['6001', '6002', '6003', '6004'] } }, ['Id', 'ExternalId', 'IsFollowingUs']).execute();
      return rows.length === 4 && rows.find((r) => r.ExternalId === '6001')?.IsFollowingUs === true ? rows : undefined;
    });
    for (const post of posts) expect(personas.some((p) => p.Id === post.PersonaId)).toBe(true);
  });

  it('a person who only follows waits in a state of its own, not as pending, and goes once they post', async () => {
    const parley = await start();
    const conn = await connection(parley);
    await send(parley, JSON.stringify({ for_user_id: '2244994945', follow_events: [{ type: 'follow', created_timestamp: '1795946400000',
      source: { id: '6101', screen_name: 'u6101', name: 'U 6101' }, target: { id: '2244994945', screen_name: 'brand', name: 'Brand' } }] }));
    const waiting = await until('the persona waiting', async () => {
      const items = await listAll(parley.base, '/v1/operations?state=waiting', parley.adminKey);
      return items.length > 0 ? items : undefined;
    });
    expect(waiting.every((o) => o.state === 'waiting' && o.object === 'SocialPersona' && o.lastError?.code === 'PARLEY_OUTBOX_PARENT_MISSING' && o.attempts === 0)).toBe(true);
    expect(await listAll(parley.base, '/v1/operations?state=pending', parley.adminKey)).toEqual([]);
    const stats = (await api(parley.base, '/v1/outbox/stats', parley.adminKey)).json;
    expect(stats.destinations.salesforce).toMatchObject({ waiting: waiting.length });
    expect(stats.destinations.salesforce.pending).toBeUndefined();
    expect(await (await fetch(`${parley.base}/metrics`)).text()).toMatch(new RegExp(`parley_outbox_operations\\{destination="salesforce",state="waiting"\\} ${waiting.length}`));
    // Their first post: the persona goes with it, and nothing waits any more.
    await send(parley, tweet('1900000000000000101', '6101', 'hello brand'));
    await until('the persona written', async () => ((await conn.query("SELECT Id FROM SocialPersona WHERE ExternalId = '6101'")).totalSize === 1 ? true : undefined));
    await until('nothing waiting', async () => ((await listAll(parley.base, '/v1/operations?state=waiting', parley.adminKey)).length === 0 ? true : undefined));
  });

  it('a record the org refuses for good is dead-lettered alone; the rest of its batch lands; replayed once fixed, it lands', async () => {
    const parley = await start();
    const conn = await connection(parley);
    const refused = { object: 'SocialPost', field: 'ExternalPostId', equals: '1700000000000000507', errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Posts about order 507 need approval' };
    await fetch(`${parley.base}/sandbox/salesforce/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rules: [refused] }) });
    for (let i = 500; i < 520; i++) await send(parley, tweetDelivery(i, String(7000 + (i % 4))));
    const letter = await until('the dead letter', async () => ((await api(parley.base, '/v1/dead-letters?stage=delivery', parley.adminKey)).json.items as Array<Record<string, any>>)[0]);
    expect(letter).toMatchObject({ reasonCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', reason: 'Posts about order 507 need approval' });
    await until('19 posts', async () => ((await conn.query("SELECT Id FROM SocialPost WHERE ExternalPostId LIKE '17000000000000005%'")).totalSize === 19 ? true : undefined));
    expect((await api(parley.base, '/v1/dead-letters?stage=delivery', parley.adminKey)).json.items).toHaveLength(1);
    await fetch(`${parley.base}/sandbox/salesforce/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({}) });
    expect((await api(parley.base, `/v1/dead-letters/${letter.id}/replay`, parley.adminKey, { method: 'POST' })).status).toBe(200);
    await until('all 20 posts', async () => ((await conn.query("SELECT Id FROM SocialPost WHERE ExternalPostId LIKE '17000000000000005%'")).totalSize === 20 ? true : undefined));
  });

  it('REQUEST_LIMIT_EXCEEDED pauses the destination and dead-letters nothing', async () => {
    const parley = await start();
    await send(parley, tweetDelivery(600, '7100'));
    const conn = await connection(parley);
    await until('the first post', async () => ((await conn.query("SELECT Id FROM SocialPost WHERE ExternalPostId = '1700000000000000600'")).totalSize === 1 ? true : undefined));
    await fetch(`${parley.base}/sandbox/salesforce/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errors: { REQUEST_LIMIT_EXCEEDED: 1 } }) });
    await send(parley, tweetDelivery(601, '7101'));
    const paused = await until('paused', async () => {
      const item = (await api(parley.base, '/v1/connectors', parley.adminKey)).json.items[0];
      return item.state === 'paused' ? item : undefined;
    });
    expect(new Date(paused.pausedUntil).getTime()).toBeGreaterThan(Date.now() + 10 * 60_000);
    const waiting = await listAll(parley.base, '/v1/operations?state=pending', parley.adminKey);
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.every((o) => o.attempts === 0 || o.lastError?.class !== 'permanent')).toBe(true);
    expect((await api(parley.base, '/v1/dead-letters?stage=delivery', parley.adminKey)).json.items).toEqual([]);
  });
});

describe('persona parents: a person the org already knows', () => {
  it('is parented to the matching Contact, without waiting for a post', async () => {
    const { cpSync, mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'parley-mappings-'));
    cpSync(join(process.cwd(), 'mappings'), dir, { recursive: true });
    const persona = join(dir, 'salesforce', 'sf-x-persona.yaml');
    writeFileSync(persona, readFileSync(persona, 'utf8').replace('      - { object: Contact, field: Email, value: email }', '      - { object: Contact, field: Twitter_Handle__c, value: handle }'));
    const parley = await startParley({
      extra: { mappingsDir: dir, outbox: { lingerMs: 20, retryStepsMs: [200, 400] } },
      sandboxes: { salesforce: { customFields: { Contact: [{ name: 'Twitter_Handle__c', type: 'string', length: 80 }] } } },
      destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } },
    });
    running.push(parley);
    const conn = await connection(parley);
    const contact = (await conn.sobject('Contact').create({ LastName: 'Known', Twitter_Handle__c: 'u8800' } as Record<string, unknown>)) as unknown as { id: string };
    // Only a follow: no post to be a parent, but the Contact is.
    await send(parley, JSON.stringify({ for_user_id: '2244994945', follow_events: [{ type: 'follow', created_timestamp: '1795946400000',
      source: { id: '8800', screen_name: 'u8800', name: 'Known' }, target: { id: '2244994945', screen_name: 'brand', name: 'Brand' } }] }));
    const found = await until('the persona', async () => {
      const rows = await conn.sobject('SocialPersona').find({ ExternalId: '8800' }, ['Id', 'ParentId', 'IsFollowingUs']).execute();
      return rows[0]?.IsFollowingUs === true ? rows[0] : undefined;
    });
    expect(found.ParentId).toBe(contact.id);
    // Their posts point at the Contact too (WhoId), as Salesforce's handler does for known people.
    await send(parley, tweetDelivery(880, '8800'));
    const post = await until('the post with WhoId', async () => {
      const rows = await conn.sobject('SocialPost').find({ ExternalPostId: '1700000000000000880' }, ['Id', 'WhoId', 'PersonaId']).execute();
      return rows[0]?.WhoId ? rows[0] : undefined;
    });
    expect(post).toMatchObject({ WhoId: contact.id, PersonaId: found.Id });
  });
});
