import jsforce from 'jsforce';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, postX, signX, startParley, tweetDelivery, type TestParley } from './helpers/parley.ts';
import { until } from './helpers/wait.ts';

// A big resync in bulk, end to end: 2,500 tweets of one person in the Salesforce sandbox, two
// changed there by hand, then `POST /v1/resyncs` of that person: its posts go back as a Bulk API 2.0
// ingest job (src/outbox/bulk-lane.ts), not as a dozen sObject Collections calls.
const running: TestParley[] = [];
afterEach(async () => { for (const p of running.splice(0)) await p.stop(); });

const TWEETS = 2_500;
interface Stats { calls: Record<string, number>; records: Record<string, number> }
const stats = async (parley: TestParley) => (await api(parley.base, '/sandbox/salesforce/_stats', null)).json as unknown as Stats;
const sum = (calls: Record<string, number>, key: RegExp) => Object.entries(calls).filter(([k]) => key.test(k)).reduce((n, [, v]) => n + v, 0);
const outboxIdle = (parley: TestParley) => until('the outbox drained', async () => {
  const body = (await api(parley.base, '/v1/outbox/stats', parley.adminKey)).json as { destinations: Record<string, Record<string, number>> };
  const s = body.destinations.salesforce ?? {};
  return (s.done ?? 0) > 0 && (s.pending ?? 0) + (s.leased ?? 0) + (s.waiting ?? 0) === 0 ? s : undefined;
}, 120_000);

describe('a resync in bulk', () => {
  it('writes 2,500 posts of one person again through one ingest job, every record right', async () => {
    const parley = await startParley({
      extra: { mappingsDir: join(process.cwd(), 'mappings') },
      sandboxes: { salesforce: {} },
      destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret', retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 } } },
    });
    running.push(parley);
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < TWEETS) {
        const body = tweetDelivery(10_000 + next++, '800');
        expect((await postX(parley.base, body, { 'x-twitter-webhooks-signature': signX(parley.secret, body) })).status).toBe(200);
      }
    }));
    // Every post delivered live first (intake derives and plans behind the 200s).
    await until('2,500 posts in the sandbox', async () => ((await stats(parley)).records.SocialPost === TWEETS ? true : undefined), 120_000);
    await outboxIdle(parley);
    const base = `${parley.base}/sandbox/salesforce`;
    const conn = new jsforce.Connection({ version: '62.0', loginUrl: base, oauth2: { loginUrl: base, clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } });
    await conn.login('demo@parley.local', 'demo');
    const changed = [String(1_700_000_000_000_000_000n + 10_000n), String(1_700_000_000_000_000_000n + 12_499n)];
    for (const row of await conn.sobject('SocialPost').find({ ExternalPostId: { $in: changed } }, ['Id']).execute()) {
      await conn.sobject('SocialPost').update({ Id: row.Id!, Content: 'changed by hand' });
    }
    const before = await stats(parley);
    expect(before.records.SocialPost).toBe(TWEETS);

    const asked = await api(parley.base, '/v1/resyncs', parley.adminKey, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scope: { identity: 'x:800' }, destinations: ['salesforce'] }) });
    expect(asked.status).toBe(202);
    const job = await until('the resync to end', async () => {
      const now = (await api(parley.base, `/v1/resyncs/${asked.json.id}`, parley.adminKey)).json;
      return ['done', 'cancelled', 'failed'].includes(now.state) ? now : undefined;
    }, 120_000);
    expect(job).toMatchObject({ state: 'done', counts: { failed: 0, queued: 0 } });
    expect(job.counts.written + job.counts.skipped).toBe(job.counts.planned);

    const after = await stats(parley);
    const delta = (key: RegExp) => sum(after.calls, key) - sum(before.calls, key);
    // One job for the posts (create, upload, close, status reads, results); the person's one merged write goes as a call.
    expect(delta(/^POST \/jobs\/ingest$/)).toBe(1);
    expect(delta(/\/composite/)).toBeLessThanOrEqual(2);
    expect(after.records.SocialPost).toBe(TWEETS);
    const posts = await conn.sobject('SocialPost').find({}, ['ExternalPostId', 'Content']).execute({ autoFetch: true, maxFetch: 10_000 }) as Array<{ ExternalPostId: string; Content: string }>;
    expect(posts).toHaveLength(TWEETS);
    const wrong = posts.filter((p) => p.Content !== `hello ${Number(BigInt(p.ExternalPostId) - 1_700_000_000_000_000_000n)}`);
    expect(wrong).toEqual([]);
  }, 240_000);
});
