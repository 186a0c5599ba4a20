import type { ResyncCounts, StoredResync } from '../store/resync-store.ts';

/** A job as the API shows it (`GET /v1/resyncs/:id`, ARCHITECTURE.md "Fixed interfaces"). */
export interface ResyncView extends Omit<StoredResync, 'cursor' | 'requestedBy'> {
  requestedBy: string;
  counts: ResyncCounts;
  /** Operations ended (written, failed or skipped) per second since the job started; null before it did. */
  ratePerSecond: number | null;
  /**
   * Seconds until every operation is ended at the current rate: 0 once the job ended, null while
   * nothing is known to measure it by (not started, nothing ended yet).
   */
  etaSeconds: number | null;
}

/**
 * Rate and ETA of a job at `now`. While planning, the operations still to come are estimated from
 * the events left in the scope (counted when the job started) at the operations per event so far.
 * Pure.
 */
export function resyncView(job: StoredResync, now: Date): ResyncView {
  // The cursor is the runner's business, not the operator's.
  const shown: Omit<StoredResync, 'cursor'> = { ...job };
  delete (shown as Partial<StoredResync>).cursor;
  const ended = job.counts.written + job.counts.failed + job.counts.skipped;
  const from = job.startedAt === undefined ? undefined : Date.parse(job.startedAt);
  const until = job.finishedAt === undefined ? now.getTime() : Date.parse(job.finishedAt);
  const seconds = from === undefined ? 0 : (until - from) / 1000;
  const ratePerSecond = seconds > 0 ? round(ended / seconds) : null;
  if (job.state === 'done' || job.state === 'cancelled' || job.state === 'failed') return { ...shown, ratePerSecond, etaSeconds: 0 };
  const perEvent = job.events.done > 0 ? job.counts.planned / job.events.done : 0;
  const unplanned = job.planningDone || job.events.total === undefined ? 0 : Math.max(0, job.events.total - job.events.done) * perEvent;
  const remaining = job.counts.queued + unplanned;
  const etaSeconds = ratePerSecond !== null && ratePerSecond > 0 ? Math.ceil(remaining / ratePerSecond) : remaining === 0 && job.planningDone ? 0 : null;
  return { ...shown, ratePerSecond, etaSeconds };
}

const round = (n: number) => Math.round(n * 100) / 100;
