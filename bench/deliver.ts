// npm run bench:deliver — 10,000 X interactions from 2,000 identities, drained from the outbox into
// the Salesforce sandbox with 50 ms of latency per call. Prints records/s, records per API call
// against the theoretical minimum, and limit errors; writes the figures to BENCHMARKS.md.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { readEnvironment } from '../src/config/environment.ts';
import { start, type RunningParley } from '../src/start.ts';
import { signX, syntheticTweet } from './synthetic-x.ts';

const INTERACTIONS = Number(process.env.BENCH_INTERACTIONS ?? 10_000);
const IDENTITIES = Number(process.env.BENCH_IDENTITIES ?? 2_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const root = new URL('..', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-deliver-'));
const secret = randomBytes(16).toString('hex');
const adminKey = 'bench-admin-' + randomBytes(8).toString('hex');

/** Parley with the shipped mappings; `loginUrl` unreachable in the first phase so the outbox fills without sending. */
async function run(phase: 'fill' | 'drain'): Promise<RunningParley> {
  const config = {
    mappingsDir: join(root, 'mappings'),
    apiKeys: [{ name: 'admin', key: adminKey, scope: 'admin' }],
    sources: { x: { connector: 'x', consumerSecret: secret } },
    destinations: { salesforce: {
      connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret',
      ...(phase === 'fill' ? { loginUrl: 'http://127.0.0.1:9' } : {}),
    } },
    sandboxes: { salesforce: { file: 'salesforce-sandbox.json' } },
  };
  const configPath = join(dataDir, `parley-${phase}.yaml`);
  writeFileSync(configPath, stringify(config));
  const { environment } = readEnvironment({ PORT: '0', HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, PARLEY_CONFIG: configPath, LOG_LEVEL: 'error' });
  return start(environment);
}

const stats = async (base: string) => (await fetch(`${base}/sandbox/salesforce/_stats`)).json() as Promise<{ totalCalls: number; calls: Record<string, number>; records: Record<string, number>; errors: Record<string, number> }>;
const outbox = async (base: string) => ((await (await fetch(`${base}/v1/outbox/stats`, { headers: { authorization: `Bearer ${adminKey}` } })).json()) as { destinations: Record<string, Record<string, number>> }).destinations.salesforce ?? {};

try {
  // Phase 1: take in the deliveries and plan them; nothing can be sent yet.
  const fill = await run('fill');
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < INTERACTIONS) {
      const i = next++;
      const body = syntheticTweet(i, String(900_000_000 + (i % IDENTITIES)));
      const response = await fetch(`${fill.address}/webhooks/x`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signX(secret, body) }, body: new Uint8Array(body) });
      if (response.status !== 200) throw new Error(`delivery answered ${response.status}`);
    }
  }));
  await fill.deriver.catchUp(120_000);
  await fill.planner!.catchUp(120_000);
  const queued = await outbox(fill.address);
  await fill.stop();

  // Phase 2: the same data, now able to reach the sandbox: drain the outbox.
  const drain = await run('drain');
  await fetch(`${drain.address}/sandbox/salesforce/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: LATENCY_MS }) });
  const before = await stats(drain.address);
  const started = performance.now();
  let state = await outbox(drain.address);
  while ((state.pending ?? 0) + (state.leased ?? 0) > 0) {
    await new Promise((r) => setTimeout(r, 200));
    state = await outbox(drain.address);
    if (performance.now() - started > 600_000) throw new Error(`not drained after 10 min: ${JSON.stringify(state)}`);
  }
  const seconds = (performance.now() - started) / 1000;
  const after = await stats(drain.address);
  await drain.stop();

  const posts = after.records.SocialPost ?? 0;
  const personas = after.records.SocialPersona ?? 0;
  const writeCalls = Object.entries(after.calls).filter(([k]) => k.includes('/composite/sobjects')).reduce((n, [k, v]) => n + v - (before.calls[k] ?? 0), 0);
  const totalCalls = after.totalCalls - before.totalCalls;
  const updates = (after.calls['PATCH /composite/sobjects'] ?? 0) - (before.calls['PATCH /composite/sobjects'] ?? 0);
  // Records written: every post and persona created, plus each post's PersonaId set afterwards (one per identity's first post).
  const records = posts + personas + personas;
  const minimum = Math.ceil(posts / 200) + Math.ceil(personas / 200) + Math.ceil(personas / 200);
  const limitErrors = Object.entries(after.errors ?? {}).filter(([k]) => k === 'REQUEST_LIMIT_EXCEEDED').reduce((n, [, v]) => n + v, 0);
  const lines = [
    `bench:deliver — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores, ${INTERACTIONS} interactions from ${IDENTITIES} identities, ${LATENCY_MS} ms sandbox latency per call`,
    `  outbox before draining: ${JSON.stringify(queued)}`,
    `  drained in ${seconds.toFixed(1)} s: ${posts} SocialPost, ${personas} SocialPersona created, outbox now ${JSON.stringify(state)}`,
    `  records/s: ${(records / seconds).toFixed(0)} (${records} records: posts, personas, and each first post's PersonaId)`,
    `  write calls: ${writeCalls} (${updates} of them updates), all API calls while draining: ${totalCalls}; theoretical minimum of write calls: ${minimum}`,
    `  records per write call: ${(records / writeCalls).toFixed(1)} (target ≥ 150; at most 200)`,
    `  limit errors: ${limitErrors} (target 0)`,
  ];
  console.log(lines.join('\n'));
  if (process.env.BENCH_WRITE !== '0') {
    const file = join(root, 'BENCHMARKS.md');
    const current = readFileSync(file, 'utf8');
    const marker = '<!-- bench:deliver -->';
    const section = `${marker}\n\`\`\`\n$ npm run bench:deliver\n${lines.join('\n')}\n\`\`\`\n${marker}`;
    const heading = '## Delivery (`npm run bench:deliver`)\n\n10,000 synthetic X mentions from 2,000 identities are taken in and planned while the CRM cannot be\nreached; then Parley restarts with the built-in Salesforce sandbox (50 ms per call) and the outbox\nis drained. Records per call counts what the Salesforce API took in per sObject Collections call.\n\n';
    const next = current.includes(marker) ? current.replace(new RegExp(`${marker}[\\s\\S]*${marker}`), section) : `${current.trimEnd()}\n\n${heading}${section}\n`;
    writeFileSync(file, next);
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
