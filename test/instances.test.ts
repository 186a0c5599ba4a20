import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postX, signX, tweetDelivery } from './helpers/parley.ts';
import { collectJsonLines, ensureBuilt, freePort, waitForHealth } from './helpers/processes.ts';
import { demoConnection, startSalesforceSandbox, type RunningSandbox } from './helpers/salesforce-sandbox.ts';
import { until } from './helpers/wait.ts';

// Several Parley instances sharing one PostgreSQL database (and Redis for the CRM's limits), each a
// real `npm start` with the shipped config, writing to one Salesforce sandbox: what one instance's
// death leaves is taken over by the other within seconds, every record lands once, and the shared
// limiter holds the destination's rate for both together.

const root = new URL('..', import.meta.url).pathname;
const ADMIN = 'instances-admin-' + randomBytes(6).toString('hex');
const SECRET = 'instances-x-' + randomBytes(6).toString('hex');
const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = 'redis://127.0.0.1:6379';

interface Instance { npm: ChildProcess; base: string; dataDir: string; id: () => string; logs: Array<Record<string, unknown>> }

let database = '';
let databaseUrl = '';
let admin: pg.Client;
let db: pg.Client;
let sandbox: RunningSandbox;
const started: Instance[] = [];
const temp: string[] = [];

beforeAll(async () => {
  await ensureBuilt(root);
  admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  // A connection the server ends (another suite's restart, the final DROP … WITH (FORCE)) is not a test failure.
  admin.on('error', () => undefined);
  await admin.connect();
  database = 'parley_instances_' + randomBytes(4).toString('hex');
  await admin.query(`CREATE DATABASE ${database}`);
  databaseUrl = `postgres://postgres@127.0.0.1:5432/${database}`;
  db = new pg.Client({ connectionString: databaseUrl });
  db.on('error', () => undefined);
  await db.connect();
}, 240_000);

afterEach(async () => {
  for (const s of started.splice(0)) kill(s);
  await sandbox?.close();
  await db.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public');
});

afterAll(async () => {
  await db?.end();
  await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  await admin?.end();
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

function kill(s: Instance): void {
  try { process.kill(-s.npm.pid!, 'SIGKILL'); } catch { /* gone already */ }
}

/** `npm start` with the shipped config (or `config`), on PostgreSQL, writing to the test's sandbox. */
async function startInstance(env: Record<string, string> = {}): Promise<Instance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-instance-'));
  temp.push(dataDir);
  const port = await freePort();
  const npm = spawn('npm', ['start', '--silent'], {
    cwd: root, detached: true, stdio: ['ignore', 'pipe', 'ignore'],
    env: {
      ...process.env, PARLEY_DATA_DIR: dataDir, PARLEY_ADMIN_KEY: ADMIN, X_CONSUMER_SECRET: SECRET, PORT: String(port), HOST: '127.0.0.1',
      LOG_LEVEL: 'info', PARLEY_CONFIG: '', DATABASE_URL: databaseUrl, REDIS_URL: '', SALESFORCE_LOGIN_URL: sandbox.base, ...env,
    },
  });
  const logs = collectJsonLines(npm.stdout!);
  const base = `http://127.0.0.1:${port}`;
  // Known before it is up: a start-up that fails is still killed after the test.
  const s: Instance = { npm, base, dataDir, logs, id: () => readFileSync(join(dataDir, 'instance-id'), 'utf8').trim() };
  started.push(s);
  await waitForHealth(base, npm, 60_000);
  await until('start-up done', async () => (logs.some((l) => l.msg === 'parley listening') ? true : undefined), 30_000);
  return s;
}

async function postTweets(instances: Instance[], from: number, count: number, users = 20, everyMs = 0): Promise<string[]> {
  const ids: string[] = [];
  for (let i = from; i < from + count; i++) {
    const body = tweetDelivery(i, String(9_000 + (i % users)));
    ids.push((JSON.parse(body) as { tweet_create_events: Array<{ id_str: string }> }).tweet_create_events[0]!.id_str);
    const to = instances[i % instances.length]!;
    const answer = await postX(to.base, body, { 'x-twitter-webhooks-signature': signX(SECRET, body) });
    expect(answer.status, `delivery ${i}`).toBe(200);
    if (everyMs > 0) await new Promise((r) => setTimeout(r, everyMs));
  }
  return ids;
}

/** SocialPost records in the sandbox per ExternalPostId, read back over its REST API. */
async function postsById(): Promise<Map<string, number>> {
  const conn = await demoConnection(sandbox.base);
  const found = new Map<string, number>();
  let page = await conn.query<{ ExternalPostId: string }>('SELECT ExternalPostId FROM SocialPost');
  for (;;) {
    for (const r of page.records) found.set(r.ExternalPostId, (found.get(r.ExternalPostId) ?? 0) + 1);
    if (page.done || !page.nextRecordsUrl) break;
    page = await conn.queryMore(page.nextRecordsUrl);
  }
  return found;
}

const leasedBy = async (owner: string) => Number((await db.query("SELECT COUNT(*) AS n FROM operations WHERE state = 'leased' AND lease_owner = $1", [owner])).rows[0].n);

describe('several instances on one PostgreSQL', () => {
  it('one of two killed with SIGKILL mid-dispatch: its leases taken over within 10 s, every tweet in the CRM exactly once', async () => {
    sandbox = await startSalesforceSandbox({}, mkdtempSync(join(tmpdir(), 'parley-instances-sb-')));
    // Slow CRM answers: the kill lands while the victim has a batch out.
    expect(await sandbox.faults({ latencyMs: 400 })).toBe(200);
    // Started together, as a deployment's instances are: the schema's migration lock orders them.
    const [a, b] = await Promise.all([startInstance(), startInstance()]);
    expect(a.id()).not.toBe(b.id());
    const ids = await postTweets([a, b], 0, 300);
    const victim = await until('an instance holding leases', async () => {
      for (const s of [a, b]) if (await leasedBy(s.id()) > 0) return s;
      return undefined;
    }, 30_000);
    const survivor = victim === a ? b : a;
    kill(victim);
    const killedAt = Date.now();
    await until('the victim\'s leases taken over', async () => (await leasedBy(victim.id()) === 0 ? true : undefined), 15_000);
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs, 'the dead instance\'s leases were given back').toBeLessThan(10_000);
    expect(survivor.logs.some((l) => l.msg === 'an instance went silent: its leases were given back to the outbox' && l.instance === victim.id())).toBe(true);
    const written = await until('every tweet in the CRM', async () => {
      const found = await postsById();
      return ids.every((id) => found.has(id)) ? found : undefined;
    }, 90_000);
    expect(ids.filter((id) => written.get(id) !== 1), 'tweets not written exactly once').toEqual([]);
  }, 240_000);

  it('with Redis, two instances together never call the CRM faster than the destination\'s configured rate', async () => {
    sandbox = await startSalesforceSandbox({}, mkdtempSync(join(tmpdir(), 'parley-instances-sb-')));
    expect(await sandbox.faults({ latencyMs: 30 })).toBe(200);
    // The shipped config, one call at a time and 0.5 s apart for the destination, whatever instance makes it.
    const dir = mkdtempSync(join(tmpdir(), 'parley-instances-config-'));
    temp.push(dir);
    const config = readFileSync(join(root, 'parley.yaml'), 'utf8')
      .replace(/^mappingsDir: mappings/m, `mappingsDir: ${join(root, 'mappings')}`)
      .replace('    # maxConcurrent: 4 ', '    maxConcurrent: 1 ').replace('    # minTimeMs: 0 ', '    minTimeMs: 500 ')
      // Its own keys in Redis: an earlier run's limiter state is not this one's.
      .replace('  url: ${REDIS_URL:-}', `  url: \${REDIS_URL:-}\n  keyPrefix: parley-test-${randomBytes(4).toString('hex')}`);
    expect(config).toContain('keyPrefix: parley-test-');
    expect(config).toContain('    minTimeMs: 500 ');
    writeFileSync(join(dir, 'parley.yaml'), config);
    const env = { PARLEY_CONFIG: join(dir, 'parley.yaml'), REDIS_URL };
    const [a, b] = await Promise.all([startInstance(env), startInstance(env)]);
    // Calls counted by the CRM every 200 ms while both instances have work: tweets from many
    // identities keep arriving for 7.5 s, so each instance always has something to send.
    const samples: Array<{ at: number; calls: number }> = [];
    let sampling = true;
    const sampler = (async () => { while (sampling) { samples.push({ at: Date.now(), calls: (await sandbox.stats()).totalCalls }); await new Promise((r) => setTimeout(r, 200)); } })();
    const ids = await postTweets([a, b], 10_000, 150, 75, 50);
    // Watched in the store, not the CRM: reading the CRM would be calls of its own.
    await until('every tweet written', async () => {
      const { rows } = await db.query("SELECT COUNT(*) FILTER (WHERE object = 'SocialPost' AND state = 'done') AS posts, COUNT(*) FILTER (WHERE state IN ('pending', 'leased')) AS open FROM operations");
      return Number(rows[0].posts) >= ids.length && Number(rows[0].open) === 0 ? true : undefined;
    }, 120_000);
    sampling = false;
    await sampler;
    const found = await postsById();
    expect(ids.filter((id) => found.get(id) !== 1), 'tweets not written exactly once').toEqual([]);
    // In any 3 s, at most 3000 / 500 + 1 call starts; +1 for where the samples fall. Each
    // instance on its own limits would make up to twice that.
    let most = 0;
    for (const s of samples) {
      const later = samples.filter((t) => t.at >= s.at && t.at - s.at <= 3_000).at(-1)!;
      most = Math.max(most, later.calls - s.calls);
    }
    expect(most, 'most CRM calls in any 3 s by both instances together').toBeLessThanOrEqual(8);
    expect(samples.at(-1)!.calls - samples[0]!.calls, 'the CRM was called').toBeGreaterThan(10);
  }, 240_000);
});
