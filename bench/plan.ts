// npm run bench:plan — the planner alone: events per second through the default mapping set for one
// CRM (the shipped mappings/salesforce/ with the Salesforce sandbox's catalog), on one core, no store
// and no I/O: each event is turned into the mappings' input (mappingInput: sentiment scored) and run
// through planOperations, as the planner does for every stored event. The events are parsed from
// synthetic X deliveries (tweets, replies with a follower count, direct messages, follows) by the X
// source's own parse, so they are what intake stores. Also reports the share of field and `when`
// evaluations served by the fast path (expressions compiled to JS, no JSONata: src/mappings/fast-path.ts),
// and how much of the time is sentiment scoring.
// Writes its block of BENCHMARKS.md (BENCH_WRITE=0: print only). BENCH_EVENTS sets how many events
// (default 100,000), BENCH_ROUNDS how many timed rounds (default 3, the best reported with the others).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { toCatalogObject } from '../connectors/salesforce/catalog.ts';
import { buildDescribes } from '../connectors/salesforce/sandbox/describes.ts';
import { parseDelivery } from '../connectors/x/parse/index.ts';
import type { ObjectCatalog } from '../src/connectors/index.ts';
import type { CompiledMapping } from '../src/mappings/compiled-mapping.ts';
import { mappingInput } from '../src/mappings/enrich-event.ts';
import { loadMappings } from '../src/mappings/load-mappings.ts';
import { planOperations, type MappedEvent } from '../src/mappings/plan-operations.ts';
import type { CanonicalData } from '../src/model/index.ts';

const root = new URL('..', import.meta.url).pathname;
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BRAND = '2244994945';

const catalog: ObjectCatalog = { objects: [...buildDescribes().values()].map((d) => toCatalogObject(d as never)) };
const catalogs = new Map([['salesforce', catalog]]);
const mappings: CompiledMapping[] = loadMappings(join(root, 'mappings')).filter((m) => m.definition.target.destination === 'salesforce');

const texts = [
  '@brand order {i} still not here &amp; nobody answers ☕', '@brand thanks a lot, the new app is great!', 'loving the update #brand',
  '@brand this is terrible, the worst service ever, I am furious', '@brand can you tell me when the store opens?',
];
/** One X delivery of a kind chosen by `i`: a tweet, a reply to the brand, a direct message, a follow. */
function delivery(i: number): unknown {
  const userId = String(900_000_000 + (i % 5_000));
  const user = { id_str: userId, id: Number(userId), name: `User ${userId}`, screen_name: `user${userId}`, followers_count: (i * 7_919) % 60_000, friends_count: 10, verified: false, location: 'Berlin' };
  const id = String(1_800_000_000_000_000_000n + BigInt(i));
  switch (i % 10) {
    case 7: return { for_user_id: BRAND, direct_message_events: [{ type: 'message_create', id, created_timestamp: '1795946400000', message_create: { target: { recipient_id: BRAND }, sender_id: userId, message_data: { text: i % 20 === 7 ? 'I want a refund for order ' + i : 'hello, a question about order ' + i, entities: { hashtags: [], user_mentions: [], urls: [] } } } }], users: { [userId]: { id: userId, name: user.name, screen_name: user.screen_name, followers_count: user.followers_count } } };
    case 9: return { for_user_id: BRAND, follow_events: [{ type: 'follow', created_timestamp: '1795946400000', target: { id: BRAND, screen_name: 'brand' }, source: { id: userId, screen_name: user.screen_name, name: user.name, followers_count: user.followers_count } }] };
    default: return { for_user_id: BRAND, tweet_create_events: [{
      created_at: 'Mon Nov 23 10:00:00 +0000 2026', id_str: id, id: Number(id), text: texts[i % texts.length]!.replace('{i}', String(i)), truncated: false,
      ...(i % 3 === 0 ? { in_reply_to_status_id_str: '1860000000000000001', in_reply_to_user_id_str: BRAND, in_reply_to_screen_name: 'brand' } : {}),
      user, entities: { hashtags: [], urls: [], user_mentions: [{ screen_name: 'brand', id_str: BRAND }] }, lang: 'en', timestamp_ms: '1795946400000',
    }] };
  }
}

const receivedAt = new Date('2026-11-23T10:00:00Z');
const events: MappedEvent[] = [];
for (let i = 0; events.length < EVENTS; i++) {
  for (const e of parseDelivery(delivery(i), { receivedAt })) if (events.length < EVENTS) events.push({ id: `e${events.length}`, source: 'x', data: e.data as CanonicalData });
}
const kinds = events.reduce<Record<string, number>>((n, e) => { const k = e.data.kind === 'interaction' ? e.data.activity : e.data.kind; n[k] = (n[k] ?? 0) + 1; return n; }, {});

// The fast-path share is counted from tables made once, so counting costs the timed loop two map look-ups per event.
const fieldsOf = new Map(mappings.map((m) => [m.definition.id, { all: m.fields.length, fast: m.fields.filter((f) => f.expression.fast).length }]));
/** The `when` conditions an event of this kind and network runs (every mapping of its kind and network that has one). */
const whensOf = new Map<string, { all: number; fast: number }>();
function whens(data: CanonicalData): { all: number; fast: number } {
  const key = `${data.kind}|${data.network}`;
  let counted = whensOf.get(key);
  if (!counted) {
    const run = mappings.filter((m) => m.definition.source.kind === data.kind && (!m.definition.source.network || m.definition.source.network === data.network) && m.when);
    counted = { all: run.length, fast: run.filter((m) => m.when!.fast).length };
    whensOf.set(key, counted);
  }
  return counted;
}

interface Round { ms: number; operations: number; problems: number; evaluations: number; fastEvaluations: number; whenEvaluations: number; fastWhenEvaluations: number }
async function round(): Promise<Round> {
  let operations = 0, problems = 0, evaluations = 0, fastEvaluations = 0, whenEvaluations = 0, fastWhenEvaluations = 0;
  const started = process.hrtime.bigint();
  for (const event of events) {
    const planned = await planOperations(mappings, { ...event, data: mappingInput(event.data) }, catalogs);
    operations += planned.operations.length;
    problems += planned.problems.length;
    for (const op of planned.operations) {
      const counted = fieldsOf.get(op.mappingId)!;
      evaluations += counted.all;
      fastEvaluations += counted.fast;
    }
    const when = whens(event.data);
    whenEvaluations += when.all;
    fastWhenEvaluations += when.fast;
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, operations, problems, evaluations, fastEvaluations, whenEvaluations, fastWhenEvaluations };
}

/** Turning every event into the mappings' input alone (sentiment scoring): the part of a round that is not the mappings. */
function enrich(): { ms: number; scored: number } {
  const started = process.hrtime.bigint();
  let scored = 0;
  for (const event of events) if (mappingInput(event.data) !== event.data) scored++;
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, scored };
}

// One untimed round warms JIT and JSONata's compiled expressions.
await round();
const rounds = [];
for (let r = 0; r < ROUNDS; r++) rounds.push(await round());
const best = rounds.reduce((a, b) => (b.ms < a.ms ? b : a));
const enriched = [enrich(), enrich(), enrich()].reduce((a, b) => (b.ms < a.ms ? b : a));
const rate = (ms: number) => Math.round(EVENTS / (ms / 1000));
const share = (part: number, all: number) => `${((part / all) * 100).toFixed(1)} %`;
const allFields = mappings.flatMap((m) => m.fields);
const allWhens = mappings.filter((m) => m.when);
const lines = [
  `bench:plan — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'CPU'}, load average ${loadavg()[0]!.toFixed(1)} at the end; one core (this process), no store`,
  `mappings: the ${mappings.length} shipped for Salesforce (${allFields.length} fields, ${allFields.filter((f) => f.expression.fast).length} on the fast path; ${allWhens.length} when, ${allWhens.filter((m) => m.when!.fast).length} fast), checked against the sandbox's catalog`,
  `events: ${EVENTS} parsed from synthetic X deliveries: ${Object.entries(kinds).map(([k, n]) => `${k} ${n}`).join(', ')}`,
  `planner alone: ${rate(best.ms).toLocaleString('en')} events/s (best of ${ROUNDS}: ${rounds.map((r) => `${(r.ms / 1000).toFixed(2)} s`).join(', ')}); ${best.operations} operations, ${best.problems} problems`,
  `per event: ${((best.ms * 1000) / EVENTS).toFixed(1)} µs, of which ${((enriched.ms * 1000) / EVENTS).toFixed(1)} µs sentiment scoring (mappingInput; ${enriched.scored} events scored)`,
  `fast path: ${share(best.fastEvaluations, best.evaluations)} of the ${best.evaluations} field evaluations of the operations planned, ${share(best.fastWhenEvaluations, best.whenEvaluations)} of the ${best.whenEvaluations} when evaluations; ${share(best.fastEvaluations + best.fastWhenEvaluations, best.evaluations + best.whenEvaluations)} of both; the rest JSONata`,
  `target: ≥ 20,000 events/s — ${rate(best.ms) >= 20_000 ? 'met' : 'NOT met'}`,
];
console.log(lines.join('\n'));

if (process.env.BENCH_WRITE !== '0') {
  const marker = '<!-- bench:plan -->';
  const file = join(root, 'BENCHMARKS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const section = `${marker}\n\`\`\`\n$ npm run bench:plan\n${lines.join('\n')}\n\`\`\`\n${marker}`;
  const block = new RegExp(`${marker}[\\s\\S]*?${marker}`);
  writeFileSync(file, block.test(current) ? current.replace(block, () => section)
    : `${current.trimEnd()}\n\n## Planning (\`npm run bench:plan\`)\n\nThe planner alone on one core: events through the default Salesforce mappings (bench/plan.ts says how).\n\n${section}\n`);
}
