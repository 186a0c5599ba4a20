import type { DeadLetterQuery, DeadLetterWrite, StoredDeadLetter } from './dead-letters.ts';
import type { ResyncStore } from './resync-store.ts';

export type { DeadLetterQuery, DeadLetterWrite, StoredDeadLetter } from './dead-letters.ts';
import { errors } from '../errors.ts';
import type { CanonicalData, EventKind, StoredEvent } from '../model/index.ts';

/** A canonical event about to be stored. */
export interface NewEvent {
  /** Parley's id for it (UUIDv7). */
  id: string;
  kind: EventKind;
  /** Dedup key within the source, from the connector (`tweet:1065035365336141825`). */
  key: string;
  data: CanonicalData;
}

/** A verified delivery, stored as received before anything parses it. */
export interface DeliveryWrite {
  /** Parley's id for it (UUIDv7). */
  id: string;
  source: string;
  receivedAt: Date;
  contentType: string;
  /** The raw body, byte for byte. */
  body: Buffer;
  /** The request headers its source keeps (`keptHeaders`): lower-case names, one value each. */
  headers?: Record<string, string> | undefined;
}

/** A stored delivery not yet turned into events; `position` orders deliveries (commit order). */
export interface PendingDelivery extends DeliveryWrite {
  position: number;
}

/** What derivation made of one pending delivery. */
export interface DerivedDelivery {
  delivery: PendingDelivery;
  outcome: { type: 'events'; events: NewEvent[] } | { type: 'dead-letter'; deadLetter: DeadLetterWrite };
}

/** Per derived delivery, in order: which events were new and which keys were already seen. */
export type DerivedResult =
  | { type: 'events'; storedEventIds: string[]; duplicateKeys: string[] }
  | { type: 'dead-letter'; stored: boolean };

/** A page of a list: `next` is an opaque token for the following page, or null at the end. */
export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface EventQuery {
  source?: string;
  kind?: EventKind;
  /** Only events received at or after this instant. */
  since?: Date;
  /** 1–500 records. */
  limit: number;
  /** A `next` token from an earlier page. */
  after?: string;
}

/** A field bound at dispatch to the CRM id of another record (`PersonaId` → the author's SocialPersona). */
export interface OperationReference {
  field: string;
  object: string;
  /** The referenced record's key among links; absent with `firstOfIdentity`. */
  key?: string;
  /**
   * The first record of `object` written for the same identity: a persona's first post, the parent
   * Salesforce's own social handler gives a persona that matches no Contact, Lead or Account.
   */
  firstOfIdentity?: boolean;
  /** CRM records the person already is, looked up first (`Contact.Email = …`); alone (no key, no `firstOfIdentity`), the field stays empty when none is found. */
  match?: Array<{ object: string; field: string; value: string }>;
  /** The identity whose person's primary identity this parent follows (people-store.ts; with `firstOfIdentity`). */
  person?: string;
  /**
   * `wait`: hold the operation while the referenced record is planned but not yet written.
   * `later`: write now without it, and set the field once the record is written (breaks the
   * post ↔ persona cycle: the post first, then the persona parented to it, then the post's PersonaId).
   */
  bind: 'wait' | 'later';
}

/** A CRM write to queue in the outbox, as the planner made it from one event and one mapping. */
export interface NewOperation {
  id: string;
  eventId: string;
  mappingId: string;
  destination: string;
  object: string;
  operation: 'create' | 'update' | 'upsert' | 'delete';
  matchKey?: string;
  matchValue?: string;
  /** The record's key among links (and tombstones). */
  recordKey?: string;
  /** Operations with the same ordering key (one identity at one destination) are delivered in plan order. */
  orderingKey: string;
  fields: Record<string, unknown>;
  references: OperationReference[];
  /** The version of `mappingId` that made it (`Store.mappings`); absent when no stored version did (an erasure's delete, a bind-later update). */
  mappingVersion?: number;
}

/** What planning made of one event: its operations, and the mapping problems kept as dead letters. */
export interface PlannedEvent {
  eventId: string;
  operations: NewOperation[];
  problems: Array<{ id: string; mappingId: string; key: string; problem: string }>;
  /**
   * Destinations whose mappings were not run on the event yet (their catalog is not known): kept
   * for `readDeferredEvents`, in event order. `commitDeferredPlan` runs them later.
   */
  deferred?: string[];
}

/** A dead letter of stage `mapping` and the operations its mapping, run again on its event, makes now. */
export interface MappingReplay {
  id: string;
  operations: NewOperation[];
}

/**
 * An operation's state. `waiting` is a `pending` operation held back by something outside Parley's
 * control (a persona whose person has not posted: `WAITING_CODES`): counted apart so that
 * "pending does not drain" stays a real alarm. It is claimed like `pending` once it is due.
 */
export type OperationState = 'pending' | 'waiting' | 'leased' | 'done' | 'dead' | 'superseded';

/** `lastError.code`s that make a pending operation `waiting`. */
export const WAITING_CODES: readonly string[] = [errors.OUTBOX_PARENT_MISSING.code];

/** An operation as the outbox holds it. */
export interface StoredOperation extends NewOperation {
  state: OperationState;
  attempts: number;
  nextAttemptAt: string;
  /** The CRM id, once written. */
  crmId?: string;
  /**
   * An earlier attempt may have been carried out (a lost connection): the record is looked up before
   * writing again. Once set it stays set until the operation is done (a later attempt that failed
   * cleanly does not prove the earlier one did not land), also through a replay.
   */
  outcomeUnknown: boolean;
  lastError?: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  /** The resync job that queued it; absent for live traffic. */
  resyncId?: string;
  /** The erasure that queued it (a delete that purges where the CRM can). */
  erasureId?: string;
}

export interface OperationQuery {
  state?: OperationState;
  destination?: string;
  limit: number;
  after?: string;
}

/**
 * How `claimOperations` leases: as `owner` (this instance's name), at `now`, for `leaseMs` ms,
 * about `limit` operations; `only` picks whose operations head the claim (see `claimOperations`).
 */
export interface ClaimOptions { owner: string; now: Date; leaseMs: number; limit: number; only?: 'live' | 'resync' }

/** How one delivery attempt of an operation ended, as the dispatcher records it. */
export type OperationOutcome =
  /** `unbound`: `later` references the write went without; set once their records are written. */
  | { id: string; outcome: 'done'; crmId: string; unbound?: Array<{ field: string; object: string; key: string }>; links?: Array<{ object: string; key: string; crmId: string }> }
  /** Back to pending until `nextAttemptAt`; `spendAttempt` false for rate limits (the record was never tried). */
  | { id: string; outcome: 'retry'; nextAttemptAt: Date; error: Record<string, unknown>; spendAttempt: boolean; outcomeUnknown?: boolean }
  | { id: string; outcome: 'dead'; error: Record<string, unknown> };

/** One recorded attempt. */
export interface OperationAttempt { attempt: number; at: string; outcome: string; error?: Record<string, unknown> }

/** Whether the store can serve: open, at the schema version this code needs, and able to commit. */
export interface StoreStatus {
  open: boolean;
  schemaVersion: number;
  latestVersion: number;
  /**
   * False while the store cannot commit (disk full, file read-only): a write transaction failed,
   * none that took new room (an append) succeeded since, and a probe write needing room fails too.
   * True again as soon as an append or the probe succeeds.
   */
  writable: boolean;
  /** While not writable: why, in the database's words (`database or disk is full`). */
  writeError?: string;
}

/** What a store tells other instances that share it, so they act now rather than at their next poll. */
export type WakeTopic = 'deliveries' | 'events' | 'operations';

/** An instance sharing the store, as its last heartbeat left it. */
export interface InstanceRecord {
  instance: string;
  /** What it runs: `intake`, `planner`, `dispatcher`. */
  roles: string[];
  lastSeen: string;
}

/**
 * Parley's durable state. One interface, one contract suite (`contract.ts`), an implementation per
 * database. All methods are async so a networked database fits the same shape.
 */
export interface Store {
  readonly driver: string;
  /**
   * How many `appendDeliveries` calls intake may have outstanding at once (1 or more). Above 1 the
   * store must apply them in call order, since delivery positions follow commit order.
   */
  readonly appendConcurrency: number;
  /** Resync jobs (resync-store.ts). */
  readonly resyncs: ResyncStore;
  /** Identities, persons and their links (people-store.ts). */
  readonly people: import('./people-store.ts').PeopleStore;
  /** Right-to-erasure requests, their audit and the suppression list (erasure-store.ts). */
  readonly erasures: import('./erasure-store.ts').ErasureStore;
  /** Every version of every mapping, and which is the latest (mapping-store.ts). */
  readonly mappings: import('./mapping-store.ts').MappingStore;
  /** Consent per identity, for the consent policy (consent-store.ts). */
  readonly consents: import('./consent-store.ts').ConsentStore;
  /** What the retention job reads and removes (retention-store.ts). */
  readonly retention: import('./retention-store.ts').RetentionStore;
  /** Which operations wrote a CRM record (provenance-store.ts). */
  readonly provenance: import('./provenance-store.ts').ProvenanceStore;
  /** Crisis incidents, the crisis engine's windows and cursor (incident-store.ts). */
  readonly incidents: import('./incident-store.ts').IncidentStore;
  /** Applies pending migrations in order, each in its own transaction. Idempotent. */
  migrate(): Promise<{ applied: number[] }>;
  /**
   * Appends verified deliveries in ONE transaction (intake's group commit). Resolves only once the
   * transaction is durable.
   * @throws PARLEY_STORE_UNAVAILABLE when the transaction fails; nothing of the batch is kept.
   */
  appendDeliveries(deliveries: DeliveryWrite[]): Promise<void>;
  /** The oldest deliveries not yet derived, at most `limit`, in commit order. */
  readPendingDeliveries(limit: number): Promise<PendingDelivery[]>;
  /** How many stored deliveries are not yet derived. */
  countPendingDeliveries(): Promise<number>;
  /**
   * Stores what derivation made of a run of pending deliveries and marks them derived, in ONE
   * transaction. Events and dead letters are deduplicated by `(source, key)` against keys first
   * seen at or after `dedupSince`, including earlier ones of the same batch; a key seen before
   * the window is taken as new again. `batch` must be the oldest pending deliveries, in order.
   * @throws PARLEY_STORE_UNAVAILABLE when the transaction fails; nothing of the batch is kept.
   */
  commitDerived(batch: DerivedDelivery[], options: { dedupSince: Date }): Promise<DerivedResult[]>;
  listEvents(query: EventQuery): Promise<Page<StoredEvent>>;
  getEvent(id: string): Promise<StoredEvent | undefined>;
  listDeadLetters(query: DeadLetterQuery): Promise<Page<StoredDeadLetter>>;
  getDeadLetter(id: string): Promise<StoredDeadLetter | undefined>;
  /** The oldest events not yet planned, at most `limit`, in store order. */
  readUnplannedEvents(limit: number): Promise<StoredEvent[]>;
  /**
   * Queues what planning made of events and marks them planned, in ONE transaction. An event
   * already planned is skipped (running the planner twice changes nothing). A `delete` supersedes
   * the record's operations still pending and leaves a tombstone; later operations on a tombstoned
   * record are stored as `superseded`, never sent. Mapping problems become dead letters (stage `mapping`).
   * @returns how many events were planned now and how many had been already
   * @throws PARLEY_STORE_UNAVAILABLE when the transaction fails; nothing of the batch is kept.
   */
  commitPlan(plans: PlannedEvent[], options: { now: Date }): Promise<{ planned: number; alreadyPlanned: number }>;
  /** Destinations with events whose mappings for them are still deferred (`PlannedEvent.deferred`). */
  deferredDestinations(): Promise<string[]>;
  /** The events deferred for `destination`, in event order, at most `limit`. */
  readDeferredEvents(destination: string, limit: number): Promise<StoredEvent[]>;
  /**
   * Queues what `destination`'s mappings made of deferred events (operations for that destination
   * only, and mapping problems as dead letters) and ends their deferral, in ONE transaction; an
   * event no longer deferred for it is skipped (running it twice changes nothing).
   * @returns how many events were planned now
   * @throws PARLEY_STORE_UNAVAILABLE when the transaction fails; nothing of the batch is kept.
   */
  commitDeferredPlan(destination: string, plans: PlannedEvent[], options: { now: Date }): Promise<number>;
  /**
   * Leases due operations of a destination, oldest first: pending ones whose time has come and
   * leased ones whose lease expired (their dispatcher died; `outcomeUnknown` when it had marked
   * them sent, see `markSent`). An operation waits while an earlier
   * one for the same record is still pending, or while a record it references (`wait`) is not in
   * the CRM yet and has a planned write not yet done, whichever was planned first (a referenced
   * record already written has its id: a pending update of it changes nothing the reference needs). The due upserts and updates queued right behind a
   * claimed one for the same record come with it, in order (to be merged into one write).
   * About `limit` operations, in ONE transaction. `only` picks the due operations that head the
   * claim: `live` (no resync job) or `resync` (a job's); without it both, live ones first. The
   * writes merged behind a head come whoever queued them (leases keep one operation in one claim).
   */
  claimOperations(destination: string, options: ClaimOptions): Promise<StoredOperation[]>;
  /** The CRM id of the first record of `object` written for each identity (ordering key), when there is one. */
  readFirstRecords(destination: string, keys: Array<{ object: string; orderingKey: string }>): Promise<Array<{ object: string; orderingKey: string; crmId: string }>>;
  /** The CRM ids of records Parley wrote, by record key (`object` → `key` → id). */
  readLinks(destination: string, keys: Array<{ object: string; key: string }>): Promise<Array<{ object: string; key: string; crmId: string }>>;
  /**
   * Records how leased operations' attempts ended, in ONE transaction: done ones keep their CRM id
   * as a link, retried ones go back to pending, dead ones stop. Each attempt is kept. Only
   * operations still leased by `owner` are changed (a lease that expired and was taken over is not).
   * A done one's `unbound` references are remembered; when a record is written that such a
   * reference waits for, an update setting the field is queued for the record that went without it.
   */
  recordOutcomes(outcomes: OperationOutcome[], options: { owner: string; now: Date }): Promise<number>;
  /**
   * Marks leased operations as sent, durably, just before their write goes to the CRM: if their
   * lease is later taken over (the dispatcher died) or given back, only these have an unknown
   * outcome and are looked up before being written again; an operation claimed but never sent is
   * simply sent. Only operations still leased by `owner` are marked; the mark lasts until the next
   * lease. ONE transaction, committed before it resolves.
   * @returns how many operations were marked
   */
  markSent(ids: string[], options: { owner: string; now: Date }): Promise<number>;
  /**
   * Gives back every operation `owner` still holds leased: pending again and due at `now`, so the
   * next dispatcher claims it at once instead of after the lease expires. One marked sent
   * (`markSent`) may have reached the CRM, so it is looked up before being written again
   * (`outcomeUnknown`); one never sent keeps the outcome it had. No attempt is spent. ONE
   * transaction. A dispatcher calls this when it stops, and a process at start-up for the owner
   * (instance id) it replaces, whose leases a crash left behind.
   * @returns how many operations were released
   */
  releaseLeases(owner: string, options: { now: Date }): Promise<number>;
  /**
   * Says `instance` is alive at `now`, with the roles it runs (the first call registers it).
   * Several instances share one store: a survivor reaps one that went silent (`reapInstances`).
   */
  heartbeat(instance: string, options: { now: Date; roles: string[] }): Promise<void>;
  /**
   * Forgets every instance other than `self` whose last heartbeat is older than `silentSince`, and
   * gives back the operations each still holds leased exactly as `releaseLeases` does for it (due
   * at `now`; those marked sent are looked up before being written again). A dead instance's work
   * is thus taken over within seconds, not a lease time. Each instance in ONE transaction.
   * @returns the instances reaped and how many leases each gave back
   */
  reapInstances(options: { silentSince: Date; now: Date; self: string }): Promise<Array<{ instance: string; released: number }>>;
  /** The instances that said they are alive, most recent first. */
  listInstances(): Promise<InstanceRecord[]>;
  /**
   * Whether this store (this process's connection) is the one that runs `role` (`derive`, `plan`)
   * among the instances sharing the database: taken when free, held until `close` or until the
   * connection holding it is lost (then false, and another instance may take it). Work that must run
   * in one place at a time (derivation keeps commit order; planning keeps event order) asks before
   * each step. An embedded store serves one process: always true.
   */
  holdsLead(role: 'derive' | 'plan'): Promise<boolean>;
  /**
   * Calls `listener` when another instance sharing the store committed work of `topic` (PostgreSQL:
   * LISTEN/NOTIFY). An embedded store has no other instance and never calls it. Polling stays the
   * safety net: a wake-up lost with a connection only delays work until the next poll.
   * @returns a function that unsubscribes
   */
  onWake(listener: (topic: WakeTopic) => void): () => void;
  /** An operation's attempts, oldest first. */
  listAttempts(operationId: string): Promise<OperationAttempt[]>;
  /**
   * Sends dead operations again: each of the given dead letters (stage `delivery`) whose operation
   * is dead goes back to pending, due now, and the letter is marked replayed. ONE transaction.
   * @returns the ids of the dead letters replayed (others were not dead operations' letters, or not dead any more)
   */
  replayDeadLetters(ids: string[], options: { now: Date }): Promise<string[]>;
  /**
   * Replays dead letters of stage `mapping` with the operations their mapping makes of their event
   * now (the planner ran it again), in ONE transaction. Per replay, unless its letter was replayed
   * already (or is not of stage `mapping`): its operations are queued as `commitPlan` queues them,
   * and the letter is marked replayed with every other letter not yet replayed of the same event
   * and mapping (a mapping failing on two fields leaves two letters; one re-run answers both, so
   * their operations are queued once). Operations of the event's other mappings are not touched.
   * @returns the ids of the dead letters marked replayed
   * @throws PARLEY_STORE_UNAVAILABLE when the transaction fails; nothing of the batch is kept.
   */
  replayMappingDeadLetters(replays: MappingReplay[], options: { now: Date }): Promise<string[]>;
  /**
   * Ids of replayable dead letters matching the filter, oldest first, at most `limit`: of stage
   * `delivery` whose operation is dead (`destination`: the operation's), and of stage `mapping` not
   * replayed yet (`mappingIds`, when given: only those whose `details.mappingId` is one of them).
   * A mapping letter names no destination: to filter by one, pass the mappings writing to it as `mappingIds`.
   */
  findReplayable(filter: { stage?: 'delivery' | 'mapping'; destination?: string; mappingIds?: string[]; reasonCode?: string; since?: Date; limit: number }): Promise<string[]>;
  /** The answer stored under an Idempotency-Key within `scope` since `since`, if any. */
  readIdempotencyKey(scope: string, key: string, since: Date): Promise<unknown>;
  /** Stores the answer given for an Idempotency-Key (the first one stored wins). */
  saveIdempotencyKey(scope: string, key: string, response: unknown, now: Date): Promise<void>;
  listOperations(query: OperationQuery): Promise<Page<StoredOperation>>;
  /** Operations per destination and state. */
  countOperations(): Promise<Array<{ destination: string; state: OperationState; count: number }>>;
  /** Forgets dedup keys first seen before `before`; returns how many. */
  pruneDedupKeys(before: Date): Promise<number>;
  /** Open, migrated and writable; cheap unless the last commit failed (then one small probe write). */
  status(): Promise<StoreStatus>;
  close(): Promise<void>;
}
