import type { ObjectCatalog } from '../connectors/destination.ts';
import type { Logger } from '../logging/logger.ts';
import type { CompiledMapping } from '../mappings/compiled-mapping.ts';
import { planOperations, type PlannedOperation } from '../mappings/plan-operations.ts';
import type { CanonicalData } from '../model/index.ts';
import type { MappingReplay, NewOperation, PlannedEvent, Store, StoredDeadLetter } from '../store/store.ts';

/** What replaying dead letters of stage `mapping` did. */
export interface MappingReplayOutcome {
  /** Letters whose mapping ran again and whose operations are queued (with the other letters of the same event and mapping). */
  replayed: string[];
  /**
   * Letters left as they were, replayable again later: the mapping still fails on the event
   * (`problems`, as planning found them), or it could not be run (`reason` only).
   */
  failed: Array<{ id: string; mappingId: string; eventId: string; reason: string; problems?: Array<{ key: string; problem: string }> }>;
}

/** Runs the current mappings again on the events of dead letters of stage `mapping` (the replay routes use it). */
export interface MappingReplayer {
  /**
   * Runs each letter's mapping (`details.mappingId`, and only it: the event's other mappings were
   * planned already) on its event, as planning does, and queues what it makes in ONE transaction,
   * the letters marked replayed. A letter whose mapping still fails changes nothing.
   */
  replay(letters: StoredDeadLetter[]): Promise<MappingReplayOutcome>;
  /** Ids of the mappings writing to `destination`. */
  mappingsWritingTo(destination: string): string[];
}

/**
 * The planner: runs the mappings on stored events and queues the operations they make in the
 * outbox, marking each event planned in the same transaction (so running it twice changes nothing,
 * and a crash between the two cannot happen). Mapping failures become dead letters, never silence.
 */
export interface Planner extends MappingReplayer {
  /** Tells the planner new events were stored. */
  notify(): void;
  /** Plans at most `limit` unplanned events in one transaction; returns how many were read, or -1 while waiting for a destination's catalog. */
  step(limit: number): Promise<number>;
  /** Plans until nothing is left or `timeoutMs` passes; true when nothing was left (false while waiting for a catalog). */
  catchUp(timeoutMs: number): Promise<boolean>;
  /** Stops scheduling; resolves once a running step has finished. */
  stop(): Promise<void>;
}

export interface PlannerOptions {
  store: Store;
  mappings: readonly CompiledMapping[];
  /**
   * The destinations' catalogs known so far (from their last connect, kept in the data folder), to
   * coerce values to field types. Nothing is planned while a destination a mapping writes to has
   * none: every operation is planned with its catalog, never some with coercion and some without.
   * Call `notify` when one arrives.
   */
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
    // An interaction without an author (a news story, a Page mention) is ordered on its own.
    case 'interaction': return data.author?.key ?? `${data.network}:item:${data.networkId}`;
    case 'erasure': {
      const subject = data.subject;
      if (subject.userId !== undefined) return `${data.network}:${subject.userId}`;
      return `${data.network}:post:${subject.type === 'post' || subject.type === 'reaction' ? subject.networkId : 'unknown'}`;
    }
  }
}

export function createPlanner(options: PlannerOptions): Planner {
  const chunk = options.chunk ?? 100;
  const retryMs = options.retryMs ?? 1000;
  const catalogs = options.catalogs ?? (() => new Map());
  const targets = [...new Set(options.mappings.map((m) => m.definition.target.destination))];
  /** Destinations planning waits for (their catalog); each is logged once per wait. */
  const waitedFor = new Set<string>();
  const missingCatalogs = (): string[] => {
    const known = catalogs();
    const missing = targets.filter((d) => !known.has(d));
    for (const d of missing) {
      if (!waitedFor.has(d)) options.logger.info({ destination: d }, 'planning waits for this destination\'s catalog (it has not connected since this data folder was made)');
    }
    for (const d of waitedFor) if (!missing.includes(d)) options.logger.info({ destination: d }, 'catalog known; planning goes on');
    waitedFor.clear();
    for (const d of missing) waitedFor.add(d);
    return missing;
  };
  let current: Promise<number> = Promise.resolve(0);
  let scheduled = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const queued = (op: PlannedOperation, data: CanonicalData): NewOperation => ({ ...op, id: options.newId(), orderingKey: `${op.destination}:${identityOf(data)}` });

  /** Plans up to `limit` events; -1 when waiting for a catalog. */
  const runStep = async (limit: number): Promise<number> => {
    if (missingCatalogs().length > 0) return -1;
    const events = await options.store.readUnplannedEvents(limit);
    if (events.length === 0) return 0;
    const plans: PlannedEvent[] = [];
    for (const event of events) {
      const { operations, problems } = await planOperations(options.mappings, { id: event.id, source: event.source, data: event.data }, catalogs());
      plans.push({
        eventId: event.id,
        operations: operations.map((op) => queued(op, event.data)),
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

  const replay = async (letters: StoredDeadLetter[]): Promise<MappingReplayOutcome> => {
    const replays: MappingReplay[] = [];
    const failed: MappingReplayOutcome['failed'] = [];
    for (const letter of letters) {
      const mappingId = String(letter.details.mappingId ?? '');
      const eventId = String(letter.details.eventId ?? '');
      const fail = (reason: string, problems?: Array<{ key: string; problem: string }>) => failed.push({ id: letter.id, mappingId, eventId, reason, ...(problems ? { problems } : {}) });
      const mapping = options.mappings.find((m) => m.definition.id === mappingId);
      if (letter.stage !== 'mapping') { fail(`it is of stage ${letter.stage}, not mapping`); continue; }
      if (!mapping) { fail(`no mapping ${mappingId} is loaded (renamed or removed?): restore it, or leave the letter`); continue; }
      // Without its catalog a value is not checked against its field's type, the usual reason a mapping failed.
      const destination = mapping.definition.target.destination;
      if (!catalogs().has(destination)) { fail(`${destination} is not connected yet (its catalog checks the values): retry once GET /v1/connectors shows it ready`); continue; }
      const event = await options.store.getEvent(eventId);
      if (!event) { fail(`its event ${eventId} is not stored`); continue; }
      const { operations, problems } = await planOperations([mapping], { id: event.id, source: event.source, data: event.data }, catalogs());
      if (problems.length > 0) {
        options.logger.warn({ mappingId, eventId, deadLetterId: letter.id, problems }, 'a replayed mapping still fails; the dead letter is kept');
        fail(`mapping ${mappingId} still fails on its event`, problems.map((p) => ({ key: p.key, problem: p.problem })));
        continue;
      }
      replays.push({ id: letter.id, operations: operations.map((op) => queued(op, event.data)) });
    }
    const replayed = replays.length > 0 ? await options.store.replayMappingDeadLetters(replays, { now: options.now() }) : [];
    if (replayed.length > 0) options.logger.info({ deadLetters: replayed }, 'mappings ran again on dead letters\' events; their operations are queued');
    return { replayed, failed };
  };

  return {
    replay,
    mappingsWritingTo: (destination) => options.mappings.filter((m) => m.definition.target.destination === destination).map((m) => m.definition.id),
    notify: () => schedule(0),
    step,
    async catchUp(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const planned = await step(chunk);
        // Waiting for a catalog: not caught up, but nothing to do here until it arrives.
        if (planned < 0) return false;
        if (planned < chunk) return true;
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
