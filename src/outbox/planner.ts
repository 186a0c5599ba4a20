import { createStepLoop } from '../instances/step-loop.ts';
import { mappingInput } from '../mappings/enrich-event.ts';
import type { ObjectCatalog } from '../connectors/destination.ts';
import type { Logger } from '../logging/logger.ts';
import { mappingsNow, versionsOf, type MappingsSource } from '../mappings/mapping-set.ts';
import { planOperations, type PlannedOperation } from '../mappings/plan-operations.ts';
import type { CanonicalData } from '../model/index.ts';
import { applyConsent, consentLookup } from '../policies/consent.ts';
import type { ConsentPolicy } from '../policies/policy-schema.ts';
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
  /** Plans at most `limit` unplanned events in one transaction; returns how many were planned, or -1 when only events deferred for a destination without a catalog are left. */
  step(limit: number): Promise<number>;
  /** Plans until nothing is left or `timeoutMs` passes; true when nothing was left (false while waiting for a catalog). */
  catchUp(timeoutMs: number): Promise<boolean>;
  /** Stops scheduling; resolves once a running step has finished. */
  stop(): Promise<void>;
}

export interface PlannerOptions {
  store: Store;
  /** The mappings to run: a fixed list, or the registry's live set (read again for every page). */
  mappings: MappingsSource;
  /**
   * The destinations' catalogs known so far (from their last connect, kept in the data folder), to
   * coerce values to field types. A destination's mappings are never run without its catalog (never
   * some operations with coercion and some without): while it has none, its part of each event is
   * deferred (store `deferredDestinations`) and run in event order once it arrives; the other
   * destinations are planned meanwhile. Call `notify` when one arrives.
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
  /** `policies.consent`: fields marked `personal: true` are left out for people without consent (default: granted). */
  consent?: ConsentPolicy;
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
  const consent = options.consent ?? { default: 'granted' as const };
  const mappingsOf = mappingsNow(options.mappings);
  /** Destinations whose catalog planning waits for; each logged once per wait. */
  const waitedFor = new Set<string>();
  const noteMissing = (missing: string[]) => {
    for (const d of missing) {
      if (!waitedFor.has(d)) options.logger.info({ destination: d }, 'this destination\'s mappings wait for its catalog (it has not connected since this data folder was made); the other destinations are planned');
    }
    waitedFor.clear();
    for (const d of missing) waitedFor.add(d);
  };

  /** A planned operation as queued, naming the version of the mapping that made it. */
  const queued = (op: PlannedOperation, data: CanonicalData, versions: ReadonlyMap<string, number>): NewOperation => {
    const mappingVersion = versions.get(op.mappingId);
    return { ...op, id: options.newId(), orderingKey: `${op.destination}:${identityOf(data)}`, ...(mappingVersion !== undefined ? { mappingVersion } : {}) };
  };

  /** The mappings' problems as dead letters' rows, logged once each. */
  const problemsOf = (problems: Awaited<ReturnType<typeof planOperations>>['problems']) => {
    for (const p of problems) options.logger.warn({ mappingId: p.mappingId, eventId: p.eventId, key: p.key }, 'a mapping could not be applied; kept as a dead letter');
    return problems.map((p) => ({ id: options.newId(), mappingId: p.mappingId, key: p.key, problem: p.problem }));
  };

  /**
   * One step: first the events deferred for a destination whose catalog has arrived (in event
   * order, before any newer event of it), else new events, with the mappings of every destination
   * whose catalog is known and none deferred; the others' are deferred. Answers how many events it
   * planned, or -1 when nothing can be planned until a catalog arrives.
   */
  const runStep = async (limit: number): Promise<number> => {
    const known = catalogs();
    const all = mappingsOf();
    const versions = versionsOf(all);
    const targets = [...new Set(all.map((m) => m.definition.target.destination))];
    const deferring = new Set(await options.store.deferredDestinations());
    const missing = targets.filter((d) => !known.has(d));
    noteMissing(missing);
    for (const destination of deferring) {
      if (!known.has(destination)) continue;
      const events = await options.store.readDeferredEvents(destination, limit);
      if (events.length === 0) continue;
      const mappings = all.filter((m) => m.definition.target.destination === destination);
      const consentOf = await consentLookup(options.store.consents, consent, events);
      const plans: PlannedEvent[] = [];
      for (const event of events) {
        const { operations, problems } = await planOperations(mappings, { id: event.id, source: event.source, data: mappingInput(event.data) }, known);
        plans.push({ eventId: event.id, operations: applyConsent(operations, consentOf).map((op) => queued(op, event.data, versions)), problems: problemsOf(problems) });
      }
      await options.store.commitDeferredPlan(destination, plans, { now: options.now() });
      if (plans.some((p) => p.operations.length > 0)) options.onPlanned?.();
      return events.length;
    }
    const events = await options.store.readUnplannedEvents(limit);
    if (events.length === 0) return missing.some((d) => deferring.has(d)) ? -1 : 0;
    // A destination with events still deferred is deferred again: its operations keep event order.
    const deferred = targets.filter((d) => !known.has(d) || deferring.has(d));
    const mappings = all.filter((m) => !deferred.includes(m.definition.target.destination));
    const consentOf = await consentLookup(options.store.consents, consent, events);
    const plans: PlannedEvent[] = [];
    for (const event of events) {
      const { operations, problems } = await planOperations(mappings, { id: event.id, source: event.source, data: mappingInput(event.data) }, known);
      plans.push({ eventId: event.id, operations: applyConsent(operations, consentOf).map((op) => queued(op, event.data, versions)), problems: problemsOf(problems), ...(deferred.length > 0 ? { deferred } : {}) });
    }
    await options.store.commitPlan(plans, { now: options.now() });
    if (plans.some((p) => p.operations.length > 0)) options.onPlanned?.();
    return events.length;
  };

  // Until a step finds nothing: a step that ran deferred events has not looked at new ones yet.
  const loop = createStepLoop({ run: runStep, args: [chunk] as [number], retryMs, onError: (err) => options.logger.warn({ err }, 'planning failed; retrying') });

  const replay = async (letters: StoredDeadLetter[]): Promise<MappingReplayOutcome> => {
    const replays: MappingReplay[] = [];
    const failed: MappingReplayOutcome['failed'] = [];
    for (const letter of letters) {
      const mappingId = String(letter.details.mappingId ?? '');
      const eventId = String(letter.details.eventId ?? '');
      const fail = (reason: string, problems?: Array<{ key: string; problem: string }>) => failed.push({ id: letter.id, mappingId, eventId, reason, ...(problems ? { problems } : {}) });
      const mapping = mappingsOf().find((m) => m.definition.id === mappingId);
      if (letter.stage !== 'mapping') { fail(`it is of stage ${letter.stage}, not mapping`); continue; }
      if (!mapping) { fail(`no mapping ${mappingId} is loaded (renamed or removed?): restore it, or leave the letter`); continue; }
      // Without its catalog a value is not checked against its field's type, the usual reason a mapping failed.
      const destination = mapping.definition.target.destination;
      if (!catalogs().has(destination)) { fail(`${destination} is not connected yet (its catalog checks the values): retry once GET /v1/connectors shows it ready`); continue; }
      const event = await options.store.getEvent(eventId);
      if (!event) { fail(`its event ${eventId} is not stored`); continue; }
      const { operations, problems } = await planOperations([mapping], { id: event.id, source: event.source, data: mappingInput(event.data) }, catalogs());
      if (problems.length > 0) {
        options.logger.warn({ mappingId, eventId, deadLetterId: letter.id, problems }, 'a replayed mapping still fails; the dead letter is kept');
        fail(`mapping ${mappingId} still fails on its event`, problems.map((p) => ({ key: p.key, problem: p.problem })));
        continue;
      }
      const consentOf = await consentLookup(options.store.consents, consent, [event]);
      replays.push({ id: letter.id, operations: applyConsent(operations, consentOf).map((op) => queued(op, event.data, versionsOf([mapping]))) });
    }
    const replayed = replays.length > 0 ? await options.store.replayMappingDeadLetters(replays, { now: options.now() }) : [];
    if (replayed.length > 0) options.logger.info({ deadLetters: replayed }, 'mappings ran again on dead letters\' events; their operations are queued');
    return { replayed, failed };
  };

  return {
    replay,
    mappingsWritingTo: (destination) => mappingsOf().filter((m) => m.definition.target.destination === destination).map((m) => m.definition.id),
    notify: () => loop.notify(),
    step: (limit) => loop.step(limit),
    // Events deferred for a destination whose catalog has not arrived (a step answers -1): not caught
    // up, but nothing to do here until it does.
    catchUp: (timeoutMs) => loop.catchUp(timeoutMs, chunk),
    stop: () => loop.stop(),
  };
}
