import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityOf } from '../src/outbox/planner.ts';
import { api, listAll, postX, signX, startParley, tweetDelivery, type TestParley } from './helpers/parley.ts';

// Stored events → the shipped mappings → operations in the outbox, through the running service.
let parley: TestParley;
beforeAll(async () => {
  parley = await startParley({
    apiKeys: [{ name: 'reader', key: 'reader-key-0123456789', scope: 'read' }],
    extra: { mappingsDir: join(process.cwd(), 'mappings') },
    destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } },
    // No sandbox: nothing is sent, so the planned operations stay as planned; the kept catalog lets them be planned.
    keptCatalogs: ['salesforce'],
  });
});
afterAll(async () => parley?.stop());

const send = async (body: string) => {
  const answer = await postX(parley.base, body, { 'x-twitter-webhooks-signature': signX(parley.secret, body) });
  expect(answer.status).toBe(200);
};
const settle = async () => {
  await parley.parley.deriver.catchUp(5_000);
  await parley.parley.planner!.catchUp(5_000);
};

describe('planning', () => {
  it('each stored event is planned into its mappings\' operations, once', async () => {
    await send(tweetDelivery(1, '42'));
    await send(readFileSync(join('test', 'fixtures', 'x', 'docs-tweet-delete.json'), 'utf8'));
    await settle();
    const operations = await listAll(parley.base, '/v1/operations', parley.adminKey);
    const post = operations.find((o) => o.mappingId === 'sf-x-post')!;
    expect(post).toMatchObject({
      destination: 'salesforce', object: 'SocialPost', operation: 'upsert', state: 'pending', attempts: 0,
      matchKey: 'ExternalPostId', matchValue: '1700000000000000001', orderingKey: 'salesforce:x:42',
      fields: { ExternalPostId: '1700000000000000001', Content: 'hello 1', Provider: 'Twitter', MessageType: 'Tweet' },
      references: [{ field: 'PersonaId', object: 'SocialPersona', key: 'x:42', bind: 'later' }, { field: 'WhoId', object: 'SocialPersona.parent', key: 'x:42', bind: 'later' }],
    });
    const persona = operations.find((o) => o.mappingId === 'sf-x-persona' && o.fields.ExternalId === '42')!;
    expect(persona).toMatchObject({ object: 'SocialPersona', recordKey: 'x:42', orderingKey: 'salesforce:x:42', fields: { Name: '@user42', Followers: 3 } });
    expect(operations.find((o) => o.mappingId === 'sf-x-post-delete')).toMatchObject({ operation: 'delete', matchValue: '1045405559317569537', state: 'pending' });

    // Planning again finds nothing new to plan and changes nothing.
    const before = operations.length;
    expect(await parley.parley.planner!.step(100)).toBe(0);
    expect((await listAll(parley.base, '/v1/operations', parley.adminKey)).length).toBe(before);
  });

  it('a tweet deleted before its create is planned: the create is superseded, never sent', async () => {
    const tweet = tweetDelivery(2, '43');
    const id = '1700000000000000002';
    await send(JSON.stringify({ for_user_id: '2244994945', tweet_delete_events: [{ status: { id, user_id: '43' }, timestamp_ms: '1795946400000' }] }));
    await settle();
    await send(tweet);
    await settle();
    const forTweet = (await listAll(parley.base, '/v1/operations', parley.adminKey)).filter((o) => o.recordKey === id);
    expect(forTweet.map((o) => [o.operation, o.state])).toEqual([['delete', 'pending'], ['upsert', 'superseded']]);
  });

  it('stats count operations per destination and state; the list filters by state', async () => {
    const stats = await api(parley.base, '/v1/outbox/stats', parley.adminKey);
    expect(stats.status).toBe(200);
    expect(stats.json.destinations.salesforce.pending).toBeGreaterThanOrEqual(4);
    expect(stats.json.destinations.salesforce.superseded).toBe(1);
    const superseded = await listAll(parley.base, '/v1/operations?state=superseded', parley.adminKey);
    expect(superseded).toHaveLength(1);
    expect((await api(parley.base, '/v1/operations?state=lost', parley.adminKey)).status).toBe(400);
    expect((await api(parley.base, '/v1/operations', null)).status).toBe(401);
  });
});

describe('identityOf', () => {
  it('names the person an event is about', () => {
    expect(identityOf({ kind: 'identity', network: 'x', userId: '1', key: 'x:1', observedAt: '2026-11-23T10:00:00.000Z' })).toBe('x:1');
    expect(identityOf({ kind: 'erasure', network: 'x', subject: { type: 'post', networkId: '9' }, reason: 'deleted', occurredAt: '2026-11-23T10:00:00.000Z' })).toBe('x:post:9');
    expect(identityOf({ kind: 'erasure', network: 'x', subject: { type: 'user', userId: '7' }, reason: 'erasure-request', occurredAt: '2026-11-23T10:00:00.000Z' })).toBe('x:7');
  });
});

describe('ops API: bad input', () => {
  it('unknown ids, bad filters and too small a scope get the error body with the right 4xx', async () => {
    const cases: Array<[string, string, string | null, number, string, RequestInit?]> = [
      ['GET', '/v1/dead-letters/nope', parley.adminKey, 404, 'PARLEY_API_DEAD_LETTER_NOT_FOUND'],
      ['POST', '/v1/dead-letters/nope/replay', parley.adminKey, 404, 'PARLEY_API_DEAD_LETTER_NOT_FOUND'],
      ['POST', '/v1/dead-letters/nope/replay', 'reader-key-0123456789', 403, 'PARLEY_API_FORBIDDEN'],
      ['POST', '/v1/dead-letters/replay', 'reader-key-0123456789', 403, 'PARLEY_API_FORBIDDEN'],
      ['GET', '/v1/operations?state=lost', parley.adminKey, 400, 'PARLEY_API_INVALID_REQUEST'],
      ['GET', '/v1/operations?destination=Not%20A%20Name', parley.adminKey, 400, 'PARLEY_API_INVALID_REQUEST'],
      ['GET', '/v1/operations?cursor=garbage', parley.adminKey, 400, 'PARLEY_API_BAD_CURSOR'],
      ['GET', '/v1/dead-letters?stage=unknown', parley.adminKey, 400, 'PARLEY_API_INVALID_REQUEST'],
      ['GET', '/v1/connectors', null, 401, 'PARLEY_API_UNAUTHORIZED'],
      ['GET', '/v1/outbox/stats', 'not-a-key-at-all-xx', 401, 'PARLEY_API_UNAUTHORIZED'],
    ];
    for (const [method, path, key, status, code] of cases) {
      const answer = await api(parley.base, path, key, { method });
      expect([path, answer.status, answer.json?.error?.code]).toEqual([path, status, code]);
      expect(typeof answer.json.error.message).toBe('string');
    }
    const badFilter = await api(parley.base, '/v1/dead-letters/replay', parley.adminKey, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ since: 'yesterday', limit: 0 }) });
    expect(badFilter.status).toBe(400);
    expect(badFilter.json.error.details.issues.map((i: { key: string }) => i.key).sort()).toEqual(['body.limit', 'body.since']);
  });
});
