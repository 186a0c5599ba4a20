import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import jsforce from 'jsforce';
import { stringify } from 'yaml';
import { api, postX, signX, tweetDelivery } from './helpers/parley.ts';
import { spawnParley } from './helpers/processes.ts';
import { until } from './helpers/wait.ts';

const root = new URL('..', import.meta.url).pathname;

/** Calls the sandbox took so far, by label (`GET /query`, `POST /composite/sobjects`…). */
async function sandboxCalls(base: string): Promise<Record<string, number>> {
  return ((await (await fetch(`${base}/sandbox/salesforce/_stats`)).json()) as { calls: Record<string, number> }).calls;
}
const sum = (calls: Record<string, number>, label: RegExp, before: Record<string, number> = {}) =>
  Object.entries(calls).filter(([k]) => label.test(k)).reduce((n, [k, v]) => n + v - (before[k] ?? 0), 0);

// Issue 17: after a SIGKILL with writes in flight, a restart takes the dead run's leases over at
// once (same instance id), looks up only what was sent, in batches, and writes the rest.
describe('recovery after a crash with writes in flight', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-recovery-'));
  const env = { PARLEY_DATA_DIR: dataDir, PARLEY_ADMIN_KEY: 'recovery-admin-' + randomBytes(6).toString('hex'), X_CONSUMER_SECRET: 'recovery-' + randomBytes(6).toString('hex'), PARLEY_CONFIG: join(dataDir, 'parley.yaml') };
  writeFileSync(env.PARLEY_CONFIG, stringify({
    mappingsDir: join(root, 'mappings'),
    // The default lease time (60 s): the restart must not wait for it.
    outbox: { lingerMs: 20 },
    apiKeys: [{ name: 'admin', key: '${PARLEY_ADMIN_KEY}', scope: 'admin' }],
    sources: { x: { connector: 'x', consumerSecret: '${X_CONSUMER_SECRET}' } },
    destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } },
    sandboxes: { salesforce: { file: 'salesforce-sandbox.json' } },
  }));
  let child: ChildProcess | undefined;
  afterAll(() => { child?.kill('SIGKILL'); rmSync(dataDir, { recursive: true, force: true }); });

  it('drains at once after the restart, every tweet once, the in-flight ones looked up in a few batched calls', async () => {
    const first = await spawnParley(env);
    child = first.child;
    // Connected first (its describes answered): the held answers below must hold writes, not the connect.
    await until('the Salesforce destination ready', async () => {
      const items = (await api(first.base, '/v1/connectors', env.PARLEY_ADMIN_KEY)).json?.items as Array<{ id: string; state: string }> | undefined;
      return items?.find((c) => c.id === 'salesforce')?.state === 'ready' ? true : undefined;
    }, 60_000);
    // One tweet written first: a run's first write reads the org's usage (GET /limits) before it,
    // and a held answer would hold that read, not a write, for the whole 20 s.
    const warmUp = tweetDelivery(69_999, '600');
    expect((await postX(first.base, warmUp, { 'x-twitter-webhooks-signature': signX(env.X_CONSUMER_SECRET, warmUp) })).status).toBe(200);
    await until('the first tweet written', async () => {
      const stats = (await api(first.base, '/v1/outbox/stats', env.PARLEY_ADMIN_KEY)).json.destinations?.salesforce ?? {};
      return (stats.done ?? 0) > 0 && (stats.pending ?? 0) + (stats.leased ?? 0) + (stats.waiting ?? 0) === 0 ? true : undefined;
    });
    // The CRM writes each batch, then holds its answer 20 s: what is in flight at the kill is in the CRM, unanswered.
    await fetch(`${first.base}/sandbox/salesforce/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ responseDelayMs: 20_000 }) });
    const N = 400;
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < N) {
        const body = tweetDelivery(70_000 + next++, String(600 + (next % 20)));
        expect((await postX(first.base, body, { 'x-twitter-webhooks-signature': signX(env.X_CONSUMER_SECRET, body) })).status).toBe(200);
      }
    }));
    // Killed once a write call is in the CRM (taken, not answered).
    const writes = (calls: Record<string, number>) => sum(calls, /composite|sobjects/i) - sum(calls, /describe/i);
    for (let i = 0; i < 300 && writes(await sandboxCalls(first.base)) === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(writes(await sandboxCalls(first.base))).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1000));
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();

    const second = await spawnParley(env);
    child = second.child;
    const before = await sandboxCalls(second.base);
    let stats: Record<string, number> = {};
    for (let i = 0; ; i++) {
      stats = (await api(second.base, '/v1/outbox/stats', env.PARLEY_ADMIN_KEY)).json.destinations.salesforce ?? {};
      if ((stats.pending ?? 0) + (stats.leased ?? 0) + (stats.waiting ?? 0) === 0 && (stats.done ?? 0) > 0) break;
      if (i > 900) throw new Error(`outbox not drained: ${JSON.stringify(stats)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Well before the 60 s lease the dead run held: its leases were taken over at start-up.
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    // The sent batches (up to 200 posts each, and personas) in a few IN queries, not one each; but looked up.
    const lookups = sum(await sandboxCalls(second.base), /query/i, before);
    expect(lookups).toBeGreaterThan(0);
    expect(lookups).toBeLessThanOrEqual(10);

    const base = `${second.base}/sandbox/salesforce`;
    const conn = new jsforce.Connection({ version: '62.0', loginUrl: base, oauth2: { loginUrl: base, clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } });
    await conn.login('demo@parley.local', 'demo');
    const posts = await conn.sobject('SocialPost').find({}, ['ExternalPostId']).execute({ autoFetch: true, maxFetch: 10_000 });
    // The N tweets and the first one, each once.
    expect(posts).toHaveLength(N + 1);
    expect(new Set(posts.map((p) => p.ExternalPostId)).size).toBe(N + 1);
    const personas = await conn.sobject('SocialPersona').find({}, ['ExternalId']).execute({ autoFetch: true });
    expect(new Set(personas.map((p) => p.ExternalId)).size).toBe(personas.length);
    expect((await api(second.base, '/v1/operations?state=dead', env.PARLEY_ADMIN_KEY)).json.items).toEqual([]);
  }, 180_000);
});
