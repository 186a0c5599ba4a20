import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import jsforce from 'jsforce';
import { stringify } from 'yaml';
import { api, listAll, postX, signX, tweetDelivery } from './helpers/parley.ts';
import { spawnParley } from './helpers/processes.ts';

const root = new URL('..', import.meta.url).pathname;

// The two cases run at once, each with a service process and a data folder of its own: most of
// their time is start-ups, which the second core takes.
describe.concurrent('crash safety', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-crash-'));
  const env = { PARLEY_DATA_DIR: dataDir, PARLEY_ADMIN_KEY: 'crash-admin-' + randomBytes(6).toString('hex'), X_CONSUMER_SECRET: 'crash-' + randomBytes(6).toString('hex') };
  let child: ChildProcess | undefined;
  afterAll(() => { child?.kill('SIGKILL'); rmSync(dataDir, { recursive: true, force: true }); });

  it('keeps every delivery answered 200 through SIGKILL, none doubled', async () => {
    const first = await spawnParley(env);
    child = first.child;
    const N = 200;
    let next = 0;
    await Promise.all(Array.from({ length: 10 }, async () => {
      while (next < N) {
        const body = tweetDelivery(10_000 + next++);
        const response = await postX(first.base, body, { 'x-twitter-webhooks-signature': signX(env.X_CONSUMER_SECRET, body) });
        expect(response.status).toBe(200);
      }
    }));
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    expect(await exited).toBeNull(); // exit code null: killed by the signal
    const second = await spawnParley(env);
    child = second.child;
    const interactions = await listAll(second.base, '/v1/events?source=x&kind=interaction', env.PARLEY_ADMIN_KEY);
    expect(interactions).toHaveLength(N);
    expect(new Set(interactions.map((e) => e.data.networkId)).size).toBe(N);
  });
});

describe.concurrent('crash safety of delivery', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-crash-deliver-'));
  const env = { PARLEY_DATA_DIR: dataDir, PARLEY_ADMIN_KEY: 'crash-admin-' + randomBytes(6).toString('hex'), X_CONSUMER_SECRET: 'crash-' + randomBytes(6).toString('hex'), PARLEY_CONFIG: join(dataDir, 'parley.yaml') };
  writeFileSync(env.PARLEY_CONFIG, stringify({
    mappingsDir: join(root, 'mappings'),
    outbox: { leaseMs: 1000, lingerMs: 20 },
    apiKeys: [{ name: 'admin', key: '${PARLEY_ADMIN_KEY}', scope: 'admin' }],
    sources: { x: { connector: 'x', consumerSecret: '${X_CONSUMER_SECRET}' } },
    destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret', maxConcurrent: 1 } },
    sandboxes: { salesforce: { file: 'salesforce-sandbox.json' } },
  }));
  let child: ChildProcess | undefined;
  afterAll(() => { child?.kill('SIGKILL'); rmSync(dataDir, { recursive: true, force: true }); });

  it('SIGKILL while operations are being sent, then restart: every record in the CRM once', async () => {
    const first = await spawnParley(env);
    child = first.child;
    // Slow answers: the sandbox has written a batch but not yet said so when the kill lands, so
    // the restarted Parley cannot know whether those records exist (and must look before writing).
    await fetch(`${first.base}/sandbox/salesforce/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ responseDelayMs: 300 }) });
    const N = 300;
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < N) {
        const body = tweetDelivery(50_000 + next++);
        expect((await postX(first.base, body, { 'x-twitter-webhooks-signature': signX(env.X_CONSUMER_SECRET, body) })).status).toBe(200);
      }
    }));
    for (let i = 0; i < 400; i++) {
      // A batch of posts in the CRM whose answer is not back yet: the sandbox holds more posts than Parley knows of.
      const known = (await listAll(first.base, '/v1/operations?state=done', env.PARLEY_ADMIN_KEY)).filter((o) => o.mappingId === 'sf-x-post').length;
      const inCrm = ((await (await fetch(`${first.base}/sandbox/salesforce/_stats`)).json()) as { records: Record<string, number> }).records.SocialPost ?? 0;
      if (inCrm >= known + 50) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;

    const second = await spawnParley(env);
    child = second.child;
    for (let i = 0; ; i++) {
      const stats = (await api(second.base, '/v1/outbox/stats', env.PARLEY_ADMIN_KEY)).json.destinations.salesforce ?? {};
      if ((stats.pending ?? 0) + (stats.leased ?? 0) === 0 && (stats.done ?? 0) > 0) break;
      if (i > 600) throw new Error(`outbox not drained: ${JSON.stringify(stats)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const base = `${second.base}/sandbox/salesforce`;
    const conn = new jsforce.Connection({ version: '62.0', loginUrl: base, oauth2: { loginUrl: base, clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } });
    await conn.login('demo@parley.local', 'demo');
    const posts = await conn.sobject('SocialPost').find({}, ['ExternalPostId', 'PersonaId']).execute({ autoFetch: true, maxFetch: 10_000 });
    expect(posts).toHaveLength(N);
    expect(new Set(posts.map((p) => p.ExternalPostId)).size).toBe(N);
    const personas = await conn.sobject('SocialPersona').find({}, ['ExternalId']).execute({ autoFetch: true });
    expect(personas.map((p) => p.ExternalId).sort()).toEqual(['500', '501', '502', '503', '504', '505', '506']);
    expect(posts.every((p) => p.PersonaId)).toBe(true);
    expect((await api(second.base, '/v1/operations?state=dead', env.PARLEY_ADMIN_KEY)).json.items).toEqual([]);
  }, 120_000);
});
