import type { StoredEvent } from '../model/index.ts';
import type { NewEvent, Page, PlannedEvent } from './store.ts';

/**
 * Resync jobs as the store keeps them (ARCHITECTURE.md, "Fixed interfaces": Resyncs). A job runs
 * stored (or pulled) events through today's mappings again for some destinations; the operations
 * it queues carry its id, so its counts are the outbox's own and a cancel withdraws exactly them.
 */

/** Which events a resync covers. Times are ISO 8601; a range is `[since, until)` on the event's `occurredAt` (else when it was received). */
export type ResyncScope =
  | { identity: string }
  | { network: string; since?: string; until?: string }
  | { events: string[] };

/** `from-store`: the stored events again; `from-source`: pulled from the network's API first. */
export type ResyncMode = 'from-store' | 'from-source';

/** `queued` until an instance takes it; `running` while it plans and its operations are delivered. */
export type ResyncState = 'queued' | 'running' | 'done' | 'cancelled' | 'failed';

export interface NewResync {
  id: string;
  scope: ResyncScope;
  /** Destination names, as configured. */
  destinations: string[];
  mode: ResyncMode;
  /** The API key's name that asked for it. */
  requestedBy: string;
}

/**
 * The job's operations by how they ended: `planned` all it queued, `written` done in the CRM,
 * `failed` dead-lettered, `skipped` withdrawn (a cancel, an erased record, a newer live write of the
 * same record); `queued` still to be delivered.
 */
export interface ResyncCounts { planned: number; written: number; failed: number; skipped: number; queued: number }

export interface StoredResync extends NewResync {
  state: ResyncState;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Events run through the mappings so far, and how many the scope held when the job started (for the ETA). */
  events: { done: number; total?: number };
  /** True once every event of the scope is planned: the job is then done when nothing is queued. */
  planningDone: boolean;
  /** Where planning goes on after a restart: opaque to all but the runner that wrote it. */
  cursor?: string;
  counts: ResyncCounts;
  /** Why a job `failed`. */
  error?: { code: string; message: string };
}

/** One page of the scope's events, in store order, with the cursor after the last. */
export interface ScopePage { events: StoredEvent[]; cursor?: string }

export interface ResyncStore {
  /** Stores a new job, `queued`. */
  create(job: NewResync, options: { now: Date }): Promise<StoredResync>;
  get(id: string): Promise<StoredResync | undefined>;
  /** Newest first. */
  list(query: { limit: number; after?: string }): Promise<Page<StoredResync>>;
  /**
   * Takes one job to work on for `leaseMs`: a `queued` one, or a `running` one whose lease ran out
   * (its instance died: the job goes on from its cursor), or one this owner held before (the same
   * instance id restarted after a crash: it takes its job back at once). Marks it `running`. Call
   * it only while running no job.
   */
  claim(options: { owner: string; now: Date; leaseMs: number }): Promise<StoredResync | undefined>;
  /** Extends the lease; false when the job is no longer this owner's or no longer running (cancelled). */
  renew(id: string, options: { owner: string; now: Date; leaseMs: number }): Promise<boolean>;
  /** How many events the scope holds now (the ETA's total). */
  countScope(scope: ResyncScope): Promise<number>;
  /** The scope's events after `cursor` (undefined: from the start), at most `limit`. */
  readScope(scope: ResyncScope, options: { cursor?: string; limit: number }): Promise<ScopePage>;
  /**
   * Stores the events a pull brought (source `source`, delivery id `pull:<job>`), marked planned (the
   * job plans them, for its destinations only), in ONE transaction. An event whose key the source
   * already has among stored events (a webhook brought it) is not stored again: the stored one is
   * answered in its place. @returns one stored event per event given, in order
   */
  storePulled(id: string, source: string, events: NewEvent[], options: { now: Date }): Promise<StoredEvent[]>;
  /**
   * In ONE transaction, if the job is still `running` and this owner's: queues the plans'
   * operations tagged with the job (the outbox's rules apply: a tombstoned record's are
   * `superseded`), adds `events` to its count, moves its cursor (when given), and, with `planningDone`, notes
   * that planning is over. Mapping problems are not dead-lettered again (the live plan kept them).
   * @returns false (nothing queued) when the job was cancelled or taken over meanwhile
   */
  commitPage(id: string, page: { owner: string; plans: PlannedEvent[]; events: number; cursor?: string; planningDone: boolean; now: Date; total?: number }): Promise<boolean>;
  /**
   * Ends a job whose planning is done and whose operations are all delivered, dead or withdrawn
   * (`done`), or one that cannot go on (`failed`, with why). False when it is not this owner's.
   */
  finish(id: string, options: { owner: string; now: Date; state: 'done' | 'failed'; error?: { code: string; message: string } }): Promise<boolean>;
  /**
   * Cancels a `queued` or `running` job: its operations not yet sent (`pending`, `waiting`) are
   * `superseded`; what is leased finishes, what is written stays. Undefined for an unknown id; a
   * job already ended is answered as it is.
   */
  cancel(id: string, options: { now: Date }): Promise<StoredResync | undefined>;
}
