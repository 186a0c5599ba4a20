import { Command, CommanderError, Option } from 'commander';
import { addEraseCommands } from './commands/erase.ts';
import { addMappingsCommands, isLocalCommand } from './commands/mappings.ts';
import { addPersonCommands } from './commands/person.ts';
import { addResyncCommands } from './commands/resync.ts';
import { CliContext, DEFAULT_URL, type GlobalOptions } from './context.ts';
import { exitCodeOf, formatFailure } from './failure.ts';
import { EXIT, type CliIo, type ExitCode } from './io.ts';

const ENVIRONMENT_HELP = `
Environment:
  PARLEY_URL      Parley's address when --url is not given (default ${DEFAULT_URL})
  PARLEY_API_KEY  the API key when --api-key is not given; prefer it to --api-key,
                  which other users of this machine can see in the process list

Exit status: 0 done; 1 the API refused or could not be reached, a followed job
did not end done, or mappings check found a problem; 2 a usage error (or erase
without --yes and without a terminal).
`;

/**
 * The `parley` command tree (commander), writing through `io`. Commander's own exits (help, usage
 * errors) are thrown as CommanderError instead of ending the process, so the caller decides.
 */
export function buildProgram(context: CliContext): Command {
  const { io } = context;
  const program = new Command('parley')
    .description('Operate Parley over its API: resyncs, people across networks, erasure; and check mapping files offline.')
    // Set before the subcommands are added: commander copies these settings into each one.
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .addOption(new Option('--url <url>', `Parley's address (env PARLEY_URL, else ${DEFAULT_URL})`))
    .addOption(new Option('--api-key <key>', 'a bearer API key (env PARLEY_API_KEY); never printed'))
    .option('--json', 'print the API\'s JSON instead of tables and summaries')
    .addHelpText('after', ENVIRONMENT_HELP)
    .hook('preAction', (_program, action) => {
      // A local command (mappings check) never calls the API: a bad PARLEY_URL is not its concern.
      if (isLocalCommand(action)) return;
      const url = context.url(action);
      if (!isHttpUrl(url)) {
        const from = action.optsWithGlobals<GlobalOptions>().url !== undefined ? '--url' : 'PARLEY_URL';
        action.error(`error: ${from} must be an http:// or https:// URL, not ${JSON.stringify(url)}`, { exitCode: EXIT.usage, code: 'parley.usage' });
      }
    });
  addResyncCommands(program, context);
  addPersonCommands(program, context);
  addEraseCommands(program, context);
  addMappingsCommands(program, context);
  return program;
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Runs one command line (without `node` and the script: `['resync', 'list']`).
 * @returns the exit status: 0 done, 1 the API or network failed (printed as one line
 *   `parley: CODE: message`, plus one line per problem), 2 a usage error (commander's message)
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const context = new CliContext(io);
  try {
    await buildProgram(context).parseAsync([...argv], { from: 'user' });
    return context.exitCode;
  } catch (error) {
    // Commander has printed its message already: help (status 0), or a usage error.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    io.stderr(formatFailure(error, { apiKeyGiven: context.apiKeyGiven }));
    return exitCodeOf(error);
  }
}
