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

/** A verified delivery and the events parsed from it. */
export interface DeliveryWrite {
  type: 'delivery';
  deliveryId: string;
  source: string;
  receivedAt: Date;
  contentType: string;
  /** The raw body, kept so events can be re-derived if a parser is fixed. */
  body: Buffer;
  events: NewEvent[];
}

/** A verified delivery that could not be parsed, kept with its reason instead of being dropped. */
export interface DeadLetterWrite {
  type: 'dead-letter';
  id: string;
  deliveryId: string;
  source: string;
  receivedAt: Date;
  contentType: string;
  body: Buffer;
  /** Stable reason code, e.g. `PAYLOAD_INVALID`. */
  reasonCode: string;
  reason: string;
  details: Record<string, unknown>;
  /** Dedup key (the body's SHA-256) so a sender's retries of the same bad body are kept once. */
  key: string;
}

export type IntakeWrite = DeliveryWrite | DeadLetterWrite;

/** What happened to one write of a batch, in the batch's order. */
export type IntakeWriteResult =
  | { type: 'delivery'; storedEventIds: string[]; duplicateKeys: string[] }
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

/** A kept failure, as `GET /v1/dead-letters/:id` shows it (the body as UTF-8 text when it is text). */
export interface StoredDeadLetter {
  id: string;
  stage: 'intake';
  source: string;
  deliveryId: string;
  reasonCode: string;
  reason: string;
  details: Record<string, unknown>;
  contentType: string;
  body: string;
  createdAt: string;
}

export interface DeadLetterQuery {
  source?: string;
  limit: number;
  after?: string;
}

/** Whether the store can serve: open, and at the schema version this code needs. */
export interface StoreStatus {
  open: boolean;
  schemaVersion: number;
  latestVersion: number;
}

/**
 * Parley's durable state. One interface, one contract suite (`contract.ts`), an implementation per
 * database. All methods are async so a networked database fits the same shape.
 */
export interface Store {
  readonly driver: string;
  /** Applies pending migrations in order, each in its own transaction. Idempotent. */
  migrate(): Promise<{ applied: number[] }>;
  /**
   * Commits a batch of intake writes in ONE transaction (group commit), deduplicating every event
   * and dead letter by `(source, key)` against keys seen at or after `dedupSince` — including
   * earlier writes of the same batch. Resolves only once the transaction is durable.
   * @throws PARLEY_STORE_UNAVAILABLE when the transaction fails; nothing of the batch is kept.
   */
  commitIntake(writes: IntakeWrite[], options: { dedupSince: Date }): Promise<IntakeWriteResult[]>;
  listEvents(query: EventQuery): Promise<Page<StoredEvent>>;
  getEvent(id: string): Promise<StoredEvent | undefined>;
  listDeadLetters(query: DeadLetterQuery): Promise<Page<StoredDeadLetter>>;
  getDeadLetter(id: string): Promise<StoredDeadLetter | undefined>;
  /** Forgets dedup keys first seen before `before`; returns how many. */
  pruneDedupKeys(before: Date): Promise<number>;
  status(): Promise<StoreStatus>;
  close(): Promise<void>;
}
