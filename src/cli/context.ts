import type { Command } from 'commander';
import { createApiClient, type ApiClient } from './api-client.ts';
import { EXIT, type CliIo, type ExitCode } from './io.ts';
import { toJson } from './render.ts';

/** The URL used when neither `--url` nor `PARLEY_URL` is given: `npm start`'s default address. */
export const DEFAULT_URL = 'http://127.0.0.1:3000';

/** The global options, as every command sees them (`optsWithGlobals`). */
export interface GlobalOptions { url?: string; apiKey?: string; json?: boolean }

/** What a command's action needs besides its own options: the I/O, the API client, output and the exit code. */
export class CliContext {
  readonly io: CliIo;
  #exitCode: ExitCode = EXIT.ok;
  #apiKeyGiven = false;

  constructor(io: CliIo) { this.io = io; }

  /** The exit code the actions asked for (0 unless a waited job did not end `done`). */
  get exitCode(): ExitCode { return this.#exitCode; }
  /** Whether the last client was made with an API key (for the hint on a 401). */
  get apiKeyGiven(): boolean { return this.#apiKeyGiven; }

  /** Ends with `code` once the action returns (without printing anything more). */
  fail(code: ExitCode = EXIT.failed): void { this.#exitCode = code; }

  /** `--url`, else PARLEY_URL, else DEFAULT_URL. */
  url(command: Command): string {
    return command.optsWithGlobals<GlobalOptions>().url ?? this.io.env.PARLEY_URL ?? DEFAULT_URL;
  }

  /** A client for the command's global options: `--url` (or PARLEY_URL), `--api-key` (or PARLEY_API_KEY). */
  client(command: Command): ApiClient {
    const apiKey = command.optsWithGlobals<GlobalOptions>().apiKey ?? this.io.env.PARLEY_API_KEY;
    this.#apiKeyGiven = Boolean(apiKey);
    return createApiClient({ baseUrl: this.url(command), apiKey: apiKey || undefined, fetch: this.io.fetch });
  }

  /** True under `--json`. */
  json(command: Command): boolean { return command.optsWithGlobals<GlobalOptions>().json === true; }

  /** Prints `body` as JSON under `--json`, else what `human` makes of it. */
  print(command: Command, body: unknown, human: () => string): void {
    this.io.stdout(this.json(command) ? toJson(body) : human());
  }
}
