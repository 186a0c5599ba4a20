import { Option, type Command } from 'commander';
import { parseIsoTime, parseList, parseSeconds } from '../arguments.ts';
import type { CliContext } from '../context.ts';
import { nextPageHint, readPages, withPaging, type PageOptions } from '../pages.ts';
import { cell, describe, table, toJson } from '../render.ts';
import { waitForJob } from '../wait.ts';

// `parley resync …`: a thin client over /v1/resyncs (ARCHITECTURE.md, Fixed interfaces: Resyncs).

/** A resync as GET /v1/resyncs/:id answers it; fields the server adds are kept and shown. */
export interface Resync {
  id: string;
  state: string;
  counts?: { planned?: number; written?: number; failed?: number; skipped?: number; queued?: number };
  ratePerSecond?: number | null;
  etaSeconds?: number | null;
  [field: string]: unknown;
}

/** The body of POST /v1/resyncs. */
export interface ResyncRequest {
  scope: { identity: string } | { network: string; since?: string; until?: string } | { events: string[] };
  destinations: string[];
  mode: 'from-store' | 'from-source';
}

interface CreateOptions {
  identity?: string; network?: string; since?: string; until?: string; events?: string[];
  destinations: string[]; mode: ResyncRequest['mode']; idempotencyKey?: string; wait?: boolean; interval: number;
}

const RUNNING = new Set(['queued', 'running']);
const path = (id: string) => `/v1/resyncs/${encodeURIComponent(id)}`;

/** One line of a resync's progress: `r1  running  planned 10  written 4  failed 0  skipped 0  12.5/s  eta 30 s`. */
export function resyncLine(resync: Resync): string {
  const counts = resync.counts ?? {};
  const parts = [cell(resync.id), cell(resync.state), ...(['planned', 'written', 'failed', 'skipped'] as const).map((k) => `${k} ${cell(counts[k])}`)];
  // `queued` (still to deliver) is the server's addition to the fixed four; shown when it says it.
  if (typeof counts.queued === 'number') parts.push(`queued ${counts.queued}`);
  if (typeof resync.ratePerSecond === 'number') parts.push(`${Math.round(resync.ratePerSecond * 10) / 10}/s`);
  if (typeof resync.etaSeconds === 'number' && RUNNING.has(resync.state)) parts.push(`eta ${Math.round(resync.etaSeconds)} s`);
  return parts.join('  ');
}

/** The request body the create options describe, or the usage problem that stops it. */
export function resyncRequest(options: CreateOptions): ResyncRequest | { problem: string } {
  const scopes = [options.identity !== undefined, options.network !== undefined, options.events !== undefined].filter(Boolean).length;
  if (scopes !== 1) return { problem: 'give exactly one scope: --identity <key>, --network <id> (with --since/--until) or --events <ids>' };
  if ((options.since !== undefined || options.until !== undefined) && options.network === undefined) return { problem: '--since and --until narrow --network; they need it' };
  if (options.since !== undefined && options.until !== undefined && options.since > options.until) return { problem: '--since is after --until' };
  const scope: ResyncRequest['scope'] = options.identity !== undefined ? { identity: options.identity }
    : options.events !== undefined ? { events: options.events }
    : { network: options.network!, ...(options.since !== undefined ? { since: options.since } : {}), ...(options.until !== undefined ? { until: options.until } : {}) };
  return { scope, destinations: options.destinations, mode: options.mode };
}

/** Follows a resync until it ends; prints the last body under `--json`; exit 1 unless it ends `done`. */
async function follow(context: CliContext, command: Command, first: Resync, intervalSeconds: number): Promise<void> {
  const client = context.client(command);
  const json = context.json(command);
  if (!json) context.io.stderr(`following resync ${cell(first.id)} (Ctrl-C stops following; the resync goes on: parley resync cancel ${cell(first.id)} stops it)\n`);
  const last = await waitForJob<Resync>({
    read: async () => (await client.request({ method: 'GET', path: path(first.id) })).body as Resync,
    running: (r) => RUNNING.has(r.state), progress: resyncLine,
    intervalMs: intervalSeconds * 1000, io: context.io, show: !json,
  }, first);
  if (json) context.io.stdout(toJson(last));
  if (last.state !== 'done') context.fail();
}

/** Adds `resync create|list|show|cancel` to `program`. */
export function addResyncCommands(program: Command, context: CliContext): void {
  const resync = program.command('resync').description('start, follow and cancel resyncs (/v1/resyncs)');

  resync.command('create')
    .description('start a resync: run stored events through today\'s mappings again (from-store), or pull them from the network (from-source). Scope: exactly one of --identity, --network, --events. Needs an "operate" key.')
    .option('--identity <key>', 'one identity, as network:userId (x:123)')
    .option('--network <id>', 'every identity of one network (x, facebook, …)')
    .option('--since <time>', 'with --network: from this ISO 8601 date or date-time with Z or offset', parseIsoTime)
    .option('--until <time>', 'with --network: up to this ISO 8601 date or date-time', parseIsoTime)
    .option('--events <ids>', 'these events, comma-separated ids', parseList)
    .requiredOption('--destinations <ids>', 'comma-separated destination ids (salesforce,sap-c4c)', parseList)
    .addOption(new Option('--mode <mode>', 'where the events come from').choices(['from-store', 'from-source']).default('from-store'))
    .option('--idempotency-key <key>', 'sent as Idempotency-Key: the same create sent again with it starts no second resync')
    .option('--wait', 'follow its progress until it is done, failed or cancelled (exit 1 unless done)')
    .option('--interval <seconds>', 'seconds between reads with --wait', parseSeconds, 2)
    .action(async (options: CreateOptions, command: Command) => {
      const body = resyncRequest(options);
      if ('problem' in body) return command.error(`error: ${body.problem}`, { exitCode: 2, code: 'parley.usage' });
      const headers = options.idempotencyKey !== undefined ? { 'Idempotency-Key': options.idempotencyKey } : undefined;
      const answer = await context.client(command).request({ method: 'POST', path: '/v1/resyncs', body, ...(headers ? { headers } : {}) });
      const created = answer.body as Resync;
      if (options.wait) return follow(context, command, created, options.interval);
      context.print(command, created, () => `resync ${cell(created.id)} ${cell(created.state)}\nfollow it: parley resync show ${cell(created.id)} --wait\n`);
    });

  withPaging(resync.command('list').description('list resyncs, newest first as the server orders them'))
    .action(async (options: PageOptions, command: Command) => {
      const page = await readPages<Resync>(context.client(command), { path: '/v1/resyncs' }, options);
      context.print(command, page, () => table(page.items, [
        { header: 'ID', value: (r) => r.id }, { header: 'STATE', value: (r) => r.state },
        { header: 'PLANNED', value: (r) => r.counts?.planned }, { header: 'WRITTEN', value: (r) => r.counts?.written },
        { header: 'FAILED', value: (r) => r.counts?.failed }, { header: 'SKIPPED', value: (r) => r.counts?.skipped },
      ]));
      if (!context.json(command)) context.io.stderr(nextPageHint('parley resync list', page.nextCursor));
    });

  resync.command('show').argument('<id>', 'the resync\'s id')
    .description('show a resync: state, counts planned / written / failed / skipped, rate and ETA')
    .option('--wait', 'follow its progress until it is done, failed or cancelled (exit 1 unless done)')
    .option('--interval <seconds>', 'seconds between reads with --wait', parseSeconds, 2)
    .action(async (id: string, options: { wait?: boolean; interval: number }, command: Command) => {
      const { body } = await context.client(command).request({ method: 'GET', path: path(id) });
      if (options.wait) return follow(context, command, body as Resync, options.interval);
      context.print(command, body, () => describe(body));
    });

  resync.command('cancel').argument('<id>', 'the resync\'s id')
    .description('cancel a resync: what is queued is withdrawn, what is written stays. Needs an "operate" key.')
    .action(async (id: string, _options: unknown, command: Command) => {
      const { body } = await context.client(command).request({ method: 'DELETE', path: path(id) });
      // The server answers the resync (one already ended is answered as it is); a 204 says nothing more.
      const state = (body as Partial<Resync> | undefined)?.state;
      const said = state === undefined ? 'cancel asked' : state === 'cancelled' || RUNNING.has(state) ? cell(state) : `had already ended: ${cell(state)}`;
      context.print(command, body ?? { id }, () => `resync ${cell(id)} ${said}\n`);
    });
}
