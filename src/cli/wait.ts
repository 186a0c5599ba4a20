import { isParleyError } from '../errors.ts';
import type { CliIo } from './io.ts';

/** How `--wait` follows a job. */
export interface WaitOptions<T> {
  /** Reads the job once (GET /v1/resyncs/:id, GET /v1/erasures/:id). */
  read: () => Promise<T>;
  /** True while the job has not ended. */
  running: (job: T) => boolean;
  /** The progress line for a job; printed to stdout each time it changes. */
  progress: (job: T) => string;
  /** Milliseconds between reads. */
  intervalMs: number;
  io: Pick<CliIo, 'stdout' | 'stderr' | 'sleep'>;
  /** Print progress lines (false under `--json`, where only the final body is printed). */
  show: boolean;
}

// A server restarting under a resync (the jobs resume after it) should not end the wait: this many
// failed reads in a row are tolerated, each said on stderr, before the wait gives up.
const TOLERATED_FAILURES = 5;

/** A failure the next poll may not see: the server is unreachable, restarting or overloaded. */
function isTransient(error: unknown): boolean {
  return isParleyError(error) && (error.code === 'PARLEY_CLI_UNREACHABLE' || error.status >= 500);
}

/**
 * Reads a job until it ends, printing a progress line whenever it changes.
 * @returns the job as last read (ended)
 * @throws the read's error when it is not transient, or after TOLERATED_FAILURES transient ones in a row
 */
export async function waitForJob<T>(options: WaitOptions<T>, first?: T): Promise<T> {
  let job = first ?? await options.read();
  let shown: string | undefined;
  let failures = 0;
  for (;;) {
    const line = options.progress(job);
    if (options.show && line !== shown) options.io.stdout(`${line}\n`);
    shown = line;
    if (!options.running(job)) return job;
    await options.io.sleep(options.intervalMs);
    try {
      job = await options.read();
      failures = 0;
    } catch (error) {
      failures += 1;
      if (!isTransient(error) || failures >= TOLERATED_FAILURES) throw error;
      const code = isParleyError(error) ? error.code : 'error';
      options.io.stderr(`parley: ${code} while following (${failures} of ${TOLERATED_FAILURES} in a row); trying again\n`);
    }
  }
}
