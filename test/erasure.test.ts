import jsforce from 'jsforce';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, listAll, postX, signX, startParley, tweetDelivery, type TestParley } from './helpers/parley.ts';
import { until } from './helpers/wait.ts';

// Right to erasure end to end: a person found by handle is erased from Parley's store and from the
// Salesforce sandbox — its recycle bin included — and a late delivery of their old post is refused.
const running: TestParley[] = [];
afterEach(async () => { for (const p of running.splice(0)) await p.stop(); });

async function connection(parley: TestParley) {
  const base = `${parley.base}/sandbox/salesforce`;
  const conn = new jsforce.Connection({ version: '62.0', loginUrl: base, oauth2: { loginUrl: base, clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } });
  await conn.login('demo@parley.local', 'demo');
  return conn;
}
const postId = (i: number) => String(1_700_000_000_000_000_000n + BigInt(i));

describe('erasure', () => {
  it('removes a person from the store and every CRM record of theirs for good; a late delivery does not bring them back', async () => {
    const parley = await startParley({
      extra: { mappingsDir: join(process.cwd(), 'mappings'), outbox: { lingerMs: 20, retryStepsMs: [200, 400] } },
      sandboxes: { salesforce: {} },
      destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret', retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 } } },
    });
    running.push(parley);
    const send = async (body: string) => expect((await postX(parley.base, body, { 'x-twitter-webhooks-signature': signX(parley.secret, body) })).status).toBe(200);
    const theirs = [600, 601, 602, 603];
    for (const i of theirs) await send(tweetDelivery(i, '760'));
    for (const i of [610, 611]) await send(tweetDelivery(i, '761'));
    const conn = await connection(parley);
    await until('6 posts and 2 personas', async () => {
      const posts = await conn.sobject('SocialPost').find({}, ['Id', 'PersonaId']).execute();
      const personas = await conn.sobject('SocialPersona').find({}, ['Id']).execute();
      return posts.length === 6 && personas.length === 2 && posts.every((p) => p.PersonaId) ? posts : undefined;
    }, 30_000);

    const found = await until('the person of @user760', async () => {
      const answer = await api(parley.base, '/v1/identities?q=user760', parley.adminKey);
      return answer.json?.items?.find((i: { key: string }) => i.key === 'x:760');
    });
    const asked = await api(parley.base, `/v1/persons/${encodeURIComponent(found.personId)}/erase`, parley.adminKey, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(asked.status).toBe(202);
    expect(asked.json).toMatchObject({ state: 'running', requestedBy: 'admin', identities: 1, destinations: { salesforce: { purge: 'hard' } } });
    const done = await until('the erasure to be done', async () => {
      const now = (await api(parley.base, `/v1/erasures/${asked.json.id}`, parley.adminKey)).json;
      return now.state === 'done' ? now : undefined;
    }, 30_000);
    expect(done.destinations.salesforce).toMatchObject({ state: 'done', deleted: 5, failed: 0, queued: 0, purge: 'hard' });
    expect(done.removed.events).toBeGreaterThanOrEqual(8);

    // Nothing of theirs in the CRM, its recycle bin included; the other person untouched.
    const ids = theirs.map(postId);
    const left = await conn.query<{ ExternalPostId: string; IsDeleted: boolean }>('SELECT Id, ExternalPostId, IsDeleted FROM SocialPost', { scanAll: true });
    expect(left.records.map((r) => r.ExternalPostId).sort()).toEqual([postId(610), postId(611)]);
    const personas = await conn.query<{ ExternalId: string }>('SELECT Id, ExternalId, Name FROM SocialPersona', { scanAll: true });
    expect(personas.records.map((r) => r.ExternalId)).toEqual(['761']);
    // Nothing of theirs in Parley's store: events, operations, the person search, the audit.
    const traces = (text: string) => ['user760', 'User 760', 'x:760', ...ids].filter((t) => text.includes(t));
    expect(traces(JSON.stringify(await listAll(parley.base, '/v1/events', parley.adminKey)))).toEqual([]);
    expect(traces(JSON.stringify(await listAll(parley.base, '/v1/operations', parley.adminKey)))).toEqual([]);
    expect(traces(JSON.stringify(await listAll(parley.base, '/v1/dead-letters', parley.adminKey)))).toEqual([]);
    expect(traces(JSON.stringify((await api(parley.base, '/v1/identities?q=user760', parley.adminKey)).json))).toEqual([]);
    expect(traces(JSON.stringify(done))).toEqual([]);

    // A late delivery of one of their posts is accepted (the sender is told 200) but refused.
    await send(tweetDelivery(600, '760'));
    await send(tweetDelivery(620, '760'));
    await send(tweetDelivery(612, '761'));
    await until('the other person\'s new post', async () => ((await conn.sobject('SocialPost').find({ ExternalPostId: postId(612) }, ['Id']).execute()).length === 1 ? true : undefined));
    const after = await conn.query<{ ExternalPostId: string }>('SELECT Id, ExternalPostId FROM SocialPost', { scanAll: true });
    expect(after.records.map((r) => r.ExternalPostId).sort()).toEqual([postId(610), postId(611), postId(612)]);
    expect(traces(JSON.stringify(await listAll(parley.base, '/v1/events', parley.adminKey)))).toEqual([]);
    expect((await api(parley.base, `/v1/persons/${encodeURIComponent(found.personId)}/erase`, parley.adminKey, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
  }, 90_000);
});

describe('deletes at the source', () => {
  const tweetDeleted = (i: number, userId: string) => JSON.stringify({ for_user_id: '2244994945', tweet_delete_events: [{ status: { id: postId(i), user_id: userId }, timestamp_ms: '1795946500000' }] });

  for (const purgeDeletes of [false, true]) {
    it(`a post deleted on X ${purgeDeletes ? 'leaves nothing in the recycle bin with purgeDeletes' : 'stays in Salesforce\'s recycle bin, as a soft delete there does'}`, async () => {
      const parley = await startParley({
        extra: { mappingsDir: join(process.cwd(), 'mappings'), outbox: { lingerMs: 20, retryStepsMs: [200, 400] } },
        sandboxes: { salesforce: {} },
        destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret', purgeDeletes } },
      });
      running.push(parley);
      const send = async (body: string) => expect((await postX(parley.base, body, { 'x-twitter-webhooks-signature': signX(parley.secret, body) })).status).toBe(200);
      await send(tweetDelivery(700, '770'));
      const conn = await connection(parley);
      await until('the post', async () => ((await conn.sobject('SocialPost').find({ ExternalPostId: postId(700) }, ['Id']).execute()).length === 1 ? true : undefined));
      await send(tweetDeleted(700, '770'));
      await until('the post deleted', async () => ((await conn.sobject('SocialPost').find({ ExternalPostId: postId(700) }, ['Id']).execute()).length === 0 ? true : undefined));
      const bin = await conn.query<{ ExternalPostId: string; Content: string }>('SELECT Id, ExternalPostId, Content FROM SocialPost WHERE IsDeleted = true', { scanAll: true });
      expect(bin.records.map((r) => r.Content)).toEqual(purgeDeletes ? [] : ['hello 700']);
    }, 60_000);
  }
});

describe('a revoked authorization', () => {
  it('takes that account\'s records out of the CRM within seconds, recycle bin included (X user_event.revoke); the others untouched', async () => {
    const parley = await startParley({
      extra: { mappingsDir: join(process.cwd(), 'mappings'), outbox: { lingerMs: 20, retryStepsMs: [200, 400] } },
      sandboxes: { salesforce: {} },
      destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } },
    });
    running.push(parley);
    const send = async (body: string) => expect((await postX(parley.base, body, { 'x-twitter-webhooks-signature': signX(parley.secret, body) })).status).toBe(200);
    for (const i of [800, 801]) await send(tweetDelivery(i, '790'));
    await send(tweetDelivery(810, '791'));
    const conn = await connection(parley);
    await until('3 posts', async () => ((await conn.sobject('SocialPost').find({}, ['Id']).execute()).length === 3 ? true : undefined), 30_000);
    const revokedAt = Date.now();
    await send(JSON.stringify({ user_event: { revoke: { date_time: new Date().toISOString(), target: { app_id: '13090192' }, source: { user_id: '790' } } } }));
    await until('the account\'s records gone, recycle bin included', async () => {
      const all = await conn.query<{ ExternalPostId: string }>('SELECT Id, ExternalPostId FROM SocialPost', { scanAll: true });
      const personas = await conn.query<{ ExternalId: string }>('SELECT Id, ExternalId FROM SocialPersona', { scanAll: true });
      return all.records.length === 1 && personas.records.map((p) => p.ExternalId).join() === '791' ? true : undefined;
    }, 60_000);
    expect(Date.now() - revokedAt).toBeLessThan(60_000);
    // Parley's store keeps what happened (POST /v1/persons/:id/erase would remove it).
    const events = JSON.stringify(await listAll(parley.base, '/v1/events', parley.adminKey));
    expect(events).toContain('user790');
    expect(events).toContain('user791');
  }, 90_000);
});
