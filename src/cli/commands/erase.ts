import type { Command } from 'commander';
import { errors } from '../../errors.ts';
import { parseSeconds } from '../arguments.ts';
import type { CliContext } from '../context.ts';
import { cell, describe, table, toJson } from '../render.ts';
import { waitForJob } from '../wait.ts';

// `parley erase` and `parley erasure show`: a thin client over POST /v1/persons/:id/erase and
// GET /v1/erasures/:id (ARCHITECTURE.md, Fixed interfaces: People).

/** An erasure as GET /v1/erasures/:id answers it. `deleted` is what that CRM deleted (its shape is the server's). */
export interface Erasure {
  id: string;
  state: string;
  destinations?: Record<string, { deleted?: unknown; state?: string; [field: string]: unknown }>;
  [field: string]: unknown;
}

const erasurePath = (id: string) => `/v1/erasures/${encodeURIComponent(id)}`;

/** The erasure as lines: its id and state, then a table of its destinations, then any other field. */
export function erasureText(erasure: Erasure): string {
  const { id, state, destinations, ...rest } = erasure;
  const rows = Object.entries(destinations ?? {}).map(([name, d]) => ({ name, ...d }));
  const others = Object.keys(rest).length > 0 ? describe(rest) : '';
  return `erasure ${cell(id)} ${cell(state)}\n${table(rows, [
    { header: 'DESTINATION', value: (d) => d.name }, { header: 'STATE', value: (d) => d.state }, { header: 'DELETED', value: (d) => d.deleted },
  ])}${others}`;
}

/** Asks on the terminal, or refuses when there is none: an erasure cannot be undone. */
async function confirm(context: CliContext, personId: string): Promise<void> {
  if (!context.io.stdinIsTTY) throw errors.CLI_CONFIRMATION_REQUIRED({ personId });
  const answer = await context.io.ask(
    `Erase person ${cell(personId)}? Their personal data leaves Parley and their records are deleted in every CRM. This cannot be undone. [y/N] `);
  if (!/^\s*y(es)?\s*$/i.test(answer)) throw errors.CLI_NOT_CONFIRMED({ personId });
}

/** Follows an erasure until it is no longer `running`; exit 1 unless it ends `done`. */
async function follow(context: CliContext, command: Command, first: Erasure | undefined, id: string, intervalSeconds: number): Promise<void> {
  const client = context.client(command);
  const json = context.json(command);
  const last = await waitForJob<Erasure>({
    read: async () => (await client.request({ method: 'GET', path: erasurePath(id) })).body as Erasure,
    running: (e) => e.state === 'running',
    // The progress line: the state of each destination, which is what changes while it runs.
    progress: (e) => [`erasure ${cell(e.id)} ${cell(e.state)}`, ...Object.entries(e.destinations ?? {}).map(([name, d]) => `${cell(name)} ${cell(d.state)}`)].join('  '),
    intervalMs: intervalSeconds * 1000, io: context.io, show: !json,
  }, first);
  context.io.stdout(json ? toJson(last) : erasureText(last));
  if (last.state !== 'done') context.fail();
}

/** Adds `erase` and `erasure show` to `program`. */
export function addEraseCommands(program: Command, context: CliContext): void {
  program.command('erase').argument('<personId>', 'the person to erase (the PERSON column of `parley person search`)')
    .summary('erase a person everywhere (right to erasure)')
    .description('honour a right-to-erasure request: remove the person\'s data from Parley and delete their records in every CRM. Asks first on a terminal; without one, needs --yes. Needs an "admin" key.')
    .option('--yes', 'do not ask: erase (the only way without a terminal)')
    .option('--wait', 'follow the erasure until it is done (exit 1 unless done)')
    .option('--interval <seconds>', 'seconds between reads with --wait', parseSeconds, 2)
    .action(async (personId: string, options: { yes?: boolean; wait?: boolean; interval: number }, command: Command) => {
      if (!options.yes) await confirm(context, personId);
      const { body } = await context.client(command).request({ method: 'POST', path: `/v1/persons/${encodeURIComponent(personId)}/erase` });
      const started = body as Erasure;
      if (options.wait) return follow(context, command, undefined, started.id, options.interval);
      context.print(command, started, () => `erasure ${cell(started.id)} ${cell(started.state)}\nfollow it: parley erasure show ${cell(started.id)} --wait\n`);
    });

  const erasure = program.command('erasure').description('follow erasures');
  erasure.command('show').argument('<id>', 'the erasure\'s id (printed by parley erase)')
    .description('show an erasure: its state and, per destination, what was deleted (GET /v1/erasures/:id)')
    .option('--wait', 'follow it until it is done (exit 1 unless done)')
    .option('--interval <seconds>', 'seconds between reads with --wait', parseSeconds, 2)
    .action(async (id: string, options: { wait?: boolean; interval: number }, command: Command) => {
      if (options.wait) return follow(context, command, undefined, id, options.interval);
      const { body } = await context.client(command).request({ method: 'GET', path: erasurePath(id) });
      context.print(command, body, () => erasureText(body as Erasure));
    });
}
