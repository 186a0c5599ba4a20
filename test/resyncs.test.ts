import jsforce from 'jsforce';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, listAll, postX, signX, startParley, tweetDelivery, type TestParley } from './helpers/parley.ts';
import { until } from './helpers/wait.ts';

// Resync jobs end to end: signed X deliveries in the Salesforce sandbox, records changed there by
// hand, and `POST /v1/resyncs` writing them again from Parley's store.
const running: TestParley[] = [];
afterEach(async () => { for (const p of running.splice(0)) await p.stop(); });

async function start() {
  const parley = await startParley({
    extra: { mappingsDir: join(process.cwd(), 'mappings'), outbox: { lingerMs: 20, retryStepsMs: [200, 400] } },
    apiKeys: [{ name: 'reader', key: 'test-reader-key-0123456789', scope: 'read' }],
    sandboxes: { salesforce: {} },
    destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret', maxConcurrent: 1, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 } } },
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
  expect((await postX(parley.base, body, { 'x-twitter-webhooks-signature': signX(parley.secret, body) })).status).toBe(200);
};
const resync = (parley: TestParley, body: unknown, headers: Record<string, string> = {}, key = parley.adminKey) =>
  api(parley.base, '/v1/resyncs', key, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const finished = (parley: TestParley, id: string, timeoutMs = 30_000) => until(`resync ${id} to end`, async () => {
  const job = (await api(parley.base, `/v1/resyncs/${id}`, parley.adminKey)).json;
  return ['done', 'cancelled', 'failed'].includes(job.state) ? job : undefined;
}, timeoutMs);
const postIds = (from: number, count: number) => Array.from({ length: count }, (_, i) => String(1_700_000_000_000_000_000n + BigInt(from + i)));

describe('resync jobs', () => {
  it('a resync of one identity writes its records again after they were changed by hand, and only that identity\'s', async () => {
    const parley = await start();
    for (let i = 0; i < 6; i++) await send(parley, tweetDelivery(200 + i, i % 2 === 0 ? '700' : '701'));
    const conn = await connection(parley);
    const ids = postIds(200, 6);
    const posts = await until('6 SocialPosts', async () => {
      const rows = await conn.sobject('SocialPost').find({ ExternalPostId: { $in: ids } }, ['Id', 'ExternalPostId', 'Content']).execute();
      return rows.length === 6 ? rows : undefined;
    });
    const byPost = new Map(posts.map((p) => [p.ExternalPostId as string, p]));
    await conn.sobject('SocialPost').update({ Id: byPost.get(ids[0]!)!.Id!, Content: 'changed by hand' });
    await conn.sobject('SocialPost').update({ Id: byPost.get(ids[1]!)!.Id!, Content: 'changed by hand' });
    const persona = await until('the persona of x:700', async () => (await conn.sobject('SocialPersona').find({ ExternalId: '700' }, ['Id']).execute())[0]);
    await conn.sobject('SocialPersona').update({ Id: persona.Id!, Name: 'renamed by hand' });

    const asked = await resync(parley, { scope: { identity: 'x:700' }, destinations: ['salesforce'] }, { 'idempotency-key': 'repair-700' });
    expect(asked.status).toBe(202);
    expect(asked.json).toMatchObject({ state: 'queued', mode: 'from-store', requestedBy: 'admin', destinations: ['salesforce'], scope: { identity: 'x:700' } });
    // The same key answers the same job; no second one starts.
    const again = await resync(parley, { scope: { identity: 'x:700' }, destinations: ['salesforce'] }, { 'idempotency-key': 'repair-700' });
    expect(again.json.id).toBe(asked.json.id);
    expect((await listAll(parley.base, '/v1/resyncs', parley.adminKey)).map((j) => j.id)).toEqual([asked.json.id]);

    const job = await finished(parley, asked.json.id);
    expect(job).toMatchObject({ state: 'done', planningDone: true, etaSeconds: 0, counts: { failed: 0, queued: 0 } });
    // Three tweets of x:700: each an event of its profile and one of its post.
    expect(job.events).toEqual({ done: 6, total: 6 });
    expect(job.counts.planned).toBeGreaterThanOrEqual(6);
    expect(job.counts.written + job.counts.skipped).toBe(job.counts.planned);
    const after = await conn.sobject('SocialPost').find({ ExternalPostId: { $in: ids.slice(0, 2) } }, ['ExternalPostId', 'Content']).execute();
    expect(Object.fromEntries(after.map((p) => [p.ExternalPostId, p.Content]))).toEqual({ [ids[0]!]: 'hello 200', [ids[1]!]: 'changed by hand' });
    expect((await conn.sobject('SocialPersona').retrieve(persona.Id!) as { Name: string }).Name).toBe('@user700');
    // Its operations say which job queued them.
    const ops = await listAll(parley.base, '/v1/operations', parley.adminKey);
    expect(ops.filter((o) => o.resyncId === asked.json.id)).toHaveLength(job.counts.planned);
  }, 60_000);

  it('refuses what cannot run with the error body, and starting one needs the operate scope', async () => {
    const parley = await start();
    const unknown = await resync(parley, { scope: { identity: 'x:700' }, destinations: ['sap-c4c'] });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({ code: 'PARLEY_API_RESYNC_INVALID', details: { destination: 'sap-c4c', known: ['salesforce'] } });
    const both = await resync(parley, { scope: { identity: 'x:700', network: 'x' }, destinations: ['salesforce'] });
    expect(both.status).toBe(400);
    const backwards = await resync(parley, { scope: { network: 'x', since: '2026-12-01T00:00:00Z', until: '2026-11-01T00:00:00Z' }, destinations: ['salesforce'] });
    expect(backwards.json.error).toMatchObject({ code: 'PARLEY_API_RESYNC_INVALID' });
    const listed = await resync(parley, { scope: { events: ['e1'] }, destinations: ['salesforce'], mode: 'from-source' });
    expect(listed.json.error).toMatchObject({ code: 'PARLEY_API_RESYNC_INVALID' });
    const reader = await resync(parley, { scope: { identity: 'x:700' }, destinations: ['salesforce'] }, {}, 'test-reader-key-0123456789');
    expect(reader.status).toBe(403);
    expect((await api(parley.base, '/v1/resyncs/nope', parley.adminKey)).json.error.code).toBe('PARLEY_API_RESYNC_NOT_FOUND');
    expect((await api(parley.base, '/v1/resyncs/nope', parley.adminKey, { method: 'DELETE' })).status).toBe(404);
    expect((await listAll(parley.base, '/v1/resyncs', 'test-reader-key-0123456789'))).toEqual([]);
  });

  it('cancelled halfway, it stops: what was queued is withdrawn, what was written stays, and it says how much of each', async () => {
    const parley = await start();
    // 500 tweets of one person: a resync of them queues about 1,000 operations, more than one dispatch round leases.
    const N = 500;
    let next = 0;
    await Promise.all(Array.from({ length: 6 }, async () => { while (next < N) await send(parley, tweetDelivery(10_000 + next++, '777')); }));
    await until('the live writes to be done', async () => {
      const stats = (await api(parley.base, '/v1/outbox/stats', parley.adminKey)).json.destinations.salesforce ?? {};
      return (stats.pending ?? 0) + (stats.leased ?? 0) + (stats.waiting ?? 0) === 0 && (stats.done ?? 0) >= N ? stats : undefined;
    }, 60_000);
    // Slow answers from now on: the resync's writes take seconds, so the cancel lands while some are queued.
    await fetch(`${parley.base}/sandbox/salesforce/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: 1_500 }) });
    const asked = await resync(parley, { scope: { identity: 'x:777' }, destinations: ['salesforce'] });
    // Halfway: every event planned, the first of its writes being sent (leased), the others queued.
    await until('the resync\'s first writes under way', async () => {
      const job = (await api(parley.base, `/v1/resyncs/${asked.json.id}`, parley.adminKey)).json;
      if (!job.planningDone) return undefined;
      const leased = (await listAll(parley.base, '/v1/operations?state=leased', parley.adminKey)).filter((o) => o.resyncId === asked.json.id);
      return leased.length > 0 ? leased : undefined;
    }, 30_000);
    const cancelled = await api(parley.base, `/v1/resyncs/${asked.json.id}`, parley.adminKey, { method: 'DELETE' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toMatchObject({ state: 'cancelled', etaSeconds: 0 });
    expect(cancelled.json.counts.skipped).toBeGreaterThan(0);
    const end = await until('nothing of the job left to send', async () => {
      const job = (await api(parley.base, `/v1/resyncs/${asked.json.id}`, parley.adminKey)).json;
      return job.counts.queued === 0 ? job : undefined;
    }, 30_000);
    expect(end.state).toBe('cancelled');
    expect(end.counts.written).toBeGreaterThan(0);
    expect(end.counts.written).toBeLessThan(end.counts.planned);
    expect(end.counts.written + end.counts.failed + end.counts.skipped).toBe(end.counts.planned);
    // Withdrawn operations stay withdrawn: nothing of the job is pending any more.
    const ops = (await listAll(parley.base, '/v1/operations', parley.adminKey)).filter((o) => o.resyncId === asked.json.id);
    expect(ops.filter((o) => o.state === 'superseded')).toHaveLength(end.counts.skipped);
    expect(ops.filter((o) => ['pending', 'leased', 'waiting'].includes(o.state))).toEqual([]);
  }, 120_000);
});

describe('a resync from the source', () => {
  it('pulls through the X sandbox, honours a 429 and its reset, and doubles nothing webhooks already brought', async () => {
    const parley = await startParley({
      extra: { mappingsDir: join(process.cwd(), 'mappings'), outbox: { lingerMs: 20, retryStepsMs: [200, 400] } },
      x: { pull: { bearerToken: 'parley-demo-x-bearer-token', pageSize: 5 } },
      sandboxes: { salesforce: {}, x: { rateLimits: { 'GET /2/users/:id/tweets': { limit: 1, windowSeconds: 2 }, 'GET /2/users/:id/mentions': { limit: 1, windowSeconds: 8 } } } },
      destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret', retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 } } },
    });
    running.push(parley);
    const ids = postIds(500, 6);
    const x = `${parley.base}/sandbox/x`;
    const seeded = await fetch(`${x}/_seed`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        users: [{ id: '990', username: 'user990', name: 'User 990' }],
        posts: ids.map((id, i) => ({ id, text: `hello ${500 + i}`, author_id: '990', created_at: new Date(Date.UTC(2026, 10, 23, 10, i)).toISOString() })),
      }),
    });
    expect(seeded.status).toBe(200);
    // Three of the six came by webhook already.
    for (let i = 0; i < 3; i++) await send(parley, tweetDelivery(500 + i, '990'));
    const conn = await connection(parley);
    await until('the 3 delivered posts', async () => {
      const rows = await conn.sobject('SocialPost').find({ ExternalPostId: { $in: ids } }, ['Id']).execute();
      return rows.length === 3 ? rows : undefined;
    });
    // Another client spends the mentions window: the pull's first mentions call is answered 429.
    await fetch(`${x}/2/users/990/mentions`, { headers: { authorization: 'Bearer parley-demo-x-bearer-token' } });

    const asked = await resync(parley, { scope: { identity: 'x:990' }, destinations: ['salesforce'], mode: 'from-source' });
    expect(asked.status).toBe(202);
    const job = await finished(parley, asked.json.id, 60_000);
    expect(job).toMatchObject({ state: 'done', counts: { failed: 0, queued: 0 } });
    const stats = await (await fetch(`${x}/_stats`)).json() as { errors: Record<string, number> };
    expect(stats.errors.TooManyRequests).toBeGreaterThanOrEqual(1);
    const posts = await conn.sobject('SocialPost').find({ ExternalPostId: { $in: ids } }, ['ExternalPostId', 'Content']).execute();
    expect(posts.map((p) => p.ExternalPostId).sort()).toEqual(ids);
    // Each post is one event in the store, whether a webhook or the pull brought it.
    const events = (await listAll(parley.base, '/v1/events?source=x&kind=interaction', parley.adminKey)).filter((e) => ids.includes(e.data.networkId));
    expect(events.map((e) => e.data.networkId).sort()).toEqual(ids);
  }, 90_000);

  it('is refused for a network no source can pull', async () => {
    const parley = await start();
    const refused = await resync(parley, { scope: { network: 'linkedin' }, destinations: ['salesforce'], mode: 'from-source' });
    expect(refused.status).toBe(422);
    expect(refused.json.error.code).toBe('PARLEY_PULL_UNSUPPORTED');
  });
});
