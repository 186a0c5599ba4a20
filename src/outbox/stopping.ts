// A dispatcher's stop, as something waits can be cut short by: a CRM slow to answer a login must
// not hold up a shutdown.

/** Thrown (rejected with) by `until` once the stop begins. */
export const STOPPING: unique symbol = Symbol('stopping');

export interface Stopping {
  /** True once `stop` was called. */
  readonly stopped: boolean;
  /**
   * `work`'s result, or a rejection with `STOPPING` as soon as the stop begins (at once if it
   * already has). The work goes on unawaited; its result, or its failure, is dropped.
   */
  until<T>(work: Promise<T>): Promise<T>;
  /** Begins the stop: every `until` pending rejects with `STOPPING`. Idempotent. */
  stop(): void;
}

export function createStopping(): Stopping {
  let stopped = false;
  let onStop: () => void = () => undefined;
  const stopping = new Promise<void>((resolve) => { onStop = resolve; });
  return {
    get stopped() { return stopped; },
    until<T>(work: Promise<T>): Promise<T> {
      work.catch(() => undefined);
      return Promise.race([work, stopping.then((): never => { throw STOPPING; })]);
    },
    stop() {
      stopped = true;
      onStop();
    },
  };
}
