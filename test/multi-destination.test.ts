import jsforce from 'jsforce';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSandboxes, type RunningSandboxes } from '../src/sandboxes/serve.ts';
import { salesforceMappingsFor } from './helpers/mapping-copies.ts';
import { sendTrickle, watchPosts } from './helpers/freshness.ts';
import { api, listAll, signX, startParley, tweetDelivery, type TestParley } from './helpers/parley.ts';
import { until } from './helpers/wait.ts';

// Issue 17, item 10: one event goes to every destination whose mappings take it, and results,
// retries, limits, pauses and dead letters are each destination's own. Two destinations use the
// Salesforce connector: `salesforce` (the sandbox Parley mounts) and `crm2` (a second Salesforce
// sandbox, standalone, as `npm run sandboxes` serves it). Faults go into crm2 only.
//
// Why the bounds below catch coupling. While faulty, every crm2 call takes FAULT_LATENCY_MS before
// it fails, and each destination sends one call at a time (`maxConcurrent: 1`). Tweets trickle in
// (20 a second, for less than FAULT_LATENCY_MS), and each one's post must be in the healthy CRM
// within HEALTHY_WITHIN_MS of its operation being planned:
// - with one limiter shared by the two destinations, the healthy calls queue behind a crm2 call
//   that started with the trickle: the first tweets wait about FAULT_LATENCY_MS;
// - with one loop taking the destinations in turn, a healthy round waits for a whole crm2 round
//   (a usage read and two tries of a write, `retry.retries: 1`, FAULT_LATENCY_MS each);
// - with crm2's quota pause shared, the second trickle would wait for the pause to end.
// Each of the three, put into the dispatcher on purpose, failed this test (healthy posts 15 to 31 s
// after planning). Uncoupled they take 0.1 to 0.9 s on this 2-core machine even at a load of 12,
// so HEALTHY_WITHIN_MS, half of FAULT_LATENCY_MS, leaves a wide margin both ways. Measured from
// planning, not from the 200: intake, derivation and planning are shared by every destination by
// design, and under load derivation lags the 200s by seconds (it yields to intake), whichever CRM
// is slow; the 200-to-CRM figure is bench:deliver's, on a quiet machine. It is in the messages.
const FAULT_LATENCY_MS = 10_000;
const HEALTHY_WITHIN_MS = 5_000;
const PEOPLE = 20;
const FIRST_TRICKLE = 100;
const SECOND_TRICKLE = 40;
const PER_SECOND = 20;
const root = process.cwd();
const credentials = { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret' };

let sandboxes: RunningSandboxes;
let parley: TestParley;
let mappingsDir: string;
let sandboxDataDir: string;

beforeAll(async () => {
  sandboxDataDir = mkdtempSync(join(tmpdir(), 'parley-crm2-'));
  sandboxes = await serveSandboxes({ host: '127.0.0.1', port: 0, dataDir: sandboxDataDir, public: false, logger: pino({ level: 'silent' }), cwd: root });
  mappingsDir = mkdtempSync(join(tmpdir(), 'parley-two-crms-mappings-'));
  salesforceMappingsFor(root, mappingsDir, ['crm2']);
  parley = await startParley({
    // Short outbox waits: crm2's retries come back within seconds, so the test sees them.
    extra: { mappingsDir, outbox: { lingerMs: 50, retryStepsMs: [1_000, 2_000] } },
    sandboxes: { salesforce: {} },
    destinations: {
      salesforce: { ...credentials, maxConcurrent: 1 },
      crm2: {
        ...credentials, loginUrl: crm2Url(), maxConcurrent: 1, usageProbeSeconds: 5,
        retry: { retries: 1, minDelayMs: 100, maxDelayMs: 200 },
        // Longer than a burst limit (usage-probe.ts QUOTA_WINDOW_MS): a quota pause, ended by a usage probe once the quota is back.
        rateLimitWaits: { totalRequestsMs: 120_000 },
      },
    },
  });
}, 60_000);

afterAll(async () => {
  // Calls still waiting out an injected latency (after a failure) would hold the stop up.
  if (sandboxes) await fetch(`${crm2Url()}/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined);
  await parley?.stop();
  await sandboxes?.app.close();
  for (const dir of [mappingsDir, sandboxDataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

const crm2Url = () => `${sandboxes.url}/sandbox/salesforce`;
const healthyUrl = () => `${parley.base}/sandbox/salesforce`;

async function faults(sandbox: string, body: Record<string, unknown>) {
  const response = await fetch(`${sandbox}/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
}

async function sandboxStats(sandbox: string) {
  return (await (await fetch(`${sandbox}/_stats`)).json()) as { records: Record<string, number>; errors: Record<string, number>; calls: Record<string, number> };
}

async function outbox(destination: string): Promise<Record<string, number>> {
  return (await api(parley.base, '/v1/outbox/stats', parley.adminKey)).json.destinations[destination] ?? {};
}

async function connector(id: string): Promise<{ id: string; state: string; pausedUntil?: string; lastError?: { code: string } }> {
  return (await api(parley.base, '/v1/connectors', parley.adminKey)).json.items.find((c: { id: string }) => c.id === id);
}

const unsettled = (stats: Record<string, number>) => (stats.pending ?? 0) + (stats.leased ?? 0) + (stats.waiting ?? 0);
const tweetId = (i: number) => String(1_700_000_000_000_000_000n + BigInt(i));

/**
 * Tweets `from`…`from + count - 1` (person `i % PEOPLE` each) at PER_SECOND, watched arriving in
 * the healthy CRM. Resolves with, for each post, ms from its 200 and ms from its operation's
 * planning to its record there (ascending, Infinity for one never seen).
 */
async function trickleToHealthy(from: number, count: number): Promise<{ fromAck: number[]; fromPlan: number[] }> {
  const watch = await watchPosts(healthyUrl());
  const acked = await sendTrickle({
    base: parley.base, count, perSecond: PER_SECOND, onAck: (id) => watch.expect(id),
    item: (i) => ({ body: tweetDelivery(from + i, String(8_000 + ((from + i) % PEOPLE))), postId: tweetId(from + i) }),
    sign: (body) => signX(parley.secret, body),
  });
  const fromAck = await watch.finish(acked, 60_000);
  const planned = new Map((await listAll(parley.base, '/v1/operations?destination=salesforce', parley.adminKey))
    .filter((o) => o.mappingId === 'sf-x-post').map((o) => [String(o.fields.ExternalPostId), Date.parse(o.createdAt)]));
  const fromPlan = [...acked.keys()].map((id) => (watch.seen.get(id) ?? Infinity) - (planned.get(id) ?? Number.NaN)).sort((a, b) => a - b);
  return { fromAck, fromPlan };
}

/** Every SocialPost's ExternalPostId and every SocialPersona's ExternalId in a sandbox, read back with jsforce. */
async function recordsIn(sandbox: string) {
  const conn = new jsforce.Connection({ version: '62.0', loginUrl: sandbox, oauth2: { loginUrl: sandbox, clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } });
  await conn.login('demo@parley.local', 'demo');
  const posts = await conn.sobject('SocialPost').find({}, ['ExternalPostId', 'PersonaId']).execute({ autoFetch: true, maxFetch: 10_000 });
  const personas = await conn.sobject('SocialPersona').find({}, ['ExternalId']).execute({ autoFetch: true, maxFetch: 10_000 });
  return { posts: posts.map((p) => ({ id: p.ExternalPostId as string, persona: p.PersonaId as string | null })), personas: personas.map((p) => p.ExternalId as string) };
}

describe('one event, several CRMs (issue 17, item 10)', () => {
  it('faults in one CRM (slow 503s, quota, a refused record) are its own: the other gets every record on time; once cleared, the faulty one gets each record once', async () => {
    await until('both destinations ready', async () => ((await connector('salesforce'))?.state === 'ready' && (await connector('crm2'))?.state === 'ready' ? true : undefined), 30_000);

    // 1. Every crm2 call is slow and then fails (503): its records are retried; salesforce's arrive on time.
    await faults(crm2Url(), { latencyMs: FAULT_LATENCY_MS, errors: { 503: 1 } });
    const first = await trickleToHealthy(0, FIRST_TRICKLE);
    expect(first.fromPlan.at(-1), `ms from planning to the healthy CRM, at most (from the 200: ${first.fromAck.at(-1)})`).toBeLessThan(HEALTHY_WITHIN_MS);
    expect((await sandboxStats(crm2Url())).records.SocialPost ?? 0, 'crm2 took nothing meanwhile').toBe(0);
    // Failing fast from now on, so that its retries show sooner (the calls already waiting still take their time).
    await faults(crm2Url(), { errors: { 503: 1 } });
    const retried = await until('crm2 operations retried after its 503s', async () => {
      const items = await listAll(parley.base, '/v1/operations?destination=crm2&state=pending', parley.adminKey);
      const failed = items.filter((o) => o.attempts >= 1 && o.lastError?.class === 'retryable');
      return failed.length > 0 ? failed : undefined;
    }, 4 * FAULT_LATENCY_MS);
    expect(retried[0]!.mappingId).toMatch(/^crm2-/);

    // 2. crm2 runs out of quota (REQUEST_LIMIT_EXCEEDED): crm2 alone pauses; a second trickle still reaches salesforce on time.
    await faults(crm2Url(), { errors: { REQUEST_LIMIT_EXCEEDED: 1 } });
    const paused = await until('crm2 paused for its quota', async () => {
      const status = await connector('crm2');
      return status.state === 'paused' ? status : undefined;
    }, 3 * FAULT_LATENCY_MS);
    expect(Date.parse(paused.pausedUntil!) - Date.now()).toBeGreaterThan(60_000);
    const second = await trickleToHealthy(FIRST_TRICKLE, SECOND_TRICKLE);
    expect(second.fromPlan.at(-1), `ms from planning to the healthy CRM, at most (from the 200: ${second.fromAck.at(-1)})`).toBeLessThan(HEALTHY_WITHIN_MS);
    expect((await connector('crm2')).state, 'crm2 still paused meanwhile').toBe('paused');
    const healthy = await connector('salesforce');
    expect(healthy.state).toBe('ready');
    expect(healthy.pausedUntil).toBeUndefined();
    expect(healthy.lastError).toBeUndefined();

    // 3. The quota is back, but an org rule of crm2's refuses one post: a dead letter of crm2's only.
    // A person's second post, so that nothing else (the persona's parent) depends on it.
    const refused = tweetId(PEOPLE + 3);
    await faults(crm2Url(), { rules: [{ object: 'SocialPost', field: 'ExternalPostId', equals: refused }] });
    await until('crm2 resumed and settled, one operation dead', async () => {
      const stats = await outbox('crm2');
      return unsettled(stats) === 0 && (stats.dead ?? 0) > 0 ? stats : undefined;
    }, 60_000);
    const dead = await listAll(parley.base, '/v1/operations?state=dead', parley.adminKey);
    expect(dead.map((o) => ({ destination: o.destination, mapping: o.mappingId, value: o.matchValue ?? o.fields.ExternalPostId, code: o.lastError?.code })))
      .toEqual([{ destination: 'crm2', mapping: 'crm2-x-post', value: refused, code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' }]);
    const letters = await listAll(parley.base, '/v1/dead-letters?stage=delivery', parley.adminKey);
    expect(letters.map((l) => l.operationId)).toEqual([dead[0]!.id]);
    // salesforce: nothing dead, nothing retried, no error answered by its CRM.
    expect((await outbox('salesforce')).dead ?? 0).toBe(0);
    const healthyOps = await listAll(parley.base, '/v1/operations?destination=salesforce', parley.adminKey);
    expect(healthyOps.filter((o) => ['retryable', 'rate-limited', 'permanent'].includes(o.lastError?.class as string))).toEqual([]);
    expect((await sandboxStats(healthyUrl())).errors).toEqual({});

    // 4. The rule lifted and crm2's dead letters replayed: crm2 has each record exactly once.
    await faults(crm2Url(), {});
    const replay = await api(parley.base, '/v1/dead-letters/replay', parley.adminKey, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ destination: 'crm2' }) });
    expect(replay.json.replayed).toEqual([letters[0]!.id]);
    await until('crm2 settled with nothing dead', async () => {
      const stats = await outbox('crm2');
      return unsettled(stats) === 0 && (stats.dead ?? 0) === 0 ? stats : undefined;
    }, 30_000);
    const all = Array.from({ length: FIRST_TRICKLE + SECOND_TRICKLE }, (_, i) => tweetId(i)).sort();
    const people = Array.from({ length: PEOPLE }, (_, i) => String(8_000 + i)).sort();
    for (const sandbox of [crm2Url(), healthyUrl()]) {
      const { posts, personas } = await recordsIn(sandbox);
      expect(posts.map((p) => p.id).sort(), `${sandbox}: each post once`).toEqual(all);
      expect(personas.sort(), `${sandbox}: each persona once`).toEqual(people);
      expect(posts.filter((p) => !p.persona), `${sandbox}: every post linked to its persona`).toEqual([]);
    }
  }, 240_000);
});
