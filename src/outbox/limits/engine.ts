import Bottleneck from 'bottleneck';

// An engine is one Bottleneck that a destination's calls go through: the local one, or one
// generation of the shared one (shared-engine.ts). The destination limiter moves calls that have not
// started from an engine that failed to the next one (destination-limiter.ts), so an engine only
// needs to run jobs and say when it failed.

/** Concurrency and spacing of calls to one destination. */
export interface LimitSettings {
  /** Calls running at once, at most. */
  maxConcurrent: number;
  /** Least time between the starts of two calls, ms. */
  minTimeMs: number;
}

/** One Bottleneck with the jobs it holds. */
export interface Engine {
  readonly kind: 'local' | 'shared';
  /**
   * Runs `task` when the limits allow. `priority` is Bottleneck's (0 runs first, 9 last). Rejects
   * when the engine could not run the job (the task then never started) — or, for a shared job
   * that outlived its expiration, after it started (the caller tells the two apart).
   */
  schedule(priority: number, task: () => Promise<unknown>): Promise<unknown>;
  /** Waits (bounded) for the jobs it still holds to be accounted for, then lets go of its resources. */
  close(): Promise<void>;
}

/** A Bottleneck in this process: today's per-destination limiter; it cannot fail. */
export function createLocalEngine(settings: LimitSettings): Engine {
  const limiter = new Bottleneck({ maxConcurrent: settings.maxConcurrent, minTime: settings.minTimeMs });
  return {
    kind: 'local',
    schedule: (priority, task) => limiter.schedule({ priority }, task),
    // Nothing to let go: jobs a local limiter still holds are no-ops of calls that moved on.
    close: async () => undefined,
  };
}
