import type { ObjectCatalog } from '../connectors/destination.ts';
import type { Logger } from '../logging/logger.ts';
import type { CompiledMapping } from '../mappings/compiled-mapping.ts';
import { planOperations } from '../mappings/plan-operations.ts';
import type { CanonicalData } from '../model/index.ts';
import type { NewOperation, PlannedEvent, Store } from '../store/store.ts';

/**
 * The planner: runs the mappings on stored events and queues the operations they make in the
 * outbox, marking each event planned in the same transaction (so running it twice changes nothing,
 * and a crash between the two cannot happen). Mapping failures become dead letters, never silence.
 */
export interface Planner {
  /** Tells the planner new events were stored. */
  notify(): void;
  /** Plans at most `limit` unplanned events in one transaction; returns how many were read. */
  step(limit: number): Promise<number>;
  /** Plans until nothing is left or `timeoutMs` passes; true when nothing was left. */
  catchUp(timeoutMs: number): Promise<boolean>;
  /** Stops scheduling; resolves once a running step has finished. */
  stop(): Promise<void>;
}

export interface PlannerOptions {
  store: Store;
  mappings: readonly CompiledMapping[];
  /** The destinations' catalogs known so far, to coerce values (empty until the destinations connect). */
  catalogs?: () => ReadonlyMap<string, ObjectCatalog>;
  logger: Logger;
  now: () => Date;
  newId: () => string;
  /** Events per transaction (default 100). */
  chunk?: number;
  /** Pause before retrying after a failed step, ms (default 1000). */
  retryMs?: number;
  /** Called after a step queued operations (the dispatcher listens). */
  onPlanned?: () => void;
}

/**
 * The identity an event is about: the person whose operations must keep their order (a persona
 * before the posts that point at it). Pure.
 */
export function identityOf(data: CanonicalData): string {
  switch (data.kind) {
    case 'identity': return data.key;
    case 'interaction': return data.author.key;
    case 'erasure': {
      const subject = data.subject;
      if (subject.userId !== undefined) return `${data.network}:${subject.userId}`;
      return `${data.network}:post:${subject.type === 'post' ? subject.networkId : 'unknown'}`;
    }
  }
}

export function createPlanner(options: PlannerOptions): Planner {
  const chunk = options.chunk ?? 100;
  const retryMs = options.retryMs ?? 1000;
  const catalogs = options.catalogs ?? (() => new Map());
  let current: Promise<number> = Promise.resolve(0);
  let scheduled = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const runStep = async (limit: number): Promise<number> => {
    const events = await options.store.readUnplannedEvents(limit);
    if (events.length === 0) return 0;
    const plans: PlannedEvent[] = [];
    for (const event of events) {
      const { operations, problems } = await planOperations(options.mappings, { id: event.id, source: event.source, data: event.data }, catalogs());
      const identity = identityOf(event.data);
      plans.push({
        eventId: event.id,
        operations: operations.map((op): NewOperation => ({ ...op, id: options.newId(), orderingKey: `${op.destination}:${identity}` })),
        problems: problems.map((p) => ({ id: options.newId(), mappingId: p.mappingId, key: p.key, problem: p.problem })),
      });
      for (const p of problems) options.logger.warn({ mappingId: p.mappingId, eventId: p.eventId, key: p.key }, 'a mapping could not be applied; kept as a dead letter');
    }
    await options.store.commitPlan(plans, { now: options.now() });
    if (plans.some((p) => p.operations.length > 0)) options.onPlanned?.();
    return events.length;
  };

  const step = (limit: number): Promise<number> => {
    current = current.catch(() => 0).then(() => runStep(limit));
    return current;
  };

  const schedule = (delayMs: number): void => {
    if (stopped || scheduled) return;
    scheduled = true;
    const run = () => {
      timer = undefined;
      step(chunk).then(
        (n) => { scheduled = false; if (n === chunk) schedule(0); },
        (err: unknown) => { scheduled = false; options.logger.warn({ err }, 'planning failed; retrying'); schedule(retryMs); },
      );
    };
    if (delayMs > 0) timer = setTimeout(run, delayMs); else setImmediate(run);
  };

  return {
    notify: () => schedule(0),
    step,
    async catchUp(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) if (await step(chunk) < chunk) return true;
      return false;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current.catch(() => 0);
    },
  };
}
