// npm run bench:intake — durable signed intake vs a bare Fastify route, in one run, over loopback.
// Prints throughput of both, their ratio, p50/p99 latency, Parley's peak RSS and how long derivation
// took to catch up afterwards; writes the figures to BENCHMARKS.md.
import autocannon from 'autocannon';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { signX, syntheticTweet } from './synthetic-x.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
const root = new URL('..', import.meta.url).pathname;

const freePort = () => new Promise<number>((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});

async function waitHealthy(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error('parley exited during start-up');
    try { if ((await fetch(base + '/health')).ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('parley did not answer /health within 30 s');
}

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

const peakRssMb = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return line ? Number(line.replace(/\D+/g, '')) / 1024 : NaN;
};

const secret = randomBytes(16).toString('hex');
const bodies = Array.from({ length: 250_000 }, (_, i) => syntheticTweet(i));
const signatures = new Map(bodies.map((b) => [b, signX(secret, b)]));
const sign = (b: Buffer) => ({ 'x-twitter-webhooks-signature': signatures.get(b)! });
const avgBytes = Math.round(bodies.slice(0, 1000).reduce((n, b) => n + b.length, 0) / 1000);

const barePort = await freePort();
const bare = fork(join(root, 'bench/bare-fastify.ts'), [], { env: { ...process.env, PORT: String(barePort) }, execArgv: ['--import', 'tsx'] });
await new Promise((resolve) => bare.once('message', resolve));

const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
const port = await freePort();
const parley = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
  cwd: root, stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, X_CONSUMER_SECRET: secret, LOG_LEVEL: 'warn', PARLEY_ADMIN_KEY: 'bench-admin-key-0123456789' },
});
const base = `http://127.0.0.1:${port}`;
try {
  await waitHealthy(base, parley);
  // Warm both up (JIT, SQLite page cache), then measure: bare first, Parley second, same bodies' shape.
  await load(barePort, bodies.slice(0, 20_000), sign, 2);
  await load(port, bodies.slice(200_000), sign, 2);
  const bareRun = await load(barePort, bodies.slice(0, 100_000), sign, SECONDS);
  const parleyRun = await load(port, bodies.slice(0, 200_000), sign, SECONDS);
  const rss = peakRssMb(parley.pid!);
  // Deliveries answered 200 are durable; turning them into events continues after the load stops.
  const drainStart = Date.now();
  const pending = async () => Number(/parley_intake_pending_deliveries (\d+)/.exec(await (await fetch(base + '/metrics')).text())?.[1] ?? NaN);
  const backlog = await pending();
  while ((await pending()) > 0 && Date.now() - drainStart < 120_000) await new Promise((r) => setTimeout(r, 200));
  const drainSeconds = (Date.now() - drainStart) / 1000;

  const ratio = parleyRun.rps / bareRun.rps;
  const lines = [
    `bench:intake — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores, ${CONNECTIONS} connections, ${SECONDS} s each, bodies ≈ ${avgBytes} bytes`,
    `  bare Fastify (no verify, no store): ${bareRun.rps.toFixed(0)} req/s  p50 ${bareRun.p50} ms  p99 ${bareRun.p99} ms`,
    `  Parley durable intake:               ${parleyRun.rps.toFixed(0)} req/s  p50 ${parleyRun.p50} ms  p99 ${parleyRun.p99} ms  non-2xx ${parleyRun.bad}`,
    `  ratio ${ratio.toFixed(2)} (target ≥ 0.60)   p99 ${parleyRun.p99} ms (target < 50)   peak RSS ${rss.toFixed(0)} MB (target < 150)`,
    `  derivation backlog after the run: ${backlog} deliveries, caught up in ${drainSeconds.toFixed(1)} s`,
  ];
  console.log(lines.join('\n'));
  if (process.env.BENCH_WRITE !== '0') {
    const file = join(root, 'BENCHMARKS.md');
    const current = readFileSync(file, 'utf8');
    const marker = '<!-- bench:intake -->';
    const section = `${marker}\n\`\`\`\n$ npm run bench:intake\n${lines.join('\n')}\n\`\`\`\n${marker}`;
    const next = current.includes(marker) ? current.replace(new RegExp(`${marker}[\\s\\S]*${marker}`), section) : `${current.trimEnd()}\n\n${section}\n`;
    writeFileSync(file, next);
  }
} finally {
  parley.kill('SIGKILL');
  bare.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
}
