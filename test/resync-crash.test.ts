import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { api, listAll, postX, signX, tweetDelivery } from './helpers/parley.ts';
import { spawnParley } from './helpers/processes.ts';
import { until } from './helpers/wait.ts';

const root = new URL('..', import.meta.url).pathname;

// A resync killed with SIGKILL while its writes are under way resumes when Parley restarts (the
// same data folder, so the same instance id) and ends done, each event planned once.
describe('a resync through a crash', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-resync-crash-'));
  const env = { PARLEY_DATA_DIR: dataDir, PARLEY_ADMIN_KEY: 'crash-admin-' + randomBytes(6).toString('hex'), X_CONSUMER_SECRET: 'crash-' + randomBytes(6).toString('hex'), PARLEY_CONFIG: join(dataDir, 'parley.yaml') };
  writeFileSync(env.PARLEY_CONFIG, stringify({
    mappingsDir: join(root, 'mappings'),
    outbox: { leaseMs: 2000, lingerMs: 20 },
    apiKeys: [{ name: 'admin', key: '${PARLEY_ADMIN_KEY}', scope: 'admin' }],
    sources: { x: { connector: 'x', consumerSecret: '${X_CONSUMER_SECRET}' } },
    destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret', maxConcurrent: 1 } },
    sandboxes: { salesforce: { file: 'salesforce-sandbox.json' } },
  }));
  let child: ChildProcess | undefined;
  afterAll(() => { child?.kill('SIGKILL'); rmSync(dataDir, { recursive: true, force: true }); });

  it('killed mid-delivery, it resumes after the restart and plans nothing twice', async () => {
    const first = await spawnParley(env);
    child = first.child;
    const N = 500;
    let next = 0;
    await Promise.all(Array.from({ length: 6 }, async () => {
      while (next < N) {
        const body = tweetDelivery(30_000 + next++, '880');
        expect((await postX(first.base, body, { 'x-twitter-webhooks-signature': signX(env.X_CONSUMER_SECRET, body) })).status).toBe(200);
      }
    }));
    await until('the live writes to be done', async () => {
      const stats = (await api(first.base, '/v1/outbox/stats', env.PARLEY_ADMIN_KEY)).json.destinations?.salesforce ?? {};
      return (stats.pending ?? 0) + (stats.leased ?? 0) + (stats.waiting ?? 0) === 0 && (stats.done ?? 0) >= N ? stats : undefined;
    }, 60_000);
    await fetch(`${first.base}/sandbox/salesforce/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: 1_000 }) });
    const asked = await api(first.base, '/v1/resyncs', env.PARLEY_ADMIN_KEY, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scope: { identity: 'x:880' }, destinations: ['salesforce'] }) });
    expect(asked.status).toBe(202);
    const id = asked.json.id as string;
    await until('the resync\'s writes under way', async () => {
      const leased = (await listAll(first.base, '/v1/operations?state=leased', env.PARLEY_ADMIN_KEY)).filter((o) => o.resyncId === id);
      return leased.length > 0 ? leased : undefined;
    }, 30_000);
    const before = (await api(first.base, `/v1/resyncs/${id}`, env.PARLEY_ADMIN_KEY)).json;
    expect(before.state).toBe('running');
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;

    const second = await spawnParley(env);
    child = second.child;
    await fetch(`${second.base}/sandbox/salesforce/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: 0 }) });
    const job = await until('the resync to end', async () => {
      const now = (await api(second.base, `/v1/resyncs/${id}`, env.PARLEY_ADMIN_KEY)).json;
      return ['done', 'failed', 'cancelled'].includes(now.state) ? now : undefined;
    }, 60_000);
    expect(job).toMatchObject({ state: 'done', startedAt: before.startedAt, events: { done: 2 * N, total: 2 * N }, counts: { failed: 0, queued: 0 } });
    // Each event of the scope planned once by the job, whatever the crash cut short.
    const ops = (await listAll(second.base, '/v1/operations', env.PARLEY_ADMIN_KEY)).filter((o) => o.resyncId === id);
    expect(ops).toHaveLength(job.counts.planned);
    const perEventAndMapping = new Set(ops.map((o) => `${o.eventId} ${o.mappingId}`));
    expect(perEventAndMapping.size).toBe(ops.length);
    const stats = await (await fetch(`${second.base}/sandbox/salesforce/_stats`)).json() as { records: Record<string, number> };
    expect(stats.records.SocialPost).toBe(N);
    expect(stats.records.SocialPersona).toBe(1);
  }, 180_000);
});
