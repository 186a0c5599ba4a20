import type { ObjectCatalog } from '../connectors/destination.ts';
import { createStepLoop } from '../instances/step-loop.ts';
import type { Logger } from '../logging/logger.ts';
import { mappingsNow, type MappingsSource } from '../mappings/mapping-set.ts';
import type { StoredEvent } from '../model/index.ts';
import type { Store } from '../store/store.ts';
import { proposeLinks } from './linking-rules.ts';
import { observationsOf } from './observations.ts';
import { parentUpdates } from './parent-changes.ts';

/**
 * The people index: keeps the identities table up to date from stored events (profiles and
 * interaction authors), in store order from its cursor, applies the linking rules to what changed,
 * and turns person changes (links, unmerges) into CRM updates of the records' parents. Runs where
 * the planner does, and only while this instance holds the `plan` lead: one indexer at a time keeps
 * event order, as planning does.
 */
export interface PeopleIndexer {
  /** New events were stored, or a person changed: index soon. */
  notify(): void;
  /** One step: at most `chunk` events indexed and `chunk` parent changes queued. @returns how many of both */
  step(): Promise<number>;
  /** Steps until nothing is left or `timeoutMs` passes; true when nothing was left. */
  catchUp(timeoutMs: number): Promise<boolean>;
  /** Stops scheduling; resolves once a running step has finished. */
  stop(): Promise<void>;
}

export interface PeopleIndexerOptions {
  store: Store;
  /** The loaded mappings: those with a `person:` reference say which records follow the person. */
  mappings: MappingsSource;
  catalogs?: () => ReadonlyMap<string, ObjectCatalog>;
  logger: Logger;
  now: () => Date;
  newId: () => string;
  /** Events (and parent changes) per transaction (default 200). */
  chunk?: number;
  /** Pause before retrying after a failed step, ms (default 1000). */
  retryMs?: number;
  /** Called after parent updates were queued (the dispatcher listens). */
  onQueued?: () => void;
  /**
   * Identities a source says must go (an account that revoked the app's authorization, a user
   * erasure), met in store order before anything else of the page is indexed: the eraser.
   */
  onErased?: (identityKeys: string[]) => Promise<void>;
}

export function createPeopleIndexer(options: PeopleIndexerOptions): PeopleIndexer {
  const chunk = options.chunk ?? 200;
  const retryMs = options.retryMs ?? 1000;
  const people = options.store.people;

  const indexEvents = async (): Promise<number> => {
    const { events, cursor } = await people.readIndexable(chunk);
    if (events.length === 0) return 0;
    const erased = [...new Set(events.flatMap(erasedIdentity))];
    // First: an erasure removes their events, which the observations below then skip.
    if (erased.length > 0 && options.onErased) await options.onErased(erased);
    const changed = await people.observe(events.flatMap((e) => observationsOf(e).map((o) => ({ ...o, seenIn: e.id }))), { now: options.now() });
    const compared = await people.candidates(changed);
    const proposals = compared.flatMap(({ identity, candidates }) => proposeLinks(identity, candidates));
    await people.commitIndex({ proposals, ...(cursor !== undefined ? { cursor } : {}), now: options.now() });
    const links = proposals.filter((p) => p.decision === 'link').length;
    if (proposals.length > 0) options.logger.info({ events: events.length, linked: links, review: proposals.length - links }, 'identities linked by the rules, or waiting for review');
    return events.length;
  };

  const moveParents = async (): Promise<number> => {
    const changes = await people.readParentChanges(chunk);
    if (changes.length === 0) return 0;
    const catalogs = options.catalogs?.() ?? new Map<string, ObjectCatalog>();
    const operations = [];
    for (const change of changes) {
      // An identity seen only as an author has no profile to map: it has no persona to move either.
      const event = change.eventId !== undefined ? await options.store.getEvent(change.eventId) : undefined;
      if (event) operations.push(...await parentUpdates(event, mappingsNow(options.mappings)(), catalogs, options.newId));
    }
    await people.commitParentChanges({ throughSeq: changes.at(-1)!.seq, operations, now: options.now() });
    if (operations.length > 0) {
      options.logger.info({ identities: changes.length, operations: operations.length }, 'persons changed: their records\' parents are being moved');
      options.onQueued?.();
    }
    return changes.length;
  };

  const runStep = async (): Promise<number> => {
    // Only the instance leading planning indexes (an embedded store always leads).
    if (!(await options.store.holdsLead('plan'))) return 0;
    return (await indexEvents()) + (await moveParents());
  };

  const loop = createStepLoop({ run: runStep, args: [], retryMs, onError: (err) => options.logger.warn({ err }, 'indexing people failed; retrying') });

  return {
    notify: () => loop.notify(),
    step: () => loop.step(),
    catchUp: (timeoutMs) => loop.catchUp(timeoutMs),
    stop: () => loop.stop(),
  };
}

/** The identity an erasure event says must go: a revoked authorization's or a user erasure's (`network:userId`). Pure. */
export function erasedIdentity(event: StoredEvent): string[] {
  const data = event.data;
  if (data.kind !== 'erasure') return [];
  const subject = data.subject;
  return (subject.type === 'authorization' || subject.type === 'user') ? [`${data.network}:${subject.userId}`] : [];
}
