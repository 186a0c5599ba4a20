// npm run bench:instances — several instances (issue 19, item 7): intake (signed X deliveries/s,
// autocannon over loopback, as bench:intake sends them) and delivery (records written/s into the
// Salesforce sandbox of `npm run sandboxes`, 50 ms per call) with one and three instances on one
// PostgreSQL database, and one instance on SQLite beside them, in one run. Every setup starts fresh
// (its own database, data folders and sandbox counts) and runs three phases:
// 1. connect: one instance (all roles) connects to the sandbox once, so the data folders keep its
//    catalog (planning needs it) — then stops;
// 2. intake: N instances with PARLEY_ROLES=intake,planner (nothing is sent to the CRM: the outbox
//    fills), CONNECTIONS connections split among them, SECONDS of load after a warm-up; then the
//    derivation and planning catch up (at most 45 s: what is planned by then is the backlog);
// 3. delivery: the same data, N instances with PARLEY_ROLES=dispatcher send the planned backlog;
//    operations written per second (Parley's parley_dispatch_batch_records) over BENCH_DELIVERY_SECONDS
//    from when all N answer /health, and the records the sandbox created meanwhile.
// CPU is read from /proc during the intake load, per process (Parley instances, PostgreSQL, the
// load generator) and for the machine, to say what a 2-core machine allows. Instances share a
// redis-server of the run's own (the CRM's limits are shared, as in production).
// Environment: BENCH_SECONDS [8], BENCH_CONNECTIONS [48], BENCH_SETUPS [sqlite-1,postgres-1,postgres-3],
// BENCH_LATENCY_MS [50], BENCH_DELIVERY_SECONDS [20], BENCH_IDENTITIES [50000], BENCH_WRITE=0 (print only).
import autocannon from 'autocannon';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, freePort } from '../test/helpers/processes.ts';
import { cleanup, createDatabase, instanceConfig, outboxStates, ParleyInstance, RedisServer, salesforceFaults, salesforceStats, sleep, snapshotCheckout, startSandboxes, tempDir, waitReady } from './chaos/cluster.ts';
import { coresBetween, cpuSnapshot } from './chaos/cpu.ts';
import { commandLine, load, machine, writeSection } from './chaos/report.ts';
import { signX, syntheticTweet } from './synthetic-x.ts';

const env = process.env;
const SECONDS = Number(env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 48);
const LATENCY_MS = Number(env.BENCH_LATENCY_MS ?? 50);
const DELIVERY_SECONDS = Number(env.BENCH_DELIVERY_SECONDS ?? 20);
// Longest wait for derivation and planning to catch up after a load (the run must stay within ~8 min).
const CATCH_UP_SECONDS = 45;
const SETUPS = (env.BENCH_SETUPS ?? 'sqlite-1,postgres-1,postgres-3').split(',').map((s) => {
  const match = /^(sqlite|postgres)-(\d+)$/.exec(s.trim());
  if (!match || (match[1] === 'sqlite' && match[2] !== '1')) throw new Error(`BENCH_SETUPS: "${s}" is not sqlite-1 or postgres-<n>`);
  return { store: match[1] as 'sqlite' | 'postgres', instances: Number(match[2]) };
});
const checkout = new URL('..', import.meta.url).pathname;
const adminKey = 'bench-admin-' + randomBytes(8).toString('hex');
const xSecret = randomBytes(16).toString('hex');
const loadAtStart = load();

// Unique bodies (a repeat would be stored, then deduplicated): the run says when they ran out.
const BODIES = 150_000;
// Authors: many, so that the backlog is mostly first posts and new personas (as bench:deliver's
// backlog is), not long runs of updates to one persona, which the outbox sends one after the other.
const IDENTITIES = Number(env.BENCH_IDENTITIES ?? 50_000);
const bodies = Array.from({ length: BODIES }, (_, i) => syntheticTweet(i, String(900_000_000 + (i % IDENTITIES))));
const signatures = bodies.map((b) => signX(xSecret, b));
let nextBody = 0;

interface Load { rps: number; p50: number; p99: number; ok: number; bad: number }

/** SECONDS of load on every instance at once, CONNECTIONS split among them; the runs' sums (latency: the worst instance's). */
async function intakeLoad(instances: readonly ParleyInstance[], seconds: number): Promise<Load> {
  const each = Math.max(1, Math.round(CONNECTIONS / instances.length));
  const runs = await Promise.all(instances.map((instance) => new Promise<Load>((resolve, reject) => {
    autocannon({
      url: instance.base, connections: each, duration: seconds,
      requests: [{ method: 'POST', path: '/webhooks/x', setupRequest: (req) => {
        const i = nextBody++ % BODIES;
        return { ...req, body: bodies[i]!, headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signatures[i]! } };
      } }],
    }, (err, r) => err ? reject(err) : resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, ok: r['2xx'], bad: r.non2xx + r.errors + r.timeouts }));
  })));
  return runs.reduce((a, r) => ({ rps: a.rps + r.rps, p50: Math.max(a.p50, r.p50), p99: Math.max(a.p99, r.p99), ok: a.ok + r.ok, bad: a.bad + r.bad }));
}

/** A number from an instance's /metrics (the first sample of `name`), or NaN. */
async function metric(instance: ParleyInstance, name: string): Promise<number> {
  const text = await (await fetch(`${instance.base}/metrics`)).text();
  return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
}

/**
 * Waits, at most `maxSeconds`, until nothing is left to derive and the outbox stops growing
 * (planning caught up). @returns seconds waited, or undefined when it had not caught up by then
 */
async function catchUp(instances: readonly ParleyInstance[], maxSeconds: number): Promise<number | undefined> {
  const started = Date.now();
  let last = -1;
  let steady = 0;
  while (Date.now() - started < maxSeconds * 1000) {
    const pending = Math.max(...await Promise.all(instances.map((i) => metric(i, 'parley_intake_pending_deliveries'))));
    const states = await outboxStates(instances[0]!.base, adminKey);
    const total = Object.values(states).reduce((a, b) => a + b, 0);
    steady = pending === 0 && total === last ? steady + 1 : 0;
    if (steady >= 3) return (Date.now() - started) / 1000;
    last = total;
    await sleep(1_000);
  }
  return undefined;
}

/** Operations the instances sent in write batches so far (parley_dispatch_batch_records_sum, merged operations once), summed. */
async function operationsSent(instances: readonly ParleyInstance[]): Promise<number> {
  const sums = await Promise.all(instances.map((i) => metric(i, 'parley_dispatch_batch_records_sum')));
  return sums.reduce((a, b) => a + (Number.isNaN(b) ? 0 : b), 0);
}

interface SetupResult {
  label: string;
  intake: Load;
  cores: Map<string, number>;
  machineCores: number;
  /** Seconds derivation and planning took to catch up after the load; undefined: not within CATCH_UP_SECONDS. */
  catchUpSeconds: number | undefined;
  /** Operations pending in the outbox when the dispatchers started. */
  queued: number;
  /** Operations written (Parley's count) and records created (the sandbox's), calls, over `deliverySeconds`. */
  operations: number;
  created: number;
  writeCalls: number;
  deliverySeconds: number;
  operationsPerSecond: number;
  /** More deliveries were sent than there are unique bodies. */
  repeated: boolean;
}

async function runSetup(root: string, sandboxes: { salesforce: string; child: ChildProcess }, redis: RedisServer, setup: (typeof SETUPS)[number]): Promise<SetupResult> {
  const label = `${setup.store === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${setup.instances} instance${setup.instances > 1 ? 's' : ''}`;
  process.stderr.write(`bench:instances: ${label}\n`);
  nextBody = 0;
  const database = setup.store === 'postgres' ? createDatabase('bench') : undefined;
  const config = instanceConfig(root, tempDir('parley-bench-config-'));
  const dirs = Array.from({ length: setup.instances }, () => tempDir('parley-bench-instance-'));
  const make = async (roles: string) => Promise.all(dirs.map(async (dir, i) => new ParleyInstance(`${label} #${i + 1}`, await freePort(), dir, {
    root, config, adminKey, xSecret, roles, salesforceLoginUrl: sandboxes.salesforce, redisUrl: redis.url, ...(database ? { databaseUrl: database.url } : {}),
  })));
  const stopAll = (instances: readonly ParleyInstance[]) => Promise.all(instances.map((i) => i.kill()));

  // 1. connect once, keep the catalog in every data folder.
  const [first] = await make('all');
  await first!.start();
  await waitReady([first!], adminKey);
  await stopAll([first!]);
  for (const dir of dirs.slice(1)) {
    mkdirSync(join(dir, 'catalogs'), { recursive: true });
    copyFileSync(join(dirs[0]!, 'catalogs', 'salesforce.json'), join(dir, 'catalogs', 'salesforce.json'));
  }

  // 2. intake, the outbox filling.
  const takers = await make('intake,planner');
  await takers[0]!.start();
  await Promise.all(takers.slice(1).map((i) => i.start()));
  await intakeLoad(takers, 2); // warm-up: JIT, connections, caches
  await catchUp(takers, CATCH_UP_SECONDS);
  const groups = new Map<number, string>([...takers.map((t) => [t.child!.pid!, 'parley'] as const), [sandboxes.child.pid!, 'sandboxes'], [redis.child!.pid!, 'redis']]);
  const before = cpuSnapshot(groups);
  const ownBefore = process.cpuUsage();
  const intake = await intakeLoad(takers, SECONDS);
  const after = cpuSnapshot(groups);
  const own = process.cpuUsage(ownBefore);
  const { cores, machineCores, wallSeconds } = coresBetween(before, after);
  cores.set('load generator', (own.user + own.system) / 1e6 / wallSeconds);
  // Everything else on the machine: other people's processes on a shared machine, the kernel.
  cores.set('other', machineCores - [...cores.values()].reduce((a, b) => a + b, 0));
  const repeated = nextBody > BODIES;
  const catchUpSeconds = await catchUp(takers, CATCH_UP_SECONDS);
  const queued = (await outboxStates(takers[0]!.base, adminKey)).pending ?? 0;
  await stopAll(takers);

  // 3. delivery: only dispatchers (nothing derived or planned meanwhile) send what was planned,
  // counted over DELIVERY_SECONDS from when all of them answer /health.
  await salesforceFaults(sandboxes.salesforce, { latencyMs: LATENCY_MS });
  const senders = await make('dispatcher');
  await Promise.all(senders.map((i) => i.start()));
  const startStats = await salesforceStats(sandboxes.salesforce);
  const startSent = await operationsSent(senders);
  const started = Date.now();
  while (Date.now() - started < DELIVERY_SECONDS * 1000) {
    const states = await outboxStates(senders[0]!.base, adminKey);
    if ((states.pending ?? 0) + (states.leased ?? 0) + (states.waiting ?? 0) === 0) break;
    await sleep(200);
  }
  const deliverySeconds = (Date.now() - started) / 1000;
  const endStats = await salesforceStats(sandboxes.salesforce);
  const operations = await operationsSent(senders) - startSent;
  await stopAll(senders);
  const created = (o: string) => (endStats.records[o] ?? 0) - (startStats.records[o] ?? 0);
  const writes = (s: typeof endStats) => Object.entries(s.calls).filter(([k]) => /^(POST|PATCH) \/composite/.test(k)).reduce((n, [, v]) => n + v, 0);
  return {
    label, intake, cores, machineCores, catchUpSeconds, queued, operations, created: created('SocialPost') + created('SocialPersona'),
    writeCalls: writes(endStats) - writes(startStats), deliverySeconds, operationsPerSecond: operations / deliverySeconds, repeated,
  };
}

// Ctrl-C or a kill ends what the run started.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => { void cleanup().then(() => process.exit(130)); });

try {
  const root = snapshotCheckout(checkout);
  await ensureBuilt(root);
  const redis = new RedisServer(await freePort());
  await redis.start();
  const sandboxes = await startSandboxes(root);
  const results: SetupResult[] = [];
  for (const setup of SETUPS) results.push(await runSetup(root, sandboxes, redis, setup));

  const pad = (s: string, n: number) => s.padEnd(n);
  const cores = (r: SetupResult, label: string) => (r.cores.get(label) ?? 0).toFixed(2);
  const width = Math.max(...results.map((r) => r.label.length)) + 2;
  const lines = [
    `bench:instances — ${machine()}, load average ${loadAtStart} at the start, ${load()} at the end`,
    `  intake: unique signed X deliveries from ${IDENTITIES} authors, ${CONNECTIONS} connections split among the instances (PARLEY_ROLES=intake,planner), ${SECONDS} s after a 2 s warm-up; cores = CPU seconds per second of load, from /proc (PostgreSQL: every backend on the server; other: the rest of the machine)`,
    `  delivery: PARLEY_ROLES=dispatcher on the planned backlog, ${DELIVERY_SECONDS} s from when all answer /health; Salesforce sandbox ${LATENCY_MS} ms per call; limits shared through Redis`,
    `${pad('', width)}${pad('intake req/s', 14)}${pad('p99 ms', 8)}${pad('Parley', 8)}${pad('PostgreSQL', 12)}${pad('load gen.', 11)}${pad('other', 7)}${pad('machine', 9)}${pad('caught up', 11)}| ${pad('operations/s', 14)}${pad('records created/s', 19)}${pad('write calls', 13)}operations per call`,
    ...results.map((r) => `${pad(r.label, width)}${pad(r.intake.rps.toFixed(0), 14)}${pad(String(r.intake.p99), 8)}${pad(cores(r, 'parley'), 8)}${pad(cores(r, 'postgres'), 12)}${pad(cores(r, 'load generator'), 11)}${pad(cores(r, 'other'), 7)}${pad(r.machineCores.toFixed(2), 9)}`
      + `${pad(r.catchUpSeconds === undefined ? `> ${CATCH_UP_SECONDS} s` : `${r.catchUpSeconds.toFixed(0)} s`, 11)}| ${pad(r.operationsPerSecond.toFixed(0), 14)}${pad((r.created / r.deliverySeconds).toFixed(0), 19)}${pad(String(r.writeCalls), 13)}${(r.operations / Math.max(1, r.writeCalls)).toFixed(1)}`),
  ];
  const one = results.find((r) => r.label === 'PostgreSQL, 1 instance');
  const three = results.find((r) => r.label === 'PostgreSQL, 3 instances');
  if (one && three) {
    // The run's own processes only: on a shared machine, `other` is someone else's load.
    const ours = (r: SetupResult) => r.machineCores - (r.cores.get('other') ?? 0);
    const perRequest = (r: SetupResult) => ours(r) / r.intake.rps * 1e6;
    lines.push(
      `  3 instances vs 1 on PostgreSQL: intake ×${(three.intake.rps / one.intake.rps).toFixed(2)} (target ≥ 2.5 where the machine allows), delivery ×${(three.operationsPerSecond / one.operationsPerSecond).toFixed(2)}`,
      `  CPU per accepted delivery (this run's processes: Parley, PostgreSQL, load generator, sandbox, Redis): ${perRequest(one).toFixed(0)} µs with 1 instance, ${perRequest(three).toFixed(0)} µs with 3; they kept ${ours(one).toFixed(2)} and ${ours(three).toFixed(2)} of ${cpus().length} cores busy`,
      `  what ${cpus().length} cores allow: at 1 instance's CPU per delivery, ${(cpus().length / perRequest(one) * 1e6).toFixed(0)} req/s (×${(cpus().length / ours(one)).toFixed(2)} of 1 instance); ×2.5 (${(2.5 * one.intake.rps).toFixed(0)} req/s) needs ${(2.5 * ours(one)).toFixed(1)} cores at that cost, ${(2.5 * one.intake.rps * perRequest(three) / 1e6).toFixed(1)} at 3 instances' cost`,
    );
  }
  for (const r of results) lines.push(`  ${r.label}: ${r.queued} operations queued for the dispatchers${r.repeated ? `; bodies repeated after the first ${BODIES} (stored again, events deduplicated)` : ''}${r.deliverySeconds < DELIVERY_SECONDS - 0.5 ? `, drained in ${r.deliverySeconds.toFixed(1)} s` : ''}${r.intake.bad > 0 ? `; ${r.intake.bad} deliveries not answered 2xx` : ''}`);
  console.log(lines.join('\n'));
  if (env.BENCH_WRITE !== '0') {
    writeSection(checkout, {
      marker: '<!-- bench:instances -->', heading: '## Several instances (`npm run bench:instances`)',
      description: [
        'Intake and delivery with one and three instances on one PostgreSQL database, and one on SQLite beside',
        'them (bench/instances.ts says how each phase runs). The cores columns are CPU time over the intake',
        'load\'s wall time, read from /proc: the Parley instances, every PostgreSQL process, this benchmark\'s own',
        'process (autocannon), the rest of the machine, and the whole machine.',
      ].join('\n'),
      command: commandLine('bench:instances', 'BENCH_'), text: lines.join('\n'),
    });
  }
  await cleanup();
} catch (err) {
  process.stderr.write(`bench:instances failed: ${(err as Error).stack ?? String(err)}\n`);
  await cleanup();
  process.exit(1);
}
