import { queueOperation, queuePlan, type PlannedEventRow } from './queue-plan.ts';
import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { errors } from '../../errors.ts';
import type { StoredEvent } from '../../model/index.ts';
import type {
  ClaimOptions, DeadLetterQuery, DeliveryWrite, InstanceRecord, DerivedDelivery, DerivedResult, EventQuery, MappingReplay, OperationAttempt, OperationOutcome, OperationQuery, OperationState, Page,
  PendingDelivery, PlannedEvent, Store, StoreStatus, StoredDeadLetter, StoredOperation,
} from '../store.ts';
import { ensureWritableFolder } from './data-folder.ts';
import { migrations } from './migrations/index.ts';
import { findReplayableLetters, replayMappingLetters } from './replay.ts';
import { pageOf, toStoredDeadLetter, toStoredEvent, toStoredOperation, type DeadLetterRow, type DeliveryRow, type EventRow, type OperationRow } from './rows.ts';
import { SHOWN_STATE, prepareStatements, type Statements } from './statements.ts';
import { CommitHealth, PROBE_BYTES } from './commit-health.ts';
import { applyOutcomes, releaseLeasesOf } from './record-outcomes.ts';
import { listInstances, reapInstance, recordHeartbeat, silentInstances } from './instances.ts';
import { readFirstRecords, readLinks } from './links.ts';
import { SqliteResyncs } from './resyncs.ts';
import { SqlitePeople } from './people.ts';
import { SqliteErasures } from './erasures.ts';
import { SqliteMappings } from './mappings.ts';
import { SqliteConsents } from './consents.ts';
import { SqliteRetention } from './retention.ts';
import { SqliteProvenance } from './provenance.ts';
import { SqliteIncidents } from './incidents.ts';
import { claimRows } from './claim.ts';

/** Options of the embedded store. */
export interface SqliteStoreOptions {
  /** Database file path, or `:memory:`. */
  file: string;
  /** `full`: fsync on every commit; `normal`: durable across a killed process, not a power cut. */
  synchronous: 'full' | 'normal';
  /**
   * Most pages the database may grow to (SQLite's `max_page_count`); unset, SQLite's own limit.
   * Past it commits fail as on a full disk, which is how tests make a store that cannot commit.
   */
  maxPageCount?: number;
}

/**
 * The embedded store: better-sqlite3 in WAL mode. Calls are synchronous underneath, so a commit
 * holds the event loop for its fsync; intake's group commit amortises that over every delivery
 * that arrived in the same event-loop turn, and derivation commits a run of deliveries at once.
 */
export class SqliteStore implements Store {
  readonly driver = 'sqlite';
  // Synchronous: a second outstanding commit could not start before the first ended anyway.
  readonly appendConcurrency = 1;
  readonly #db: Database.Database;
  #open = true;
  // Statements are prepared once, after migrations created the tables.
  #statements: Statements | undefined;
  // Whether commits succeed, for status(); every write transaction goes through it.
  readonly #health: CommitHealth;
  readonly resyncs: SqliteResyncs;
  readonly people: SqlitePeople;
  readonly erasures: SqliteErasures;
  readonly mappings: SqliteMappings;
  readonly consents: SqliteConsents;
  readonly retention: SqliteRetention;
  readonly provenance: SqliteProvenance;
  readonly incidents: SqliteIncidents;

  /** @throws PARLEY_STORE_DATA_DIR_UNWRITABLE when the database's folder or file cannot be written */
  constructor(options: SqliteStoreOptions) {
    if (options.file !== ':memory:') ensureWritableFolder(dirname(options.file), options.file);
    let db: Database.Database | undefined;
    try {
      db = new Database(options.file);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      db.pragma('busy_timeout = 5000');
      // Checkpoint every ~40 MB of WAL instead of SQLite's 4 MB: at webhook rates the default
      // checkpoints (each with its own fsync) several times a second, stalling commits behind them.
      db.pragma('wal_autocheckpoint = 10000');
      if (options.maxPageCount !== undefined) db.pragma(`max_page_count = ${Math.floor(options.maxPageCount)}`);
      db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
      // Bookkeeping like schema_migrations, not Parley data: status()'s probe writes here (see #probeWrite).
      db.exec('CREATE TABLE IF NOT EXISTS store_probe (id INTEGER PRIMARY KEY, filler BLOB NOT NULL)');
    } catch (cause) {
      db?.close();
      throw errors.STORE_UNAVAILABLE({ reason: `cannot open ${options.file}: ${(cause as Error).message}` }, { cause });
    }
    this.#db = db;
    // The probe row is deleted in the same transaction: the room it took stays in the file, free for the next real commit.
    this.#health = new CommitHealth(db.transaction(() => {
      db.prepare('INSERT INTO store_probe (filler) VALUES (zeroblob(?))').run(PROBE_BYTES);
      db.prepare('DELETE FROM store_probe').run();
    }));
    const facet = { db: () => { this.#ready(); return db; }, statements: () => this.#ready(), commit: <T>(work: () => T): T => this.#commit(db.transaction(work)) };
    this.resyncs = new SqliteResyncs(facet);
    this.people = new SqlitePeople(facet);
    this.erasures = new SqliteErasures(facet);
    this.mappings = new SqliteMappings(facet);
    this.consents = new SqliteConsents(facet);
    this.retention = new SqliteRetention(facet);
    this.provenance = new SqliteProvenance(facet);
    this.incidents = new SqliteIncidents(facet);
  }

  #commit<T>(transaction: () => T, options: { tookRoom?: boolean } = {}): T {
    return this.#health.commit(transaction, options);
  }

  async migrate(): Promise<{ applied: number[] }> {
    const current = this.#schemaVersion();
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      try {
        this.#db.transaction(() => {
          this.#db.exec(migration.sql);
          this.#db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, Date.now());
        })();
      } catch (cause) {
        throw errors.STORE_MIGRATION_FAILED({ version: migration.version, reason: (cause as Error).message }, { cause });
      }
      applied.push(migration.version);
    }
    this.#statements = prepareStatements(this.#db);
    return { applied };
  }

  #ready() {
    if (!this.#open) throw errors.STORE_UNAVAILABLE({ reason: 'the store is closed' });
    if (!this.#statements) throw errors.STORE_UNAVAILABLE({ reason: 'migrations have not run' });
    return this.#statements;
  }

  async appendDeliveries(deliveries: DeliveryWrite[]): Promise<void> {
    const s = this.#ready();
    const run = this.#db.transaction((batch: DeliveryWrite[]) => {
      for (const d of batch) s.insertDelivery.run(d.id, d.source, d.receivedAt.getTime(), d.contentType, d.body, d.headers ? JSON.stringify(d.headers) : null);
    });
    this.#commit(() => run(deliveries), { tookRoom: true });
  }

  async readPendingDeliveries(limit: number): Promise<PendingDelivery[]> {
    const rows = this.#ready().pending.all(limit) as DeliveryRow[];
    return rows.map((r) => ({
      position: r.seq, id: r.id, source: r.source, receivedAt: new Date(r.received_at), contentType: r.content_type, body: r.body,
      ...(r.headers ? { headers: JSON.parse(r.headers) as Record<string, string> } : {}),
    }));
  }

  async countPendingDeliveries(): Promise<number> {
    return (this.#ready().countPending.get() as { n: number }).n;
  }

  async commitDerived(batch: DerivedDelivery[], options: { dedupSince: Date }): Promise<DerivedResult[]> {
    const s = this.#ready();
    const since = options.dedupSince.getTime();
    const run = this.#db.transaction((items: DerivedDelivery[]) => {
      const results = items.map((item) => this.#writeDerived(s, item, since));
      const last = items.at(-1);
      if (last) s.advanceCursor.run(last.delivery.position);
      return results;
    });
    return this.#commit(() => run(batch));
  }

  #writeDerived(s: Statements, { delivery, outcome }: DerivedDelivery, since: number): DerivedResult {
    const at = delivery.receivedAt.getTime();
    if (outcome.type === 'dead-letter') {
      const letter = outcome.deadLetter;
      if (s.claimKey.run(delivery.source, letter.key, at, since).changes === 0) return { type: 'dead-letter', stored: false };
      s.insertDeadLetter.run(letter.id, delivery.source, delivery.id, letter.reasonCode, letter.reason, JSON.stringify(letter.details),
        delivery.contentType, delivery.body, at);
      return { type: 'dead-letter', stored: true };
    }
    const storedEventIds: string[] = [];
    const duplicateKeys: string[] = [];
    for (const event of outcome.events) {
      if (s.claimKey.run(delivery.source, event.key, at, since).changes === 0) {
        duplicateKeys.push(event.key);
        continue;
      }
      s.insertEvent.run(event.id, delivery.source, event.kind, event.key, delivery.id, at, JSON.stringify(event.data));
      storedEventIds.push(event.id);
    }
    return { type: 'events', storedEventIds, duplicateKeys };
  }

  async listEvents(query: EventQuery): Promise<Page<StoredEvent>> {
    this.#ready();
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (query.source !== undefined) { where.push('source = ?'); params.push(query.source); }
    if (query.kind !== undefined) { where.push('kind = ?'); params.push(query.kind); }
    if (query.since !== undefined) { where.push('received_at >= ?'); params.push(query.since.getTime()); }
    if (query.after !== undefined) { where.push('seq > ?'); params.push(Number(query.after)); }
    const sql = `SELECT * FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq LIMIT ?`;
    const rows = this.#db.prepare(sql).all(...params, query.limit + 1) as EventRow[];
    return pageOf(rows, query.limit, toStoredEvent);
  }

  async getEvent(id: string): Promise<StoredEvent | undefined> {
    const row = this.#ready().getEvent.get(id) as EventRow | undefined;
    return row && toStoredEvent(row);
  }

  async listDeadLetters(query: DeadLetterQuery): Promise<Page<StoredDeadLetter>> {
    this.#ready();
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (query.source !== undefined) { where.push('source = ?'); params.push(query.source); }
    if (query.stage !== undefined) { where.push('stage = ?'); params.push(query.stage); }
    if (query.after !== undefined) { where.push('seq > ?'); params.push(Number(query.after)); }
    const sql = `SELECT * FROM dead_letters ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq LIMIT ?`;
    const rows = this.#db.prepare(sql).all(...params, query.limit + 1) as DeadLetterRow[];
    return pageOf(rows, query.limit, toStoredDeadLetter);
  }

  async getDeadLetter(id: string): Promise<StoredDeadLetter | undefined> {
    const row = this.#ready().getDeadLetter.get(id) as DeadLetterRow | undefined;
    return row && toStoredDeadLetter(row);
  }

  async readUnplannedEvents(limit: number): Promise<StoredEvent[]> {
    return (this.#ready().unplanned.all(limit) as EventRow[]).map(toStoredEvent);
  }

  async commitPlan(plans: PlannedEvent[], options: { now: Date }): Promise<{ planned: number; alreadyPlanned: number }> {
    const planned = this.#queuePlans(plans, options.now.getTime(), (s, plan, event, now) => {
      if (event.planned_at !== null) return false;
      for (const destination of plan.deferred ?? []) s.deferPlan.run(destination, event.seq, plan.eventId);
      s.markPlanned.run(now, plan.eventId);
      return true;
    });
    return { planned, alreadyPlanned: plans.length - planned };
  }

  async deferredDestinations(): Promise<string[]> {
    return (this.#ready().deferredDestinations.all() as Array<{ destination: string }>).map((row) => row.destination);
  }

  async readDeferredEvents(destination: string, limit: number): Promise<StoredEvent[]> {
    return (this.#ready().readDeferred.all(destination, limit) as EventRow[]).map(toStoredEvent);
  }

  async commitDeferredPlan(destination: string, plans: PlannedEvent[], options: { now: Date }): Promise<number> {
    return this.#queuePlans(plans, options.now.getTime(), (s, plan) => s.undefer.run(destination, plan.eventId).changes > 0);
  }

  /** Queues the plans `admit` lets through (it also does their bookkeeping), in ONE transaction; answers how many. */
  #queuePlans(plans: PlannedEvent[], now: number, admit: (s: Statements, plan: PlannedEvent, event: PlannedEventRow, now: number) => boolean): number {
    const s = this.#ready();
    const run = this.#db.transaction((items: PlannedEvent[]) => {
      let planned = 0;
      for (const plan of items) {
        const event = s.getEventForPlan.get(plan.eventId) as PlannedEventRow | undefined;
        if (!event || !admit(s, plan, event, now)) continue;
        queuePlan(s, plan, event, now);
        planned++;
      }
      return planned;
    });
    return this.#commit(() => run(plans));
  }

  async claimOperations(destination: string, options: ClaimOptions): Promise<StoredOperation[]> {
    const s = this.#ready();
    const run = this.#db.transaction(() => claimRows(s, destination, { ...options, now: options.now.getTime() }));
    return this.#commit(run).map(toStoredOperation);
  }

  async readFirstRecords(destination: string, keys: Array<{ object: string; orderingKey: string }>): Promise<Array<{ object: string; orderingKey: string; crmId: string }>> {
    return readFirstRecords(this.#ready(), destination, keys);
  }

  async readLinks(destination: string, keys: Array<{ object: string; key: string }>): Promise<Array<{ object: string; key: string; crmId: string }>> {
    return readLinks(this.#ready(), destination, keys);
  }

  async recordOutcomes(outcomes: OperationOutcome[], options: { owner: string; now: Date }): Promise<number> {
    const s = this.#ready();
    return this.#commit(this.#db.transaction(() => applyOutcomes(s, outcomes, options.owner, options.now.getTime())));
  }

  async replayDeadLetters(ids: string[], options: { now: Date }): Promise<string[]> {
    const s = this.#ready();
    const now = options.now.getTime();
    const run = this.#db.transaction(() => ids.filter((id) => {
      const letter = s.getLetterOperation.get(id) as { operation_id: string | null } | undefined;
      if (!letter?.operation_id) return false;
      if (s.revive.run(now, now, letter.operation_id).changes === 0) return false;
      s.markReplayed.run(now, id);
      return true;
    }));
    return this.#commit(run);
  }

  async replayMappingDeadLetters(replays: MappingReplay[], options: { now: Date }): Promise<string[]> {
    const s = this.#ready();
    const now = options.now.getTime();
    return this.#commit(this.#db.transaction(() => replayMappingLetters(s, replays, (op) => queueOperation(s, op, now), now)));
  }

  async findReplayable(filter: Parameters<Store['findReplayable']>[0]): Promise<string[]> {
    this.#ready();
    return findReplayableLetters(this.#db, filter);
  }

  async readIdempotencyKey(scope: string, key: string, since: Date): Promise<unknown> {
    const row = this.#ready().getIdempotency.get(scope, key, since.getTime()) as { response: string } | undefined;
    return row ? JSON.parse(row.response) as unknown : undefined;
  }

  async saveIdempotencyKey(scope: string, key: string, response: unknown, now: Date): Promise<void> {
    const s = this.#ready();
    this.#commit(() => s.putIdempotency.run(scope, key, JSON.stringify(response), now.getTime()));
  }

  async listAttempts(operationId: string): Promise<OperationAttempt[]> {
    const rows = this.#ready().attempts.all(operationId) as Array<{ attempt: number; at: number; outcome: string; error: string | null }>;
    return rows.map((r) => ({ attempt: r.attempt, at: new Date(r.at).toISOString(), outcome: r.outcome, ...(r.error ? { error: JSON.parse(r.error) as Record<string, unknown> } : {}) }));
  }

  async listOperations(query: OperationQuery): Promise<Page<StoredOperation>> {
    this.#ready();
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (query.state !== undefined) { where.push(`${SHOWN_STATE} = ?`); params.push(query.state); }
    if (query.destination !== undefined) { where.push('destination = ?'); params.push(query.destination); }
    if (query.after !== undefined) { where.push('seq > ?'); params.push(Number(query.after)); }
    const sql = `SELECT *, ${SHOWN_STATE} AS shown_state FROM operations ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq LIMIT ?`;
    const rows = (this.#db.prepare(sql).all(...params, query.limit + 1) as Array<OperationRow & { shown_state: OperationState }>)
      .map((row) => ({ ...row, state: row.shown_state }));
    return pageOf(rows, query.limit, toStoredOperation);
  }

  async countOperations(): Promise<Array<{ destination: string; state: OperationState; count: number }>> {
    return this.#ready().countOperations.all() as Array<{ destination: string; state: OperationState; count: number }>;
  }

  async pruneDedupKeys(before: Date): Promise<number> {
    const s = this.#ready();
    return this.#commit(() => s.prune.run(before.getTime()).changes);
  }

  async markSent(ids: string[], options: { owner: string; now: Date }): Promise<number> {
    const s = this.#ready();
    const now = options.now.getTime();
    const run = this.#db.transaction(() => ids.reduce((n, id) => n + s.markSent.run(now, now, id, options.owner).changes, 0));
    return this.#commit(run);
  }

  async releaseLeases(owner: string, options: { now: Date }): Promise<number> {
    const s = this.#ready();
    const now = options.now.getTime();
    return this.#commit(this.#db.transaction(() => releaseLeasesOf(s, owner, now)));
  }

  async heartbeat(instance: string, options: { now: Date; roles: string[] }): Promise<void> {
    const s = this.#ready();
    this.#commit(() => recordHeartbeat(s, instance, options));
  }

  async reapInstances(options: { silentSince: Date; now: Date; self: string }): Promise<Array<{ instance: string; released: number }>> {
    const s = this.#ready();
    return silentInstances(s, options).map((instance) => this.#commit(this.#db.transaction(() => reapInstance(s, instance, options.now))));
  }

  async listInstances(): Promise<InstanceRecord[]> {
    return listInstances(this.#ready());
  }

  /** One process per database file: this store always leads. */
  async holdsLead(): Promise<boolean> {
    return true;
  }

  /** No other instance shares an embedded database: nothing to wake for. */
  onWake(): () => void {
    return () => undefined;
  }

  async status(): Promise<StoreStatus> {
    const latestVersion = migrations.at(-1)?.version ?? 0;
    if (!this.#open) return { open: false, schemaVersion: 0, latestVersion, writable: false, writeError: 'the store is closed' };
    const writeError = this.#health.writeError();
    return { open: true, schemaVersion: this.#schemaVersion(), latestVersion, writable: writeError === undefined, ...(writeError ? { writeError } : {}) };
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    this.#db.close();
  }

  #schemaVersion(): number {
    const row = this.#db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null };
    return row.version ?? 0;
  }
}

/** A lazily mapped iterable: claim selection stops reading rows as soon as it has enough. */
