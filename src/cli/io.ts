import { createInterface } from 'node:readline/promises';

/**
 * Everything the CLI touches outside itself, passed in so that tests drive it in-process: the two
 * output streams, the environment (only `PARLEY_URL` and `PARLEY_API_KEY` are read), whether stdin
 * is a terminal and a way to ask on it, the clock's sleep (polling for `--wait`) and `fetch`.
 */
export interface CliIo {
  /** Writes to standard output (results: tables, summaries, `--json` bodies). */
  stdout: (text: string) => void;
  /** Writes to standard error (errors, prompts, progress hints). */
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** True when stdin is a terminal a person can answer on (erase asks there). */
  stdinIsTTY: boolean;
  /** Shows `question` on stderr and resolves with the line typed. */
  ask: (question: string) => Promise<string>;
  /** Waits `ms` milliseconds (between polls of `--wait`). */
  sleep: (ms: number) => Promise<void>;
  fetch: typeof fetch;
}

/** Process exit codes: 0 success, 1 the API or the network failed (or a waited job did not end `done`), 2 usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The real process: its streams, environment and terminal. */
export function processIo(): CliIo {
  return {
    stdout: (text) => { process.stdout.write(text); },
    stderr: (text) => { process.stderr.write(text); },
    env: process.env,
    stdinIsTTY: process.stdin.isTTY === true,
    ask: async (question) => {
      // The prompt goes to stderr, so that `--json` output on stdout stays one JSON document.
      const lines = createInterface({ input: process.stdin, output: process.stderr });
      try { return await lines.question(question); } finally { lines.close(); }
    },
    sleep: (ms) => new Promise((resolve) => { setTimeout(resolve, ms); }),
    fetch: globalThis.fetch,
  };
}
