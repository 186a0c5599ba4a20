import { isDeepStrictEqual } from 'node:util';
import type { Logger } from '../logging/logger.ts';
import type { CanonicalData } from '../model/index.ts';
import type { RetentionDeadLetter, RetentionDelivery, RetentionEvent, RetentionOperation } from '../store/retention-store.ts';
import type { Store } from '../store/store.ts';
import { anonymiseEvent } from './anonymise.ts';
import type { RetentionPolicy } from './policy-schema.ts';

/**
 * The retention job: deletes raw deliveries, deletes or anonymises events, and blanks ended
 * operations' fields once they are older than `policies.retention` says. What is due is decided by
 * the pure functions below, one page of rows at a time, in store order; the store re-checks in the
 * same statement what must never go (a delivery not derived, an event still needed, an operation
 * not ended), so a page read a moment earlier cannot remove anything it should not.
 */

/** Per kind of row: anything stored (or, for operations, last changed) before this instant, epoch ms, is due. Absent: kept. */
export interface RetentionCutoffs { deliveries?: number; events?: number; operations?: number }

export function retentionCutoffs(policy: RetentionPolicy, now: Date): RetentionCutoffs {
  const at = (ms: number | undefined) => (ms === undefined ? undefined : now.getTime() - ms);
  const cut = { deliveries: at(policy.deliveries), events: at(policy.events), operations: at(policy.operations) };
  return Object.fromEntries(Object.entries(cut).filter(([, v]) => v !== undefined)) as RetentionCutoffs;
}

/** What one page decides: what to act on, whether the pages after it can hold anything due, and where the next page starts. */
export interface PageDecision<T> { due: T[]; done: boolean; nextSeq: number }

/**
 * Deliveries in commit order are also in time order, so the due ones are a prefix: the page stops
 * at the first one stored at or after the cut-off, or not derived yet (derivation goes in order).
 */
export function dueDeliveries(rows: readonly RetentionDelivery[], before: number, pageSize: number): PageDecision<number> {
  const due: number[] = [];
  for (const row of rows) {
    if (row.receivedAt >= before || !row.derived) return { due, done: true, nextSeq: row.seq };
    due.push(row.seq);
  }
  return { due, done: rows.length < pageSize, nextSeq: rows.at(-1)?.seq ?? 0 };
}

/**
 * Dead letters that hold what a policy bounds: an `intake` one keeps a delivery's body (due with
 * `deliveries`), a `mapping` one a copy of its event (due with `events`, whatever the mode: a
 * letter cannot be replayed on an anonymised copy). `delivery` ones go with their operation's
 * fields. Kept in time order, so the page stops once past both cut-offs.
 */
export function dueDeadLetters(rows: readonly RetentionDeadLetter[], cut: RetentionCutoffs, pageSize: number): PageDecision<number> {
  const before = { intake: cut.deliveries, mapping: cut.events, delivery: undefined } as const;
  const last = Math.max(cut.deliveries ?? -Infinity, cut.events ?? -Infinity);
  const due: number[] = [];
  for (const row of rows) {
    if (row.createdAt >= last) return { due, done: true, nextSeq: row.seq };
    const cutoff = before[row.stage];
    if (cutoff !== undefined && row.createdAt < cutoff) due.push(row.seq);
  }
  return { due, done: rows.length < pageSize, nextSeq: rows.at(-1)?.seq ?? 0 };
}

/** An event's due change: deleted, or rewritten with its anonymised data. */
export type EventChange = { id: string; data?: CanonicalData };

/**
 * Events stored before the cut-off, in store order, that nothing holds: each deleted, or (mode
 * `anonymise`) rewritten without its personal fields (skipped when it has none left). Held ones
 * are left for a later run. `settledSeq` is how far every event is final (none held or still to
 * change before it): the next run may start there.
 */
export function dueEvents(rows: readonly RetentionEvent[], before: number, mode: RetentionPolicy['mode'], pageSize: number): PageDecision<EventChange> & { settledSeq?: number } {
  const due: EventChange[] = [];
  let settled = true;
  let settledSeq: number | undefined;
  for (const row of rows) {
    if (row.receivedAt >= before) return { due, done: true, nextSeq: row.seq, ...(settledSeq !== undefined ? { settledSeq } : {}) };
    if (row.held) { settled = false; continue; }
    let changed = true;
    if (mode === 'delete') due.push({ id: row.id });
    else {
      const data = anonymiseEvent(row.data);
      changed = !isDeepStrictEqual(data, row.data);
      if (changed) due.push({ id: row.id, data });
    }
    // Final only once it needs no change: one rewritten now is checked again next run (it may have been held meanwhile).
    if (changed) settled = false;
    if (settled) settledSeq = row.seq;
  }
  return { due, done: rows.length < pageSize, nextSeq: rows.at(-1)?.seq ?? 0, ...(settledSeq !== undefined ? { settledSeq } : {}) };
}

/**
 * Ended operations last changed before the cut-off whose fields are not blank yet. Operations are
 * in plan order, not in the order they ended, so the page only stops at one planned at or after the
 * cut-off (it cannot have changed before it). `settledSeq`: how far every operation is blank and ended.
 */
export function dueOperations(rows: readonly RetentionOperation[], before: number, pageSize: number): PageDecision<string> & { settledSeq?: number } {
  const due: string[] = [];
  let settled = true;
  let settledSeq: number | undefined;
  for (const row of rows) {
    if (row.createdAt >= before) return { due, done: true, nextSeq: row.seq, ...(settledSeq !== undefined ? { settledSeq } : {}) };
    const isDue = row.ended && !row.blank && row.updatedAt < before;
    if (isDue) due.push(row.id);
    // Final only once blank: one blanked now is checked again next run (a replay may have taken it back meanwhile).
    if (!(row.ended && row.blank)) settled = false;
    if (settled) settledSeq = row.seq;
  }
  return { due, done: rows.length < pageSize, nextSeq: rows.at(-1)?.seq ?? 0, ...(settledSeq !== undefined ? { settledSeq } : {}) };
}

/** What one run removed, counts only (no ids, no personal data: they are logged). */
export interface RetentionReport { deliveries: number; events: number; anonymised: number; operations: number; deadLetters: number; skipped?: 'not-lead' }

export interface RetentionJobOptions {
  store: Store;
  policy: RetentionPolicy;
  logger: Logger;
  now: () => Date;
  /** Rows per page, each page its own transaction (default 500). */
  pageSize?: number;
}

export interface RetentionJob {
  /** One run, now; on an instance that does not lead planning, nothing (another instance runs it). */
  runOnce(): Promise<RetentionReport>;
  /** Runs every `policy.every`, the first run one period after start. */
  start(): void;
  /** Stops the timer; resolves once a running run has finished. */
  stop(): Promise<void>;
}

/** Whether a policy asks for any retention at all (the job need not start otherwise). */
export function retentionConfigured(policy: RetentionPolicy): boolean {
  return policy.events !== undefined || policy.deliveries !== undefined || policy.operations !== undefined;
}

export function createRetentionJob(options: RetentionJobOptions): RetentionJob {
  const { store, policy, logger } = options;
  const pageSize = options.pageSize ?? 500;
  // Where the last run found everything before final, per table: a run starts there instead of at
  // the oldest row. In memory: after a restart, the first run reads from the start once.
  const from = { events: 0, operations: 0 };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<RetentionReport> | undefined;

  /** From the first row in store order: each page's due rows deleted, until a page says the rest is younger. */
  const sweep = async <R>(read: (query: { afterSeq: number; limit: number }) => Promise<R[]>, decide: (rows: R[]) => PageDecision<number>, remove: (seqs: number[]) => Promise<number>): Promise<number> => {
    let removed = 0;
    for (let seq = 0; ;) {
      const page = decide(await read({ afterSeq: seq, limit: pageSize }));
      removed += await remove(page.due);
      if (page.done) return removed;
      seq = page.nextSeq;
    }
  };

  const deliveries = (before: number): Promise<number> =>
    sweep((q) => store.retention.readDeliveries(q), (rows) => dueDeliveries(rows, before, pageSize), (due) => store.retention.deleteDeliveries(due));

  const events = async (before: number): Promise<{ events: number; anonymised: number }> => {
    const out = { events: 0, anonymised: 0 };
    for (let seq = from.events; ;) {
      const page = dueEvents(await store.retention.readEvents({ afterSeq: seq, limit: pageSize }), before, policy.mode, pageSize);
      if (policy.mode === 'delete') out.events += await store.retention.deleteEvents(page.due.map((c) => c.id));
      else out.anonymised += await store.retention.rewriteEvents(page.due.flatMap((c) => (c.data ? [{ id: c.id, data: c.data }] : [])));
      // Anonymised events stay: the next run need not read them again. Deleted ones are gone anyway.
      if (policy.mode === 'anonymise' && page.settledSeq !== undefined && seq === from.events) from.events = page.settledSeq;
      if (page.done) return out;
      seq = page.nextSeq;
    }
  };

  const deadLetters = (cut: RetentionCutoffs): Promise<number> =>
    sweep((q) => store.retention.readDeadLetters(q), (rows) => dueDeadLetters(rows, cut, pageSize), (due) => store.retention.deleteDeadLetters(due));

  const operations = async (before: number): Promise<number> => {
    let blanked = 0;
    for (let seq = from.operations; ;) {
      const page = dueOperations(await store.retention.readOperations({ afterSeq: seq, limit: pageSize }), before, pageSize);
      blanked += await store.retention.blankOperations(page.due);
      if (page.settledSeq !== undefined && seq === from.operations) from.operations = page.settledSeq;
      if (page.done) return blanked;
      seq = page.nextSeq;
    }
  };

  const run = async (): Promise<RetentionReport> => {
    // One instance at a time: the one leading planning (always this one on an embedded store).
    if (!(await store.holdsLead('plan'))) return { deliveries: 0, events: 0, anonymised: 0, operations: 0, deadLetters: 0, skipped: 'not-lead' };
    const cut = retentionCutoffs(policy, options.now());
    const report: RetentionReport = { deliveries: 0, events: 0, anonymised: 0, operations: 0, deadLetters: 0 };
    if (cut.deliveries !== undefined) report.deliveries = await deliveries(cut.deliveries);
    if (cut.events !== undefined) Object.assign(report, await events(cut.events));
    if (cut.operations !== undefined) report.operations = await operations(cut.operations);
    if (cut.deliveries !== undefined || cut.events !== undefined) report.deadLetters = await deadLetters(cut);
    logger.info({ ...report, mode: policy.mode }, 'retention run');
    return report;
  };

  const runOnce = (): Promise<RetentionReport> => {
    running ??= run().finally(() => { running = undefined; });
    return running;
  };

  return {
    runOnce,
    start() {
      if (timer || !retentionConfigured(policy)) return;
      timer = setInterval(() => {
        runOnce().catch((err: unknown) => logger.warn({ err: { message: (err as Error).message } }, 'retention run failed; will retry at the next'));
      }, policy.every);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
