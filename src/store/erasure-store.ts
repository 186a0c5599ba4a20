import type { NewOperation } from './store.ts';

/**
 * Erasures as the store keeps them: the audit of each right-to-erasure request (no personal data:
 * who asked, when, per destination how many records were deleted and how), the suppression list of
 * salted hashes that refuses a late delivery of an erased person, and the one transaction that
 * removes the person from Parley's own copies and queues the CRM deletes.
 */

/** One CRM record Parley wrote for an identity, as its operations remember it. */
export interface WrittenRecord {
  destination: string;
  object: string;
  /** The record's key among links, when its mapping gave one. */
  recordKey?: string;
  matchKey?: string;
  matchValue?: string;
  /** The CRM id, when the write answered one. */
  crmId?: string;
  /** The identity whose operations wrote it (`network:userId`). */
  identity: string;
}

/** Per destination: the deletes an erasure queued, as they ended. `purge` says whether the CRM could delete for good. */
export interface ErasureDestination {
  planned: number;
  deleted: number;
  failed: number;
  queued: number;
  state: 'running' | 'done' | 'failed';
  /** `hard`: deleted for good (Salesforce: Bulk API 2.0 hardDelete); `soft`: the CRM keeps it in its recycle bin. */
  purge: 'hard' | 'soft';
}

export interface NewErasure {
  id: string;
  /** Parley's opaque id of the person; not personal data. */
  personId: string;
  /** The API key's name that asked. */
  requestedBy: string;
  /** How many identities the person had (a count, not the keys). */
  identities: number;
  /** Per destination, whether its deletes purge (`hard`) or not. */
  purge: Record<string, 'hard' | 'soft'>;
}

export interface StoredErasure {
  id: string;
  personId: string;
  requestedBy: string;
  state: 'running' | 'done';
  requestedAt: string;
  finishedAt?: string;
  identities: number;
  destinations: Record<string, ErasureDestination>;
  /** What was removed from Parley's own store, counts. */
  removed: { events: number; deliveries: number; deadLetters: number; operations: number };
}

/** What `commit` is given: the audit, the suppression hashes, the deletes to queue and whose data to remove. */
export interface ErasureCommit extends NewErasure {
  /** Identity keys (`network:userId`) whose events, deliveries, dead letters and operations' data are removed. */
  identityKeys: string[];
  /** Ordering keys (`<destination>:<identity>`) of the identities at every destination: their unsent operations are withdrawn. */
  orderingKeys: string[];
  /** Salted hashes (hex) that refuse later deliveries: of the identities, and of their events' keys. */
  hashes: string[];
  /** The CRM deletes, in order (posts before the personas they point at). */
  deletes: NewOperation[];
  /**
   * Only the CRM: Parley's own copies stay (a source's erasure, such as a revoked authorization:
   * the store keeps the record of what happened; `POST /v1/persons/:id/erase` removes it).
   */
  keepStore?: boolean;
}

export interface ErasureStore {
  /** The store's salt for suppression hashes: random, made once, never logged. */
  salt(): Promise<string>;
  /** Which of `hashes` are suppressed (an erased person's). */
  suppressed(hashes: string[]): Promise<string[]>;
  /** The records Parley wrote at any destination through operations of these ordering keys. */
  recordsOf(orderingKeys: string[]): Promise<WrittenRecord[]>;
  /** Event keys of the identities' stored events, `source\u0000key`, to hash into the suppression list. */
  eventKeysOf(identityKeys: string[]): Promise<Array<{ source: string; key: string }>>;
  /**
   * In ONE transaction: keeps the audit, adds the hashes to the suppression list, withdraws the
   * identities' unsent operations, queues the deletes tagged with the erasure (the outbox's rules
   * apply: each leaves a tombstone), and removes the person from Parley's copies: events (and
   * their deferred plans and dedup keys), the deliveries and dead letters that carried them, the
   * fields, match values and errors of their operations, and resync scopes naming them.
   */
  commit(erasure: ErasureCommit, options: { now: Date }): Promise<StoredErasure>;
  get(id: string): Promise<StoredErasure | undefined>;
  /** Erasures still `running`. */
  running(): Promise<string[]>;
  /**
   * Ends an erasure whose deletes have all ended: their record keys and match values, the links and
   * tombstones of those records, and their attempts' errors are removed too; the state is `done`.
   * @returns false while some of its deletes are still queued
   */
  finish(id: string, options: { now: Date }): Promise<boolean>;
}
