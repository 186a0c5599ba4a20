// npm run bench:resync — a big resync to the built-in Salesforce sandbox, in bulk and per record,
// with live deliveries flowing meanwhile (issue 20, part 7):
// - fill (once): BENCH_TWEETS X tweets from BENCH_IDENTITIES people signed and POSTed to a Parley
//   in this process, 16 at a time, and delivered live to the sandbox (each tweet is two stored
//   events: its author's profile and its post; 50,000 tweets = 100,000 events). Intake, not the
//   store directly: the events are what production would keep, and it takes about two minutes.
// - then per case, on its own copy of that data folder, a Parley in its own process (the bench's
//   client and SOQL watcher do not share its event loop): `POST /v1/resyncs` of every X event, while
//   BENCH_RATE live tweets a second keep arriving, until the job is done.
//   `bulk`: the default threshold (the connector's 2,000); `per-record`: `bulkMinRecords` above
//   any job (every resync write an sObject Collections call of ≤ 200).
// Reports per case: time, records written per API call, the live tweets' freshness (p50/p99 from
// each 200 to its SocialPost readable by SOQL, as bench:deliver measures it), and the daily API
// budget used against its reserve (`budgetReserve` 0.1 of the sandbox's daily limit).
// Writes its block of BENCHMARKS.md (BENCH_WRITE=0: print only). Loopback only; bounded: a case
// that does not finish within BENCH_TIMEOUT_S (default 600) fails the run.
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { stringify } from 'yaml';
import { readEnvironment } from '../src/config/environment.ts';
import { start } from '../src/start.ts';
import { quantile, sendTrickle, watchPosts } from '../test/helpers/freshness.ts';
import { listAll } from '../test/helpers/parley.ts';
import { spawnParley } from '../test/helpers/processes.ts';
import { outboxStats, sandboxFaults, sandboxStats, stopParley, type SandboxStats } from './deliver-config.ts';
import { signX, syntheticTweet } from './synthetic-x.ts';

const env = process.env;
const number = (name: string, fallback: number) => Number(env[name] ?? fallback);
const sizes = { tweets: number('BENCH_TWEETS', 50_000), identities: number('BENCH_IDENTITIES', 5_000), perSecond: number('BENCH_RATE', 5), latencyMs: number('BENCH_LATENCY_MS', 50) };
const ISSUE_SIZES = { tweets: 50_000, identities: 5_000, perSecond: 5, latencyMs: 50 };
const timeoutMs = number('BENCH_TIMEOUT_S', 600) * 1000;
const BUDGET_RESERVE = 0.1;
const root = new URL('..', import.meta.url).pathname;
const xSecret = randomBytes(16).toString('hex');
const adminKey = 'bench-admin-' + randomBytes(8).toString('hex');
const sign = (body: string | Buffer) => signX(xSecret, Buffer.from(body));
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` answers something, polling every 200 ms. @throws Error naming `what` after `ms` */
async function until<T>(what: string, check: () => Promise<T | undefined>, ms = timeoutMs): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(200);
  }
}

/** `parley.yaml` in `dataDir`: the shipped mappings, the X source, the Salesforce sandbox (records kept in a file), `bulkMinRecords` when given. */
function writeConfig(dataDir: string, name: string, bulkMinRecords?: number): string {
  const config = {
    mappingsDir: join(root, 'mappings'),
    apiKeys: [{ name: 'admin', key: adminKey, scope: 'admin' }],
    sources: { x: { connector: 'x', consumerSecret: xSecret } },
    destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret', budgetReserve: BUDGET_RESERVE, ...(bulkMinRecords ? { bulkMinRecords } : {}) } },
    sandboxes: { salesforce: { file: 'salesforce-sandbox.json' } },
  };
  const path = join(dataDir, name);
  writeFileSync(path, stringify(config));
  return path;
}

/** Every operation of the destination delivered (and at least one). */
const drained = async (base: string) => {
  const s = await outboxStats(base, adminKey, 'salesforce');
  return (s.done ?? 0) > 0 && (s.pending ?? 0) + (s.leased ?? 0) + (s.waiting ?? 0) === 0 ? s : undefined;
};

/** The fill: every tweet taken in and delivered live, in a Parley in this process; the data folder kept. */
async function fill(dataDir: string): Promise<string> {
  const { environment } = readEnvironment({ PORT: '0', HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, PARLEY_CONFIG: writeConfig(dataDir, 'parley-fill.yaml'), LOG_LEVEL: 'error' });
  const parley = await start(environment);
  const started = performance.now();
  try {
    await sandboxFaults(parley.address, 'salesforce', { latencyMs: 0 });
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < sizes.tweets) {
        const i = next++;
        const body = syntheticTweet(i, String(900_000_000 + (i % sizes.identities)));
        const response = await fetch(`${parley.address}/webhooks/x`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': sign(body) }, body: new Uint8Array(body) });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`delivery answered ${response.status}`);
      }
    }));
    await until('every tweet in the sandbox', async () => ((await sandboxStats(parley.address, 'salesforce')).records.SocialPost === sizes.tweets ? true : undefined));
    await until('the outbox drained', () => drained(parley.address));
  } finally {
    await parley.stop();
  }
  return `fill: ${sizes.tweets} tweets from ${sizes.identities} people (${2 * sizes.tweets} stored events) taken in and delivered live in ${seconds(performance.now() - started)} s`;
}

/** What one case measured. */
interface CaseResult { name: string; lines: string[] }

/** A live tweet of the trickle: new people (the fill's ids are below 70,000,000), one post each. */
const liveTweet = (i: number) => ({ body: syntheticTweet(70_000_001 + i, String(930_000_000 + (i % 50))), postId: String(1_800_000_000_000_000_000n + BigInt(70_000_001 + i)) });

async function runCase(filled: string, name: 'bulk' | 'per-record'): Promise<CaseResult> {
  const dataDir = mkdtempSync(join(tmpdir(), `parley-bench-resync-${name}-`));
  let child: ChildProcess | undefined;
  try {
    cpSync(filled, dataDir, { recursive: true });
    // Per record: a threshold no group reaches (a job holds at most 10,000).
    const configPath = writeConfig(dataDir, `parley-${name}.yaml`, name === 'per-record' ? 1_000_000_000 : undefined);
    const spawned = await spawnParley({ PARLEY_DATA_DIR: dataDir, PARLEY_CONFIG: configPath });
    child = spawned.child;
    const base = spawned.base;
    // The day's usage from zero: what the case spends is what `_faults.apiUsage` says afterwards.
    await sandboxFaults(base, 'salesforce', { latencyMs: sizes.latencyMs, apiUsage: 0 });
    // Warm-up: one live tweet delivered (the destination connected), outside the figures.
    const warm = liveTweet(-1);
    const answer = await fetch(`${base}/webhooks/x`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': sign(warm.body) }, body: new Uint8Array(warm.body) });
    if (answer.status !== 200) throw new Error(`the warm-up delivery answered ${answer.status}`);
    await until('the warm-up tweet delivered', () => drained(base));

    const watch = await watchPosts(`${base}/sandbox/salesforce`, 250);
    const before = await sandboxStats(base, 'salesforce');
    const started = performance.now();
    const asked = await fetch(`${base}/v1/resyncs`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ scope: { network: 'x' }, destinations: ['salesforce'] }) });
    if (asked.status !== 202) throw new Error(`POST /v1/resyncs answered ${asked.status}: ${await asked.text()}`);
    const { id } = await asked.json() as { id: string };
    let job: { state: string; counts: Record<string, number>; events: { done: number } } | undefined;
    let finishedAt = 0;
    const poll = (async () => {
      job = await until('the resync to end', async () => {
        const now = await (await fetch(`${base}/v1/resyncs/${id}`, { headers: { authorization: `Bearer ${adminKey}` } })).json() as NonNullable<typeof job>;
        return ['done', 'cancelled', 'failed'].includes(now.state) ? now : undefined;
      });
      finishedAt = performance.now();
    })();
    // The live trickle, a second's worth at a time, for as long as the resync runs.
    const acked = new Map<string, number>();
    let sent = 0;
    while (finishedAt === 0) {
      const offset = sent;
      const second = await sendTrickle({ base, count: sizes.perSecond, perSecond: sizes.perSecond, sign, onAck: (postId) => watch.expect(postId), item: (i) => liveTweet(offset + i) });
      for (const [postId, at] of second) acked.set(postId, at);
      sent += sizes.perSecond;
      if (performance.now() - started > timeoutMs) break;
    }
    await poll;
    const latencies = await watch.finish(acked, 60_000);
    const after = await sandboxStats(base, 'salesforce');
    const usage = await (await fetch(`${base}/sandbox/salesforce/_faults`)).json() as { apiUsage: number; dailyLimit: number };
    // Where the live tweets' time went (after the figures: the list is every operation, resync's included):
    // from the 200 to its operation planned, and from then to its record in the CRM.
    const planned = new Map((await listAll(base, '/v1/operations?destination=salesforce', adminKey))
      .filter((o) => o.mappingId === 'sf-x-post' && o.resyncId === undefined && acked.has(String(o.fields.ExternalPostId)))
      .map((o) => [String(o.fields.ExternalPostId), Date.parse(String(o.createdAt))]));
    const toPlan = [...acked].map(([postId, at]) => (planned.get(postId) ?? Infinity) - at).sort((a, b) => a - b);
    const toCrm = [...acked.keys()].map((postId) => (watch.seen.get(postId) ?? Infinity) - (planned.get(postId) ?? Infinity)).filter((ms) => !Number.isNaN(ms)).sort((a, b) => a - b);
    const split = `    of which from the 200 to its operation planned: p50 ${seconds(quantile(toPlan, 0.5))} s, p99 ${seconds(quantile(toPlan, 0.99))} s; from planned to the CRM: p50 ${seconds(quantile(toCrm, 0.5))} s, p99 ${seconds(quantile(toCrm, 0.99))} s`;
    const lines = report(name, { job: job!, ms: finishedAt - started, before, after, latencies, live: acked.size, usage });
    return { name, lines: [...lines.slice(0, 4), split, ...lines.slice(4)] };
  } finally {
    await stopParley(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A case's lines, from what it measured. */
function report(name: string, m: { job: { state: string; counts: Record<string, number>; events: { done: number } }; ms: number; before: SandboxStats; after: SandboxStats; latencies: number[]; live: number; usage: { apiUsage: number; dailyLimit: number } }): string[] {
  const calls = (key: RegExp) => Object.keys(m.after.calls).filter((k) => key.test(k)).reduce((n, k) => n + (m.after.calls[k] ?? 0) - (m.before.calls[k] ?? 0), 0);
  const all = m.after.totalCalls - m.before.totalCalls;
  // The watcher's SOQL reads are the bench's, not Parley's (Parley's own look-ups are rare here: no outcome is unknown).
  const watcher = calls(/^GET \/query/);
  const parley = all - watcher;
  const ingest = calls(/\/jobs\/ingest/);
  const jobs = calls(/^POST \/jobs\/ingest$/);
  const composite = calls(/\/composite/);
  const written = m.job.counts.written ?? 0;
  const budget = Math.floor(m.usage.dailyLimit * (1 - BUDGET_RESERVE));
  const unseen = m.latencies.filter((ms) => ms === Infinity).length;
  return [
    `${name}: resync of every X event (${m.job.events.done} events) ${m.job.state} in ${seconds(m.ms)} s: ${JSON.stringify(m.job.counts)}`,
    `  API calls while it ran: ${all}, of which Parley's ${parley} (${jobs} ingest jobs in ${ingest} /jobs/ingest calls, ${composite} sObject Collections calls) and the bench's SOQL watcher ${watcher}`,
    `  operations written per Parley API call: ${(written / Math.max(1, parley)).toFixed(1)} (the job's ${written} operations written, a person's profile writes merged into one; the live tweets' calls counted too)`,
    `  live tweets meanwhile: ${m.live} at ${sizes.perSecond}/s; freshness from each 200 to its SocialPost readable by SOQL: p50 ${seconds(quantile(m.latencies, 0.5))} s, p99 ${seconds(quantile(m.latencies, 0.99))} s, max ${seconds(m.latencies.at(-1) ?? 0)} s${unseen > 0 ? `; ${unseen} never seen within 60 s` : ''}`,
    `  daily API budget: ${m.usage.apiUsage} of ${m.usage.dailyLimit} calls used (watcher included), ${budget - m.usage.apiUsage} left above the ${BUDGET_RESERVE * 100} % reserve (${m.usage.dailyLimit - budget} calls) — reserve ${m.usage.apiUsage <= budget ? 'kept' : 'NOT kept'}`,
  ];
}

const reduced = (Object.keys(ISSUE_SIZES) as Array<keyof typeof sizes>).filter((k) => sizes[k] !== ISSUE_SIZES[k]);
const settings = Object.entries(env).filter(([k]) => k.startsWith('BENCH_') && k !== 'BENCH_WRITE').map(([k, v]) => `${k}=${v} `).join('');
const lines = [
  `bench:resync — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, load average ${loadavg()[0]!.toFixed(1)} at the start; ${sizes.latencyMs} ms sandbox latency per call during the resyncs`,
  ...(reduced.length > 0 ? [`  REDUCED RUN (${reduced.map((k) => `${k} ${sizes[k]}`).join(', ')}): a check that the bench works, not the benchmark's figures`] : []),
];
const filled = mkdtempSync(join(tmpdir(), 'parley-bench-resync-fill-'));
try {
  lines.push(await fill(filled));
  console.log(lines.join('\n'));
  for (const name of ['bulk', 'per-record'] as const) {
    const result = await runCase(filled, name);
    console.log(result.lines.join('\n'));
    lines.push(...result.lines);
  }
} finally {
  rmSync(filled, { recursive: true, force: true });
}

if (env.BENCH_WRITE !== '0') {
  const marker = '<!-- bench:resync -->';
  const file = join(root, 'BENCHMARKS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const section = `${marker}\n\`\`\`\n$ ${settings}npm run bench:resync\n${lines.join('\n')}\n\`\`\`\n${marker}`;
  const block = new RegExp(`${marker}[\\s\\S]*?${marker}`);
  writeFileSync(file, block.test(current) ? current.replace(block, () => section)
    : `${current.trimEnd()}\n\n${current.includes('## Resyncs in bulk (`npm run bench:resync`)') ? '' : '## Resyncs in bulk (`npm run bench:resync`)\n\n'}${section}\n`);
}
