// npm run bench:intake — durable signed intake vs a bare Fastify route, in one run, over loopback.
// Prints throughput of both, their ratio, p50/p99 latency, Parley's peak RSS and how long derivation
// took to catch up afterwards; writes the figures to BENCHMARKS.md.
import autocannon from 'autocannon';
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, serviceProcessId, waitForHealth } from '../test/helpers/processes.ts';
import { signX, syntheticTweet } from './synthetic-x.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// `full` (the shipped parley.yaml) or `normal`: the shipped config with store.sqlite.synchronous changed.
const SYNCHRONOUS = process.env.BENCH_SYNCHRONOUS ?? 'full';
if (SYNCHRONOUS !== 'full' && SYNCHRONOUS !== 'normal') throw new Error('BENCH_SYNCHRONOUS must be full or normal');
const CONNECTIONS = 50;
const root = new URL('..', import.meta.url).pathname;

interface Run { rps: number; p50: number; p99: number; ok: number; bad: number }

function load(port: number, bodies: Buffer[], sign: (b: Buffer) => Record<string, string>, seconds: number): Promise<Run> {
  let i = 0;
  return new Promise((resolve, reject) => {
    autocannon({
      url: `http://127.0.0.1:${port}`, connections: CONNECTIONS, duration: seconds,
      requests: [{ method: 'POST', path: '/webhooks/x', setupRequest: (req) => {
        const body = bodies[i++ % bodies.length]!;
        return { ...req, body, headers: { 'content-type': 'application/json', ...sign(body) } };
      } }],
    }, (err, r) => err ? reject(err) : resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, ok: r['2xx'], bad: r.non2xx + r.errors + r.timeouts }));
  });
}

/** Resident set size from /proc, in MB: `VmRSS` now or `VmHWM`, the peak since start. */
const rssMb = (pid: number, field: 'VmRSS' | 'VmHWM') => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return line ? Number(line.replace(/\D+/g, '')) / 1024 : NaN;
};

const secret = randomBytes(16).toString('hex');
// Unique bodies per Parley round (a repeated body would still be stored, but keep it honest).
const bodies = Array.from({ length: 20_000 + 100_000 * ROUNDS }, (_, i) => syntheticTweet(i));
const signatures = new Map(bodies.map((b) => [b, signX(secret, b)]));
const sign = (b: Buffer) => ({ 'x-twitter-webhooks-signature': signatures.get(b)! });
const avgBytes = Math.round(bodies.slice(0, 1000).reduce((n, b) => n + b.length, 0) / 1000);

const barePort = await freePort();
// Each server in its own session (detached), as a service runs and as the acceptance check starts it:
// with the kernel's autogroup scheduling, the load generator then cannot starve either of them.
const bare = fork(join(root, 'bench/bare-fastify.ts'), [], { env: { ...process.env, PORT: String(barePort) }, execArgv: ['--import', 'tsx'], detached: true });
await new Promise((resolve) => bare.once('message', resolve));

const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
/** The shipped parley.yaml, with `synchronous` as asked. */
function benchConfig(): string {
  const shipped = readFileSync(join(root, 'parley.yaml'), 'utf8');
  const changed = shipped.replace(/^(\s*synchronous:\s*)full\b/m, `$1${SYNCHRONOUS}`);
  if (SYNCHRONOUS === 'normal' && changed === shipped) throw new Error('parley.yaml has no `synchronous: full` line to change');
  const file = join(dataDir, 'parley.yaml');
  writeFileSync(file, changed);
  return file;
}
const port = await freePort();
// Exactly what users run: `npm start` (the compiled service, with its Node flags from package.json).
const parley = spawn('npm', ['start', '--silent'], {
  cwd: root, stdio: ['ignore', 'ignore', 'inherit'], detached: true,
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, PARLEY_CONFIG: benchConfig(), X_CONSUMER_SECRET: secret, LOG_LEVEL: 'warn', PARLEY_ADMIN_KEY: 'bench-admin-key-0123456789' },
});
const base = `http://127.0.0.1:${port}`;
try {
  await waitForHealth(base, parley);
  // Warm both up (JIT, SQLite page cache), then measure: bare first, Parley second, same bodies' shape.
  await load(barePort, bodies.slice(0, 20_000), sign, 2);
  await load(port, bodies.slice(0, 20_000), sign, 2);
  // Alternating rounds: the machine's speed drifts (a shared VM), so each ratio compares runs made
  // seconds apart; the median round is reported, every round listed.
  const pending = async () => Number(/parley_intake_pending_deliveries (\d+)/.exec(await (await fetch(base + '/metrics')).text())?.[1] ?? NaN);
  const drain = async () => {
    const started = Date.now();
    while ((await pending()) > 0 && Date.now() - started < 300_000) await new Promise((r) => setTimeout(r, 200));
    return (Date.now() - started) / 1000;
  };
  let loadRss = 0;
  const rounds: Array<{ bare: Run; parley: Run; backlog: number; drainSeconds: number }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Parley derives its backlog after each round; measuring bare Fastify meanwhile would share the CPU with it.
    await drain();
    const bareRun = await load(barePort, bodies.slice(20_000, 120_000), sign, SECONDS);
    const sampler = setInterval(() => { loadRss = Math.max(loadRss, rssMb(serviceProcessId(parley.pid!), 'VmRSS')); }, 100);
    const parleyRun = await load(port, bodies.slice(20_000 + round * 100_000, 20_000 + (round + 1) * 100_000), sign, SECONDS);
    clearInterval(sampler);
    const backlog = await pending();
    rounds.push({ bare: bareRun, parley: parleyRun, backlog, drainSeconds: await drain() });
  }
  const ratioOf = (r: { bare: Run; parley: Run }) => r.parley.rps / r.bare.rps;
  const median = [...rounds].sort((a, b) => ratioOf(a) - ratioOf(b))[Math.floor(rounds.length / 2)]!;
  const { bare: bareRun, parley: parleyRun } = median;
  const rss = rssMb(serviceProcessId(parley.pid!), 'VmHWM');
  // Deliveries answered 200 are durable; turning them into events went on after each round's load.
  const { backlog, drainSeconds } = median;
  const ratio = parleyRun.rps / bareRun.rps;
  const lines = [
    `bench:intake — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s each, bodies ≈ ${avgBytes} bytes, store.sqlite.synchronous: ${SYNCHRONOUS}`,
    ...rounds.map((r, i) => `  round ${i + 1}: bare ${r.bare.rps.toFixed(0)} req/s, Parley ${r.parley.rps.toFixed(0)} req/s (p99 ${r.parley.p99} ms), ratio ${ratioOf(r).toFixed(2)}`),
    `  median round:`,
    `  bare Fastify (no verify, no store): ${bareRun.rps.toFixed(0)} req/s  p50 ${bareRun.p50} ms  p99 ${bareRun.p99} ms`,
    `  Parley durable intake:               ${parleyRun.rps.toFixed(0)} req/s  p50 ${parleyRun.p50} ms  p99 ${parleyRun.p99} ms  non-2xx ${parleyRun.bad}`,
    `  ratio ${ratio.toFixed(2)} (target ≥ 0.60)   p99 ${parleyRun.p99} ms (target < 50)   peak RSS under load ${loadRss.toFixed(0)} MB (target < 150)`,
    `  peak RSS overall, including deriving the backlogs: ${rss.toFixed(0)} MB`,
    `  derivation backlog after the run: ${backlog} deliveries, caught up in ${drainSeconds.toFixed(1)} s`,
  ];
  console.log(lines.join('\n'));
  if (process.env.BENCH_WRITE !== '0') {
    const file = join(root, 'BENCHMARKS.md');
    const current = readFileSync(file, 'utf8');
    const marker = SYNCHRONOUS === 'full' ? '<!-- bench:intake -->' : '<!-- bench:intake:normal -->';
    const section = `${marker}\n\`\`\`\n$ npm run bench:intake\n${lines.join('\n')}\n\`\`\`\n${marker}`;
    const next = current.includes(marker) ? current.replace(new RegExp(`${marker}[\\s\\S]*${marker}`), section) : `${current.trimEnd()}\n\n${section}\n`;
    writeFileSync(file, next);
  }
} finally {
  for (const child of [parley, bare]) { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ } }
  rmSync(dataDir, { recursive: true, force: true });
}
