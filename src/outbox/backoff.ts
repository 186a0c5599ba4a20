/**
 * When the outbox tries an operation again: exponential steps with full jitter (a random wait
 * between 0 and the step, so retries of many operations spread out instead of arriving together),
 * until the operation is older than `maxAgeMs`, when it goes dead.
 */
export interface RetrySchedule {
  /** The n-th retry waits up to `stepsMs[n-1]`; beyond the list, up to the last step. */
  stepsMs: number[];
  /** Operations older than this (from when they were planned) are not retried: dead. */
  maxAgeMs: number;
}

/** About 10 s, 1 min, 5 min, 30 min, 2 h, 6 h, then every 12 h, for up to 3 days. */
export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
  stepsMs: [10_000, 60_000, 300_000, 1_800_000, 7_200_000, 21_600_000, 43_200_000],
  maxAgeMs: 3 * 24 * 3600_000,
};

/**
 * The wait before retry number `attempt` (1 for the first retry), ms. Pure given `random` ([0, 1)).
 */
export function retryDelayMs(attempt: number, schedule: RetrySchedule, random: () => number): number {
  const steps = schedule.stepsMs;
  const step = steps[Math.min(Math.max(attempt, 1), steps.length) - 1] ?? 0;
  return Math.floor(random() * step);
}

/** True when an operation planned at `createdAt` should no longer be retried at `now`. */
export function pastRetryWindow(createdAt: Date, now: Date, schedule: RetrySchedule): boolean {
  return now.getTime() - createdAt.getTime() >= schedule.maxAgeMs;
}
