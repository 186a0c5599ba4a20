/**
 * The loop of a component that follows the store step by step (the planner, the people indexer,
 * the crisis engine): one step at a time, never two at once (steps queue behind each other);
 * `notify` runs steps until one finds nothing; a failed step is logged and tried again after
 * `retryMs`; `stop` lets the running step finish. The component supplies only its step.
 */
export interface StepLoop<A extends unknown[] = []> {
  /** Runs one step after any running one; resolves with what it did (0: nothing left). */
  step(...args: A): Promise<number>;
  /** Something changed: run steps (after `delayMs`, default at once) until one does nothing. */
  notify(delayMs?: number): void;
  /** Steps until one does nothing (true) or `timeoutMs` passes, or one answers a negative number (false: waiting on something else). */
  catchUp(timeoutMs: number, ...args: A): Promise<boolean>;
  /** Schedules nothing more; resolves once a running step has finished. */
  stop(): Promise<void>;
}

export interface StepLoopOptions<A extends unknown[]> {
  /** One step: how much it did (0 nothing left; negative: nothing it can do until something else happens). */
  run: (...args: A) => Promise<number>;
  /** The arguments of the steps `notify` runs. */
  args: A;
  /** Pause before retrying after a failed step, ms. */
  retryMs: number;
  /** A step failed (logged by the component, once per failure). */
  onError: (error: unknown) => void;
  /** Whether scheduled steps may run now (e.g. a component that has not started); default always. */
  enabled?: () => boolean;
}

export function createStepLoop<A extends unknown[] = []>(options: StepLoopOptions<A>): StepLoop<A> {
  let current: Promise<number> = Promise.resolve(0);
  let scheduled = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const step = (...args: A): Promise<number> => {
    current = current.catch(() => 0).then(() => options.run(...args));
    return current;
  };

  const schedule = (delayMs: number): void => {
    if (stopped || scheduled || (options.enabled && !options.enabled())) return;
    scheduled = true;
    const run = () => {
      timer = undefined;
      step(...options.args).then(
        // Until a step finds nothing: a step that did something may have left more.
        (n) => { scheduled = false; if (n > 0) schedule(0); },
        (error: unknown) => { scheduled = false; options.onError(error); schedule(options.retryMs); },
      );
    };
    if (delayMs > 0) timer = setTimeout(run, delayMs); else setImmediate(run);
  };

  return {
    step,
    notify: (delayMs = 0) => schedule(delayMs),
    async catchUp(timeoutMs, ...args) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const done = await step(...args);
        if (done < 0) return false;
        if (done === 0) return true;
      }
      return false;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current.catch(() => 0);
    },
  };
}
