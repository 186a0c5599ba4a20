import { PostgresResyncs } from './resyncs.ts';
import { PostgresPeople } from './people.ts';
import { PostgresErasures } from './erasures.ts';
import { PostgresMappings } from './mappings.ts';
import { PostgresConsents } from './consents.ts';
import { PostgresRetention } from './retention.ts';
import { PostgresProvenance } from './provenance.ts';
import { PostgresIncidents } from './incidents.ts';
import { errors } from '../../errors.ts';
import type { StoredEvent } from '../../model/index.ts';
import type {
  ClaimOptions, DeadLetterQuery, DeliveryWrite, DerivedDelivery, DerivedResult, EventQuery, InstanceRecord, MappingReplay, OperationAttempt, OperationOutcome,
  OperationQuery, OperationState, Page, PendingDelivery, PlannedEvent, Store, StoreStatus, StoredDeadLetter, StoredOperation, WakeTopic,
} from '../store.ts';
import { claimOperations } from './claim.ts';
import { checkedSchema, type PostgresStoreOptions } from './connection.ts';
import { Database } from './database.ts';
import * as intake from './intake.ts';
import { Leadership } from './leadership.ts';
import * as leases from './leases.ts';
import { LATEST_VERSION, migrateSchema } from './migrate.ts';
import { Notifications } from './notifications.ts';
import { recordOutcomes } from './outcomes.ts';
import * as plan from './plan.ts';
import * as reads from './reads.ts';
import * as replay from './replay.ts';

export type { PostgresStoreOptions } from './connection.ts';

/**
 * The shared store: PostgreSQL, for several instances on one database. Each store keeps to its own
 * schema. Claims lock with `FOR UPDATE SKIP LOCKED`; commits NOTIFY the other instances
 * (`onWake`); single-runner work (derive, plan) is led through session advisory locks (`holdsLead`).
 * A pooled connection that dies is replaced on the next call: a PostgreSQL restart needs no new store.
 *
 * @example
 * const store = new PostgresStore({ url: 'postgres://parley@db:5432/parley', schema: 'parley' });
 * await store.migrate();
 */
export class PostgresStore implements Store {
  readonly driver = 'postgres';
  // Appends are applied one at a time, in call order (#appends): positions follow the calls.
  readonly appendConcurrency = 1;
  readonly #url: string;
  readonly #schema: string;
  readonly #onError: (err: Error) => void;
  readonly #db: Database;
  readonly #leadership: Leadership;
  readonly #notifications: Notifications;
  #open = true;
  #migrated = false;
  #schemaVersion = 0;
  #appends: Promise<unknown> = Promise.resolve();
  readonly resyncs: PostgresResyncs;
  readonly people: PostgresPeople;
  readonly erasures: PostgresErasures;
  readonly mappings: PostgresMappings;
  readonly consents: PostgresConsents;
  readonly retention: PostgresRetention;
  readonly provenance: PostgresProvenance;
  readonly incidents: PostgresIncidents;

  /** @throws PARLEY_STORE_UNAVAILABLE when the schema name is not a plain identifier */
  constructor(options: PostgresStoreOptions) {
    this.#url = options.url;
    this.#schema = checkedSchema(options.schema);
    this.#onError = options.onError ?? (() => undefined);
    const shared = { url: this.#url, schema: this.#schema, onError: this.#onError };
    this.#db = new Database({ ...shared, poolSize: options.poolSize ?? 10 });
    this.#leadership = new Leadership(shared);
    this.#notifications = new Notifications(shared);
    const facet = { db: () => this.#check() };
    this.resyncs = new PostgresResyncs(facet);
    this.people = new PostgresPeople(facet);
    this.erasures = new PostgresErasures(facet);
    this.mappings = new PostgresMappings(facet);
    this.consents = new PostgresConsents(facet);
    this.retention = new PostgresRetention(facet);
    this.provenance = new PostgresProvenance(facet);
    this.incidents = new PostgresIncidents(facet);
  }

  async migrate(): Promise<{ applied: number[] }> {
    this.#check({ migrated: false });
    const result = await migrateSchema(this.#url, this.#schema, this.#onError);
    this.#migrated = true;
    this.#schemaVersion = LATEST_VERSION;
    return result;
  }

  #check(options: { migrated: boolean } = { migrated: true }): Database {
    if (!this.#open) throw errors.STORE_UNAVAILABLE({ reason: 'the store is closed' });
    if (options.migrated && !this.#migrated) throw errors.STORE_UNAVAILABLE({ reason: 'migrations have not run' });
    return this.#db;
  }

  async appendDeliveries(deliveries: DeliveryWrite[]): Promise<void> {
    const db = this.#check();
    // Pooled connections would commit concurrent appends in any order: chained, they keep call order.
    const append = this.#appends.then(() => intake.appendDeliveries(db, this.#schema, deliveries));
    this.#appends = append.catch(() => undefined);
    return append;
  }

  async readPendingDeliveries(limit: number): Promise<PendingDelivery[]> { return intake.readPendingDeliveries(this.#check(), limit); }
  async countPendingDeliveries(): Promise<number> { return intake.countPendingDeliveries(this.#check()); }
  async commitDerived(batch: DerivedDelivery[], options: { dedupSince: Date }): Promise<DerivedResult[]> {
    return intake.commitDerived(this.#check(), batch, { dedupSince: options.dedupSince, now: Date.now() });
  }

  async listEvents(query: EventQuery): Promise<Page<StoredEvent>> { return reads.listEvents(this.#check(), query); }
  async getEvent(id: string): Promise<StoredEvent | undefined> { return reads.getEvent(this.#check(), id); }
  async listDeadLetters(query: DeadLetterQuery): Promise<Page<StoredDeadLetter>> { return reads.listDeadLetters(this.#check(), query); }
  async getDeadLetter(id: string): Promise<StoredDeadLetter | undefined> { return reads.getDeadLetter(this.#check(), id); }
  async readUnplannedEvents(limit: number): Promise<StoredEvent[]> { return plan.readUnplannedEvents(this.#check(), limit); }

  async commitPlan(plans: PlannedEvent[], options: { now: Date }): Promise<{ planned: number; alreadyPlanned: number }> {
    const now = options.now.getTime();
    const planned = await plan.queuePlans(this.#check(), plans, now, (tx, p, event) => plan.admitUnplanned(tx, p, event, now));
    return { planned, alreadyPlanned: plans.length - planned };
  }

  async deferredDestinations(): Promise<string[]> { return plan.deferredDestinations(this.#check()); }
  async readDeferredEvents(destination: string, limit: number): Promise<StoredEvent[]> { return plan.readDeferredEvents(this.#check(), destination, limit); }
  async commitDeferredPlan(destination: string, plans: PlannedEvent[], options: { now: Date }): Promise<number> {
    return plan.queuePlans(this.#check(), plans, options.now.getTime(), (tx, p) => plan.admitDeferred(tx, destination, p));
  }

  async claimOperations(destination: string, options: ClaimOptions): Promise<StoredOperation[]> {
    return claimOperations(this.#check(), destination, options);
  }
  async readFirstRecords(destination: string, keys: Array<{ object: string; orderingKey: string }>): Promise<Array<{ object: string; orderingKey: string; crmId: string }>> {
    return reads.readFirstRecords(this.#check(), destination, keys);
  }
  async readLinks(destination: string, keys: Array<{ object: string; key: string }>): Promise<Array<{ object: string; key: string; crmId: string }>> {
    return reads.readLinks(this.#check(), destination, keys);
  }
  async recordOutcomes(outcomes: OperationOutcome[], options: { owner: string; now: Date }): Promise<number> { return recordOutcomes(this.#check(), outcomes, options); }
  async markSent(ids: string[], options: { owner: string; now: Date }): Promise<number> { return leases.markSent(this.#check(), ids, options); }
  async releaseLeases(owner: string, options: { now: Date }): Promise<number> { return leases.releaseLeases(this.#check(), owner, options); }
  async heartbeat(instance: string, options: { now: Date; roles: string[] }): Promise<void> { return leases.heartbeat(this.#check(), instance, options); }
  async reapInstances(options: { silentSince: Date; now: Date; self: string }): Promise<Array<{ instance: string; released: number }>> {
    return leases.reapInstances(this.#check(), options);
  }
  async listInstances(): Promise<InstanceRecord[]> { return leases.listInstances(this.#check()); }

  async holdsLead(role: 'derive' | 'plan'): Promise<boolean> {
    this.#check({ migrated: false });
    return this.#leadership.holds(role);
  }

  onWake(listener: (topic: WakeTopic) => void): () => void {
    return this.#notifications.subscribe(listener);
  }

  /** Resolves once the wake-up listener is connected and LISTENing (tests wait on it instead of sleeping). */
  async wakeReady(): Promise<void> {
    await this.#notifications.ready();
  }

  async listAttempts(operationId: string): Promise<OperationAttempt[]> { return reads.listAttempts(this.#check(), operationId); }
  async replayDeadLetters(ids: string[], options: { now: Date }): Promise<string[]> { return replay.replayDeadLetters(this.#check(), ids, options); }
  async replayMappingDeadLetters(replays: MappingReplay[], options: { now: Date }): Promise<string[]> {
    return replay.replayMappingDeadLetters(this.#check(), replays, options);
  }
  async findReplayable(filter: Parameters<Store['findReplayable']>[0]): Promise<string[]> { return replay.findReplayable(this.#check(), filter); }
  async readIdempotencyKey(scope: string, key: string, since: Date): Promise<unknown> { return reads.readIdempotencyKey(this.#check(), scope, key, since); }
  async saveIdempotencyKey(scope: string, key: string, response: unknown, now: Date): Promise<void> {
    return reads.saveIdempotencyKey(this.#check(), scope, key, response, now);
  }
  async listOperations(query: OperationQuery): Promise<Page<StoredOperation>> { return reads.listOperations(this.#check(), query); }
  async countOperations(): Promise<Array<{ destination: string; state: OperationState; count: number }>> { return reads.countOperations(this.#check()); }
  async pruneDedupKeys(before: Date): Promise<number> { return reads.pruneDedupKeys(this.#check(), before); }

  /**
   * Open, migrated and reachable: one small query (the schema version), whose success also counts
   * as the probe that makes a store whose last statement failed writable again.
   */
  async status(): Promise<StoreStatus> {
    if (!this.#open) return { open: false, schemaVersion: 0, latestVersion: LATEST_VERSION, writable: false, writeError: 'the store is closed' };
    try {
      this.#schemaVersion = (await this.#db.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations')).rows[0]?.version ?? 0;
    } catch {
      // Kept by the database as the failure; the last version seen stands.
    }
    const writeError = this.#db.failure;
    return { open: true, schemaVersion: this.#schemaVersion, latestVersion: LATEST_VERSION, writable: writeError === undefined, ...(writeError !== undefined ? { writeError } : {}) };
  }

  /** Ends the pool and the dedicated connections (which frees every lead held). */
  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await this.#appends;
    await Promise.all([this.#leadership.close(), this.#notifications.close()]);
    await this.#db.end();
  }
}
