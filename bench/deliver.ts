// npm run bench:deliver — delivery to the built-in Salesforce sandbox (50 ms of latency per call), two
// cases, each on a fresh Parley and data folder (issue 17, item 4):
// - trickle (bench/deliver-trickle.ts): 300 tweets at 20 a second from 100 people; freshness p50/p99
//   from each 200 to the record in the CRM, and tweets per write call;
// - backlog (bench/deliver-backlog.ts): 10,000 X interactions from 2,000 identities planned while the
//   CRM is unreachable, then drained; records/s and records per write call.
// Prints both and writes each into its block of BENCHMARKS.md (BENCH_WRITE=0: print only).
// Environment: BENCH_CASES (default `trickle,backlog`), BENCH_INTERACTIONS, BENCH_IDENTITIES,
// BENCH_TWEETS, BENCH_RATE, BENCH_PEOPLE, BENCH_LATENCY_MS. A run with other sizes than the issue's
// says so in its figures.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { runBacklog } from './deliver-backlog.ts';
import { runTrickle } from './deliver-trickle.ts';

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
if (cases.includes('trickle')) {
  const title = header('trickle', ['tweets', 'perSecond', 'people', 'latencyMs']);
  const trickle = await runTrickle({ root, tweets: sizes.tweets, perSecond: sizes.perSecond, people: sizes.people, latencyMs: sizes.latencyMs, xSecret, adminKey });
  const text = [title, ...trickle.lines].join('\n');
  console.log(text);
  blocks.push({ marker: '<!-- bench:deliver:trickle -->', text });
}
if (cases.includes('backlog')) {
  const title = header('backlog', ['interactions', 'identities', 'latencyMs']);
  const backlog = await runBacklog({ root, interactions: sizes.interactions, identities: sizes.identities, latencyMs: sizes.latencyMs, xSecret, adminKey });
  const text = [title, ...backlog.lines].join('\n');
  console.log(text);
  blocks.push({ marker: '<!-- bench:deliver -->', text });
}

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
