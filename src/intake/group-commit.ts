/**
 * Group commit: every item submitted during one event-loop turn is committed in one transaction,
 * and each submitter's promise settles only after that transaction is durable.
 *
 * Up to `maxInFlight` commits may be outstanding at once. With a store on another thread this
 * pipelines the work: the main thread gathers and sends the next batch while the store commits the
 * previous one, instead of every connection moving in lock-step with one commit. Once the limit is
 * reached, new items gather for the next commit, so a slow disk makes batches larger rather than
 * queues longer. Batches are handed to `commit` in submission order.
 */
export interface GroupCommitter<I, R> {
  /** Queues `item` for the next commit; resolves with its own result once committed. */
  submit(item: I): Promise<R>;
  /** Resolves when everything submitted so far has been committed (or failed). */
  drain(): Promise<void>;
}

export interface GroupCommitOptions<I, R> {
  /** Commits a batch in one transaction; returns one result per item, in order. */
  commit: (items: I[]) => Promise<R[]>;
  /** Most items per transaction; the rest wait for the next one. */
  maxBatch: number;
  /** Most commits outstanding at once (default 1). Only a store that orders its calls may use more than one. */
  maxInFlight?: number;
  /** Called after each commit with its size and duration (ms), for metrics. */
  onCommit?: (size: number, durationMs: number, ok: boolean) => void;
  /** Schedules the flush; `setImmediate` runs it after the current turn's I/O callbacks. */
  schedule?: (flush: () => void) => void;
}

interface Pending<I, R> { item: I; resolve: (result: R) => void; reject: (error: unknown) => void }

export function createGroupCommitter<I, R>(options: GroupCommitOptions<I, R>): GroupCommitter<I, R> {
  const schedule = options.schedule ?? ((flush) => setImmediate(flush));
  const maxInFlight = Math.max(1, options.maxInFlight ?? 1);
  let queue: Array<Pending<I, R>> = [];
  let scheduled = false;
  const inFlight = new Set<Promise<void>>();

  const flush = (): void => {
    scheduled = false;
    while (inFlight.size < maxInFlight && queue.length > 0) {
      const batch = queue.length <= options.maxBatch ? queue : queue.slice(0, options.maxBatch);
      queue = batch === queue ? [] : queue.slice(batch.length);
      const commit: Promise<void> = commitBatch(batch).finally(() => {
        inFlight.delete(commit);
        if (queue.length > 0) request();
      });
      inFlight.add(commit);
    }
  };

  const request = (): void => {
    if (scheduled) return;
    scheduled = true;
    schedule(flush);
  };

  async function commitBatch(batch: Array<Pending<I, R>>): Promise<void> {
    const started = performance.now();
    try {
      const results = await options.commit(batch.map((p) => p.item));
      options.onCommit?.(batch.length, performance.now() - started, true);
      batch.forEach((p, i) => p.resolve(results[i] as R));
    } catch (error) {
      options.onCommit?.(batch.length, performance.now() - started, false);
      for (const p of batch) p.reject(error);
    }
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        request();
      });
    },
    async drain() {
      while (inFlight.size > 0 || queue.length > 0) {
        if (inFlight.size < maxInFlight) flush();
        await Promise.all(inFlight);
      }
    },
  };
}
