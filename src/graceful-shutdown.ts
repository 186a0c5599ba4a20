/**
 * One graceful shutdown per process, however many signals ask for it.
 *
 * Under `npm start`, one Ctrl-C or `kill` of the process group reaches the service more than once:
 * the group's signal, npm passing its own on, and scripts/start.mjs's parent watcher once npm is
 * gone. close-with-grace exits at once on a second signal, which abandoned the batches being sent
 * to a CRM with their leases held for a minute. Here every later signal is only logged; the one
 * shutdown goes on until it is done, or until the deadline, which alone forces the exit.
 */

/** Signals that ask Parley to stop: a process manager's (SIGTERM) and a terminal's Ctrl-C (SIGINT). */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Where shutdown progress goes: the service's pino logger once it exists, stderr before. */
export interface ShutdownReporter {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ShutdownOptions {
  /** From the first request to stop until the process exits anyway, with status 1, ms. */
  deadlineMs: number;
  /** Reports until `useLogger` is called (default: one `parley: …` line to stderr each). */
  reporter?: ShutdownReporter;
  /** Where signals and uncaught errors come from (default `process`); tests pass an EventEmitter. */
  events?: Pick<NodeJS.EventEmitter, 'on' | 'removeListener'>;
  /** Ends the process (default `process.exit`). */
  exit?: (code: number) => void;
}

/** The installed handling; see `handleShutdown`. */
export interface GracefulShutdown {
  /** Reports through the service's logger from now on. */
  useLogger(logger: ShutdownReporter): void;
  /**
   * What stops the service. Runs once a stop is asked for (at once if one already was, during
   * start-up); the process then exits: 0, or 1 when `stop` failed or an uncaught error asked for it.
   */
  onStop(stop: () => Promise<void>): void;
  /** Removes the handlers (start-up failed: the caller reports and exits itself). */
  uninstall(): void;
  /** Aborted once a stop is asked for: start-up cuts short what can wait (connecting to a slow CRM). */
  readonly requested: AbortSignal;
}

/**
 * Installs the handling of SIGTERM, SIGINT and uncaught errors. Install it before starting the
 * service, so a signal during start-up waits for start-up to finish and then stops what it started
 * instead of killing the process half-way.
 */
export function handleShutdown(options: ShutdownOptions): GracefulShutdown {
  const events = options.events ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let report = options.reporter ?? stderrReporter;
  let stop: (() => Promise<void>) | undefined;
  let requestedAt: number | undefined;
  // What asked for the stop, repeated in the service's log when the stop was asked during start-up.
  let cause: Record<string, unknown> = {};
  let exitCode = 0;
  let running = false;
  let deadline: NodeJS.Timeout | undefined;
  const requested = new AbortController();

  const run = () => {
    if (!stop || running || requestedAt === undefined) return;
    running = true;
    const startedAt = requestedAt;
    stop().catch((err: unknown) => {
      report.error({ err }, 'stopping failed');
      exitCode = 1;
    }).finally(() => {
      clearTimeout(deadline);
      report.info({ exitCode, ms: Date.now() - startedAt }, 'stopped');
      exit(exitCode);
    });
  };

  const begin = (fields: Record<string, unknown>) => {
    requestedAt = Date.now();
    cause = fields;
    requested.abort();
    // Not unref'd: this timer is what guarantees the exit when something in the stop hangs.
    deadline = setTimeout(() => {
      report.error({ deadlineMs: options.deadlineMs }, `the shutdown did not finish within ${options.deadlineMs / 1000} s; exiting without it`);
      exit(1);
    }, options.deadlineMs);
    run();
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (requestedAt !== undefined) {
      const left = Math.max(0, Math.ceil((requestedAt + options.deadlineMs - Date.now()) / 1000));
      // Expected under `npm start` (the group's signal, npm's, the parent watcher's): news, not a problem.
      report.info({ signal }, `${signal} while a shutdown is in progress: it goes on (at most ${left} s more)`);
      return;
    }
    report.info({ signal }, stop ? 'stopping' : 'stopping once start-up is done');
    begin({ signal });
  };

  // As close-with-grace did: an uncaught error stops the service as gracefully as it can, with status 1.
  const onError = (err: unknown) => {
    if (requestedAt !== undefined) {
      report.error({ err }, 'an uncaught error while stopping; the shutdown goes on');
      return;
    }
    report.error({ err }, 'stopping after an uncaught error');
    exitCode = 1;
    begin({ error: true });
  };

  for (const signal of STOP_SIGNALS) events.on(signal, onSignal);
  events.on('uncaughtException', onError);
  events.on('unhandledRejection', onError);

  return {
    requested: requested.signal,
    useLogger(logger) {
      report = logger;
      if (requestedAt !== undefined) report.info({ ...cause, duringStartUp: true }, 'stopping');
    },
    onStop(fn) {
      stop = fn;
      run();
    },
    uninstall() {
      clearTimeout(deadline);
      for (const signal of STOP_SIGNALS) events.removeListener(signal, onSignal);
      events.removeListener('uncaughtException', onError);
      events.removeListener('unhandledRejection', onError);
    },
  };
}

const line = (message: string, fields: Record<string, unknown>) => {
  const { err, ...rest } = fields;
  const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  process.stderr.write(`parley: ${message}${extra}\n${err instanceof Error ? `${err.stack ?? err.message}\n` : err !== undefined ? `${String(err)}\n` : ''}`);
};

const stderrReporter: ShutdownReporter = {
  info: (fields, message) => line(message, fields),
  warn: (fields, message) => line(message, fields),
  error: (fields, message) => line(message, fields),
};
