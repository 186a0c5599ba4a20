import { Worker, type TransferListItem } from 'node:worker_threads';
import { ParleyError, errors } from '../../errors.ts';
import type { ResyncStore } from '../resync-store.ts';
import type { PeopleStore } from '../people-store.ts';
import type { ErasureStore } from '../erasure-store.ts';
import type { MappingStore } from '../mapping-store.ts';
import type { ConsentStore } from '../consent-store.ts';
import type { RetentionStore } from '../retention-store.ts';
import type { ProvenanceStore } from '../provenance-store.ts';
import type { IncidentStore } from '../incident-store.ts';
import type { Store } from '../store.ts';
import type { SqliteStoreOptions } from './sqlite-store.ts';
import { packDeliveries } from './packed-deliveries.ts';
import { APPEND_PACKED, type FacetName, type StoreCall, type StoreReply } from './store-worker-protocol.ts';

type Pending = { resolve: (value: unknown) => void; reject: (error: unknown) => void };

// Running from TypeScript sources (npm start, tests), the worker registers tsx first; compiled, it is plain JS.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './store-worker-from-source.mjs' : './store-worker.js', import.meta.url);

/**
 * The SQLite store on a worker thread. better-sqlite3 is synchronous: on the main thread every
 * commit's fsync would stall the event loop (and every webhook with it) for milliseconds. Here the
 * main thread only posts the batch and goes on serving; group commit keeps batches large.
 * Buffers come back from the worker as Uint8Array and are re-wrapped where the interface says Buffer.
 */
export class WorkerSqliteStore implements Store {
  readonly driver = 'sqlite';
  // The worker runs calls in the order sent and merges queued appends into one transaction. Two:
  // one committing while the next gathers; more only adds thread wake-ups (measured, BENCHMARKS.md).
  readonly appendConcurrency = 2;
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;
  #failure: Error | undefined;

  constructor(options: SqliteStoreOptions) {
    this.#worker = new Worker(WORKER_URL, { workerData: options });
    this.#worker.on('message', (reply: StoreReply) => this.#settle(reply));
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.on('exit', (code) => this.#fail(new Error(`the store worker exited with code ${code}`)));
  }

  #settle(reply: StoreReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.ok) pending.resolve(reply.value);
    else if (reply.error.code) pending.reject(new ParleyError(reply.error.code, reply.error.status ?? 500, reply.error.message, reply.error.details));
    else pending.reject(errors.STORE_UNAVAILABLE({ reason: reply.error.message }));
  }

  #fail(error: unknown): void {
    // A worker's error event may carry what was thrown, Error or not: keep a message either way.
    const failure = error instanceof Error ? error : new Error(String(error));
    this.#failure ??= failure;
    for (const pending of this.#pending.values()) pending.reject(errors.STORE_UNAVAILABLE({ reason: failure.message }));
    this.#pending.clear();
  }

  #call<T>(method: keyof Store, ...args: unknown[]): Promise<T> {
    return this.#send<T>({ id: 0, method, args });
  }

  /**
   * A facet of the store (`resyncs`, …) whose every method is a call to the worker's, named
   * `<facet>.<method>`. Facet methods take and answer plain data (structured clone), as the store's own.
   */
  #facet<F extends object>(facet: FacetName): F {
    return new Proxy({} as F, {
      // Not `then`: the facet must not look like a promise to `await`.
      get: (_target, method) => (typeof method === 'string' && method !== 'then' ? (...args: unknown[]) => this.#send({ id: 0, method: `${facet}.${method}`, args }) : undefined),
    });
  }

  readonly resyncs: ResyncStore = this.#facet<ResyncStore>('resyncs');
  readonly people: PeopleStore = this.#facet<PeopleStore>('people');
  readonly erasures: ErasureStore = this.#facet<ErasureStore>('erasures');
  readonly mappings: MappingStore = this.#facet<MappingStore>('mappings');
  readonly consents: ConsentStore = this.#facet<ConsentStore>('consents');
  readonly retention: RetentionStore = this.#facet<RetentionStore>('retention');
  readonly provenance: ProvenanceStore = this.#facet<ProvenanceStore>('provenance');
  readonly incidents: IncidentStore = this.#facet<IncidentStore>('incidents');

  #send<T>(call: StoreCall, transfer: TransferListItem[] = []): Promise<T> {
    if (this.#failure) return Promise.reject(errors.STORE_UNAVAILABLE({ reason: this.#failure.message }));
    if (this.#closed) return Promise.reject(errors.STORE_UNAVAILABLE({ reason: 'the store is closed' }));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.postMessage({ ...call, id } satisfies StoreCall, transfer);
    });
  }

  migrate: Store['migrate'] = () => this.#call('migrate');
  appendDeliveries: Store['appendDeliveries'] = (deliveries) => {
    const packed = packDeliveries(deliveries);
    return this.#send({ id: 0, method: APPEND_PACKED, args: [packed] }, [packed.bodies]);
  };
  readPendingDeliveries: Store['readPendingDeliveries'] = async (limit) => {
    const rows = await this.#call<Awaited<ReturnType<Store['readPendingDeliveries']>>>('readPendingDeliveries', limit);
    return rows.map((row) => ({ ...row, body: Buffer.from(row.body.buffer, row.body.byteOffset, row.body.byteLength) }));
  };
  countPendingDeliveries: Store['countPendingDeliveries'] = () => this.#call('countPendingDeliveries');
  commitDerived: Store['commitDerived'] = (batch, options) => this.#call('commitDerived', batch, options);
  listEvents: Store['listEvents'] = (query) => this.#call('listEvents', query);
  getEvent: Store['getEvent'] = (id) => this.#call('getEvent', id);
  listDeadLetters: Store['listDeadLetters'] = (query) => this.#call('listDeadLetters', query);
  getDeadLetter: Store['getDeadLetter'] = (id) => this.#call('getDeadLetter', id);
  pruneDedupKeys: Store['pruneDedupKeys'] = (before) => this.#call('pruneDedupKeys', before);
  readUnplannedEvents: Store['readUnplannedEvents'] = (limit) => this.#call('readUnplannedEvents', limit);
  commitPlan: Store['commitPlan'] = (plans, options) => this.#call('commitPlan', plans, options);
  deferredDestinations: Store['deferredDestinations'] = () => this.#call('deferredDestinations');
  readDeferredEvents: Store['readDeferredEvents'] = (destination, limit) => this.#call('readDeferredEvents', destination, limit);
  commitDeferredPlan: Store['commitDeferredPlan'] = (destination, plans, options) => this.#call('commitDeferredPlan', destination, plans, options);
  listOperations: Store['listOperations'] = (query) => this.#call('listOperations', query);
  claimOperations: Store['claimOperations'] = (destination, options) => this.#call('claimOperations', destination, options);
  readLinks: Store['readLinks'] = (destination, keys) => this.#call('readLinks', destination, keys);
  readFirstRecords: Store['readFirstRecords'] = (destination, keys) => this.#call('readFirstRecords', destination, keys);
  recordOutcomes: Store['recordOutcomes'] = (outcomes, options) => this.#call('recordOutcomes', outcomes, options);
  markSent: Store['markSent'] = (ids, options) => this.#call('markSent', ids, options);
  releaseLeases: Store['releaseLeases'] = (owner, options) => this.#call('releaseLeases', owner, options);
  listAttempts: Store['listAttempts'] = (id) => this.#call('listAttempts', id);
  replayDeadLetters: Store['replayDeadLetters'] = (ids, options) => this.#call('replayDeadLetters', ids, options);
  replayMappingDeadLetters: Store['replayMappingDeadLetters'] = (replays, options) => this.#call('replayMappingDeadLetters', replays, options);
  findReplayable: Store['findReplayable'] = (filter) => this.#call('findReplayable', filter);
  readIdempotencyKey: Store['readIdempotencyKey'] = (scope, key, since) => this.#call('readIdempotencyKey', scope, key, since);
  saveIdempotencyKey: Store['saveIdempotencyKey'] = (scope, key, response, now) => this.#call('saveIdempotencyKey', scope, key, response, now);
  countOperations: Store['countOperations'] = () => this.#call('countOperations');
  heartbeat: Store['heartbeat'] = (instance, options) => this.#call('heartbeat', instance, options);
  reapInstances: Store['reapInstances'] = (options) => this.#call('reapInstances', options);
  listInstances: Store['listInstances'] = () => this.#call('listInstances');
  /** One process per database file: this store always leads. */
  holdsLead: Store['holdsLead'] = () => Promise.resolve(true);
  /** No other instance shares an embedded database: nothing to wake for. */
  onWake: Store['onWake'] = () => () => undefined;

  async status(): ReturnType<Store['status']> {
    if (this.#closed || this.#failure) return { open: false, schemaVersion: 0, latestVersion: 0, writable: false, writeError: this.#failure?.message ?? 'the store is closed' };
    return this.#call('status');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    if (!this.#failure) await this.#call('close');
    this.#closed = true;
    this.#worker.removeAllListeners('exit');
    await this.#worker.terminate();
  }
}
