// npm run bench:deliver — delivery to the built-in Salesforce, SAP C4C and Oracle CX sandboxes (50 ms of
// latency per call), two cases per destination, each on a fresh Parley and data folder configured with
// that destination alone (issue 17, item 4; SAP: issue 18; Oracle CX: the third CRM's issue):
// - trickle (bench/deliver-trickle.ts): 300 tweets at 20 a second from 100 people; freshness p50/p99
//   from each 200 to the record in the CRM, and tweets per write call;
// - backlog (bench/deliver-backlog.ts): 10,000 X interactions from 2,000 identities planned while the
//   CRM is unreachable, then drained; records/s and records per write call.
// Prints each case, then one table with the destinations side by side, and writes them into their
// blocks of BENCHMARKS.md (BENCH_WRITE=0: print only; the table only when every case and destination ran).
// Environment: BENCH_CASES (default `trickle,backlog`), BENCH_DESTINATIONS (default
// `salesforce,sap-c4c,oracle-cx`), BENCH_INTERACTIONS, BENCH_IDENTITIES, BENCH_TWEETS, BENCH_RATE, BENCH_PEOPLE,
// BENCH_LATENCY_MS. A run with other sizes than the issue's says so in its figures.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { runBacklog, type BacklogResult } from './deliver-backlog.ts';
import { DESTINATIONS, destinationProfile, type BenchDestination } from './deliver-config.ts';
import { runTrickle, type TrickleResult } from './deliver-trickle.ts';

const env = process.env;
const number = (name: string, fallback: number) => Number(env[name] ?? fallback);
const sizes = {
  interactions: number('BENCH_INTERACTIONS', 10_000), identities: number('BENCH_IDENTITIES', 2_000),
  tweets: number('BENCH_TWEETS', 300), perSecond: number('BENCH_RATE', 20), people: number('BENCH_PEOPLE', 100),
  latencyMs: number('BENCH_LATENCY_MS', 50),
};
const ISSUE_SIZES = { interactions: 10_000, identities: 2_000, tweets: 300, perSecond: 20, people: 100, latencyMs: 50 };
const cases = (env.BENCH_CASES ?? 'trickle,backlog').split(',').map((c) => c.trim());
for (const c of cases) if (c !== 'trickle' && c !== 'backlog') throw new Error(`BENCH_CASES: unknown case "${c}" (trickle, backlog)`);
const destinations = (env.BENCH_DESTINATIONS ?? Object.keys(DESTINATIONS).join(',')).split(',').map((d) => destinationProfile(d.trim()));
const root = new URL('..', import.meta.url).pathname;
const xSecret = randomBytes(16).toString('hex');
const adminKey = 'bench-admin-' + randomBytes(8).toString('hex');

// The command as run, with the sizes it was given, and the machine.
const settings = Object.entries(env).filter(([k]) => k.startsWith('BENCH_') && k !== 'BENCH_WRITE').map(([k, v]) => `${k}=${v} `).join('');
const command = `$ ${settings}npm run bench:deliver`;
const machine = () => `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, load average ${loadavg()[0]!.toFixed(1)} at the start`;
/** The report's first line, and a warning line when the case ran with other sizes than the issue's. */
const header = (name: string, keys: Array<keyof typeof sizes>) => {
  const reduced = keys.filter((k) => sizes[k] !== ISSUE_SIZES[k]);
  return `bench:deliver ${name} — ${machine()}${reduced.length > 0 ? `\n  REDUCED RUN (${reduced.map((k) => `${k} ${sizes[k]}`).join(', ')}): a check that the bench works, not the benchmark's figures` : ''}`;
};

const blocks: Array<{ marker: string; text: string }> = [];
const trickles = new Map<BenchDestination, TrickleResult>();
const backlogs = new Map<BenchDestination, BacklogResult>();
/** A destination's lines, its first one ending with the load average as that destination's run began. */
const withLoad = (lines: string[], load: number) => [`${lines[0]!}, load average ${load.toFixed(1)} at its start`, ...lines.slice(1)];
if (cases.includes('trickle')) {
  const lines = [header('trickle', ['tweets', 'perSecond', 'people', 'latencyMs'])];
  for (const destination of destinations) {
    const load = loadavg()[0]!;
    const trickle = await runTrickle({ root, destination, tweets: sizes.tweets, perSecond: sizes.perSecond, people: sizes.people, latencyMs: sizes.latencyMs, xSecret, adminKey });
    trickles.set(destination.name, trickle);
    lines.push(...withLoad(trickle.lines, load));
  }
  const text = lines.join('\n');
  console.log(text);
  blocks.push({ marker: '<!-- bench:deliver:trickle -->', text });
}
if (cases.includes('backlog')) {
  const lines = [header('backlog', ['interactions', 'identities', 'latencyMs'])];
  for (const destination of destinations) {
    const load = loadavg()[0]!;
    const backlog = await runBacklog({ root, destination, interactions: sizes.interactions, identities: sizes.identities, latencyMs: sizes.latencyMs, xSecret, adminKey });
    backlogs.set(destination.name, backlog);
    lines.push(...withLoad(backlog.lines, load));
  }
  const text = lines.join('\n');
  console.log(text);
  blocks.push({ marker: '<!-- bench:deliver -->', text });
}

// One table, a column per destination, of what both cases measured (a case not run leaves its rows out).
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const rows: Array<[string, (d: BenchDestination) => string]> = [
  ['write call', (d) => DESTINATIONS[d].writeCallName],
  ['most records per write call', (d) => String(DESTINATIONS[d].maxPerCall)],
  ...(trickles.size > 0 ? [
    ['trickle freshness p50 / p99', (d: BenchDestination) => `${seconds(trickles.get(d)!.p50Ms)} s / ${seconds(trickles.get(d)!.p99Ms)} s`],
    ['trickle tweets per write call', (d: BenchDestination) => trickles.get(d)!.tweetsPerCall.toFixed(1)],
  ] as Array<[string, (d: BenchDestination) => string]> : []),
  ...(backlogs.size > 0 ? [
    ['backlog records/s', (d: BenchDestination) => backlogs.get(d)!.recordsPerSecond.toFixed(0)],
    ['backlog records per write call', (d: BenchDestination) => backlogs.get(d)!.recordsPerCall.toFixed(1)],
    ['backlog operations per write call (Parley)', (d: BenchDestination) => backlogs.get(d)!.operationsPerBatch.toFixed(1)],
  ] as Array<[string, (d: BenchDestination) => string]> : []),
  ['limit errors', (d) => String((trickles.get(d)?.limitErrors ?? 0) + (backlogs.get(d)?.limitErrors ?? 0))],
];
const width = Math.max(...rows.map(([label]) => label.length)) + 2;
const column = Math.max(...rows.flatMap(([, cell]) => destinations.map((d) => cell(d.name).length)), ...destinations.map((d) => d.label.length)) + 2;
const table = [
  `bench:deliver — the destinations side by side, ${sizes.latencyMs} ms sandbox latency per call (the blocks below have each run's details)`
    + ((Object.keys(ISSUE_SIZES) as Array<keyof typeof sizes>).some((k) => sizes[k] !== ISSUE_SIZES[k]) ? '\n  REDUCED RUN: a check that the bench works, not the benchmark\'s figures' : ''),
  `${''.padEnd(width)}${destinations.map((d) => d.label.padEnd(column)).join('')}`.trimEnd(),
  ...rows.map(([label, cell]) => `${label.padEnd(width)}${destinations.map((d) => cell(d.name).padEnd(column)).join('')}`.trimEnd()),
].join('\n');
console.log(table);
if (trickles.size > 0 && backlogs.size > 0 && destinations.length === Object.keys(DESTINATIONS).length) blocks.unshift({ marker: '<!-- bench:deliver:table -->', text: table });

if (env.BENCH_WRITE !== '0') {
  const file = join(root, 'BENCHMARKS.md');
  let current = readFileSync(file, 'utf8');
  for (const { marker, text } of blocks) {
    const section = `${marker}\n\`\`\`\n${command}\n${text}\n\`\`\`\n${marker}`;
    const block = new RegExp(`${marker}[\\s\\S]*?${marker}`);
    // A block the file does not have yet goes at its end, under the delivery heading if that is missing too.
    current = block.test(current) ? current.replace(block, () => section)
      : `${current.trimEnd()}\n\n${current.includes('## Delivery (`npm run bench:deliver`)') ? '' : '## Delivery (`npm run bench:deliver`)\n\n'}${section}\n`;
  }
  writeFileSync(file, current);
}
