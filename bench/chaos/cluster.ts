// The processes npm run chaos and npm run bench:instances start: a PostgreSQL database of their own
// on the machine's server, a redis-server of their own, `npm run sandboxes`, and Parley instances
// started with `npm start` (the compiled build). Everything started is registered, so that one
// `cleanup()` ends it all, however the run ended.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { freePort } from '../../test/helpers/processes.ts';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const cleanups: Array<() => void | Promise<void>> = [];
/** Runs `fn` at `cleanup()`, newest first. */
export function onCleanup(fn: () => void | Promise<void>): void {
  cleanups.push(fn);
}
/** Ends what was started (process groups, the database, temporary folders); never throws. */
export async function cleanup(): Promise<void> {
  while (cleanups.length > 0) {
    try { await cleanups.pop()!(); } catch (err) { process.stderr.write(`cleanup: ${(err as Error).message}\n`); }
  }
}

/** SIGKILL to a detached child's whole process group (npm, its shell, node); resolves once it exited. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try { process.kill(-child.pid!, signal); } catch { /* already gone */ }
  return Promise.race([exited, sleep(10_000)]);
}

/** A temporary folder, removed at cleanup. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** What a snapshot holds: what `npm start`, `npm run sandboxes` and `npm run build` read. No examples/: their build would re-point node_modules/parley. */
const SNAPSHOT_ENTRIES = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.sdk.json', 'parley.yaml', 'src', 'connectors', 'mappings', 'scripts', 'dist'];

/**
 * A copy of the checkout's code (mtimes kept, node_modules linked), removed at cleanup. Why: `npm
 * start` rebuilds dist/ whenever a source is newer than the last build, so in a tree other people
 * are editing, each restart of a killed instance would spend half a minute compiling (or fail on a
 * half-made edit), and instances would run different code. The run builds the snapshot once.
 * @returns the snapshot's root
 */
export function snapshotCheckout(root: string): string {
  const dir = tempDir('parley-chaos-checkout-');
  execFileSync('cp', ['-a', ...SNAPSHOT_ENTRIES.map((entry) => join(root, entry)), dir]);
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

const psql = (sql: string) => execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }).toString();

/**
 * Creates `<prefix>_<random>` on 127.0.0.1:5432 (user postgres, trust) and drops it at cleanup
 * (`WITH (FORCE)`: instances killed mid-transaction may leave sessions behind).
 * @returns its `DATABASE_URL`
 */
export function createDatabase(prefix: string): { name: string; url: string } {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  psql(`CREATE DATABASE ${name}`);
  onCleanup(() => { psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); });
  return { name, url: `postgres://postgres@127.0.0.1:5432/${name}` };
}

/** Restarts the machine's PostgreSQL cluster (as .ci/run starts it); resolves once it answers again. */
export async function restartPostgres(): Promise<number> {
  const started = Date.now();
  const version = execFileSync('ls', ['/etc/postgresql']).toString().trim().split(/\s+/)[0]!;
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], { stdio: 'ignore', timeout: 60_000 });
  for (;;) {
    try { psql('SELECT 1'); return Date.now() - started; } catch { /* not yet */ }
    if (Date.now() - started > 60_000) throw new Error('PostgreSQL did not answer within 60 s of its restart');
    await sleep(200);
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => { socket.destroy(); resolve(true); });
    socket.on('error', () => resolve(false));
  });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A redis-server of the run's own: no persistence, so killing it loses everything, as a lost Redis does. */
export class RedisServer {
  child: ChildProcess | undefined;
  constructor(readonly port: number) {
    onCleanup(() => this.kill());
  }
  get url(): string { return `redis://127.0.0.1:${this.port}`; }
  /** Starts it on its port; resolves once it accepts connections. */
  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { detached: true, stdio: 'ignore' });
    await until(`redis-server on ${this.port}`, () => answers(this.port), 10_000);
  }
  async kill(): Promise<void> {
    if (this.child) await killGroup(this.child);
  }
}

/** `npm run sandboxes` on a free port, its data in a temporary folder. */
export async function startSandboxes(root: string): Promise<{ base: string; salesforce: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('npm', ['run', '--silent', 'sandboxes'], {
    cwd: root, detached: true, stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', PARLEY_DATA_DIR: tempDir('parley-chaos-sandboxes-'), LOG_LEVEL: 'warn' },
  });
  onCleanup(() => killGroup(child));
  const base = `http://127.0.0.1:${port}`;
  await until('npm run sandboxes', async () => {
    if (child.exitCode !== null) throw new Error(`npm run sandboxes exited with ${child.exitCode}`);
    try { return (await fetch(`${base}/sandbox/salesforce/_stats`)).ok; } catch { return false; }
  }, 60_000);
  return { base, salesforce: `${base}/sandbox/salesforce`, child };
}

/**
 * The shipped parley.yaml, changed only where a run of several instances against one shared sandbox
 * needs it, written into `dir`: mappingsDir made absolute (the file lives in a temporary folder);
 * no SAP C4C destination and no sandboxes of the instance's own (with SAP_C4C_URL unset, each
 * instance would write every tweet into a SAP sandbox of its own too: CPU the 2 cores do not have,
 * and nothing any check reads); Salesforce's `minTimeMs` set when `minTimeMs` is given.
 * @returns the file's path
 */
export function instanceConfig(root: string, dir: string, options: { minTimeMs?: number } = {}): string {
  const document = parseDocument(readFileSync(join(root, 'parley.yaml'), 'utf8'));
  const mappingsDir = String(document.get('mappingsDir'));
  document.set('mappingsDir', mappingsDir.startsWith('/') ? mappingsDir : join(root, mappingsDir));
  document.deleteIn(['destinations', 'sap-c4c']);
  document.delete('sandboxes');
  if (options.minTimeMs !== undefined) document.setIn(['destinations', 'salesforce', 'minTimeMs'], options.minTimeMs);
  const file = join(dir, 'parley.yaml');
  writeFileSync(file, document.toString());
  return file;
}

/** What every instance of a run shares. */
export interface InstanceEnvironment {
  root: string;
  /** PARLEY_CONFIG. */
  config: string;
  /** Unset: SQLite in the instance's data folder. */
  databaseUrl?: string;
  redisUrl?: string;
  /** `.../sandbox/salesforce` of `npm run sandboxes`. */
  salesforceLoginUrl: string;
  adminKey: string;
  /** Unset: the shipped demo default. */
  xSecret?: string;
  roles?: string;
}

/** One Parley instance (`npm start`) with its own data folder and port, which it keeps across restarts. */
export class ParleyInstance {
  child: ChildProcess | undefined;
  /** Up and answering /health since the last start, and not killed since. */
  live = false;
  starts = 0;
  readonly base: string;
  constructor(readonly name: string, readonly port: number, readonly dataDir: string, private readonly env: InstanceEnvironment) {
    this.base = `http://127.0.0.1:${port}`;
    onCleanup(() => this.kill());
  }

  /** Starts it and waits for /health. @returns ms it took @throws when it exits first or is not up within `timeoutMs` */
  async start(timeoutMs = 60_000): Promise<number> {
    const started = Date.now();
    const { env } = this;
    this.child = spawn('npm', ['start', '--silent'], {
      cwd: env.root, detached: true, stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(this.port), LOG_LEVEL: 'error',
        PARLEY_DATA_DIR: this.dataDir, PARLEY_CONFIG: env.config, PARLEY_ADMIN_KEY: env.adminKey,
        SALESFORCE_LOGIN_URL: env.salesforceLoginUrl,
        DATABASE_URL: env.databaseUrl ?? '', REDIS_URL: env.redisUrl ?? '',
        ...(env.xSecret ? { X_CONSUMER_SECRET: env.xSecret } : {}),
        ...(env.roles ? { PARLEY_ROLES: env.roles } : {}),
      },
    });
    this.starts++;
    const child = this.child;
    await until(`${this.name} /health`, async () => {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode} during start-up`);
      try { return (await fetch(`${this.base}/health`)).ok; } catch { return false; }
    }, timeoutMs);
    this.live = true;
    return Date.now() - started;
  }

  /** SIGKILL to its process group, as a crash or an OOM kill. */
  async kill(): Promise<void> {
    this.live = false;
    if (this.child) await killGroup(this.child);
  }
}

/** `GET /v1/outbox/stats` of one destination: operations by state. */
export async function outboxStates(base: string, adminKey: string, destination = 'salesforce'): Promise<Record<string, number>> {
  const response = await fetch(`${base}/v1/outbox/stats`, { headers: { authorization: `Bearer ${adminKey}` }, signal: AbortSignal.timeout(10_000) });
  if (response.status !== 200) throw new Error(`/v1/outbox/stats answered ${response.status}`);
  const body = await response.json() as { destinations: Record<string, Record<string, number>> };
  return body.destinations[destination] ?? {};
}

/** `GET /_stats` of the Salesforce sandbox. */
export interface SalesforceStats {
  /** The sandbox's clock when it read the counts, epoch ms. */
  at: number;
  totalCalls: number;
  calls: Record<string, number>;
  records: Record<string, number>;
  apiUsage: { used: number; limit: number };
  errors: Record<string, number>;
}
export async function salesforceStats(salesforce: string): Promise<SalesforceStats> {
  return (await fetch(`${salesforce}/_stats`, { signal: AbortSignal.timeout(10_000) })).json() as Promise<SalesforceStats>;
}
/** `PUT /_faults` of the Salesforce sandbox. @throws when it is not answered 200 */
export async function salesforceFaults(salesforce: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${salesforce}/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 200) throw new Error(`_faults answered ${response.status}: ${await response.text()}`);
}

/** `GET /v1/connectors`: the state of `id` (`ready`, `paused`, `unreachable`, `misconfigured`), or undefined. */
export async function connectorState(base: string, adminKey: string, id = 'salesforce'): Promise<string | undefined> {
  const response = await fetch(`${base}/v1/connectors`, { headers: { authorization: `Bearer ${adminKey}` }, signal: AbortSignal.timeout(10_000) });
  if (response.status !== 200) return undefined;
  const body = await response.json() as { items: Array<{ id: string; state: string }> };
  return body.items.find((item) => item.id === id)?.state;
}

/** Waits until every instance's destination `id` is `ready`. @throws after `timeoutMs` */
export async function waitReady(instances: readonly ParleyInstance[], adminKey: string, timeoutMs = 60_000): Promise<void> {
  const states = async () => Promise.all(instances.map((i) => connectorState(i.base, adminKey).catch(() => undefined)));
  await until('every instance connected to Salesforce', async () => (await states()).every((s) => s === 'ready'), timeoutMs);
}
