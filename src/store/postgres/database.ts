import pg from 'pg';
import type { WakeTopic } from '../store.ts';
import { connectionConfig, describeFailure, unavailable } from './connection.ts';

/** The one channel every Parley store NOTIFYs on; the payload says which schema and what (`<schema>:<topic>`). */
export const WAKE_CHANNEL = 'parley_wake';

/** A transaction's connection, and what it asks the others to wake for once it commits. */
export interface Tx {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /** NOTIFY other instances of `topic` when this transaction commits (PostgreSQL delivers it only then, once per topic). */
  wake(topic: WakeTopic): void;
}

/**
 * The pool, and whether the store can serve for `status()`. Every statement goes through `query`
 * or `transaction`; a failure marks the store as not writable until a statement succeeds again.
 */
export class Database {
  readonly #pool: pg.Pool;
  readonly #schema: string;
  readonly #onError: (err: Error) => void;
  // Why the last statement failed, until one succeeds.
  #failure: string | undefined;

  constructor(options: { url: string; schema: string; poolSize: number; onError: (err: Error) => void }) {
    this.#schema = options.schema;
    this.#onError = options.onError;
    this.#pool = new pg.Pool({ ...connectionConfig(options.url, options.schema), max: options.poolSize });
    // An idle pooled connection that dies (the server restarted, pg_terminate_backend) emits
    // 'error' on the pool: without a listener that would crash the process. The pool drops it and
    // the next checkout opens a new one.
    this.#pool.on('error', (err) => this.#onError(err));
  }

  /** Why the store cannot serve, or undefined when the last statement succeeded. */
  get failure(): string | undefined { return this.#failure; }

  /**
   * One statement outside a transaction (a read, or a write that is atomic on its own).
   * @throws PARLEY_STORE_UNAVAILABLE when it fails
   */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      const result = await this.#pool.query<R>(sql, params);
      this.#failure = undefined;
      return result;
    } catch (cause) {
      throw this.#failed(cause);
    }
  }

  /**
   * Runs `work` in ONE transaction (READ COMMITTED), committed before it resolves; on any failure
   * it is rolled back, nothing of it kept.
   * @throws PARLEY_STORE_UNAVAILABLE when it fails
   */
  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (cause) {
      throw this.#failed(cause);
    }
    // While checked out, the pool no longer listens for the client's errors: a backend killed
    // between two statements would otherwise be an uncaught 'error' event.
    let broken: Error | undefined;
    const onClientError = (err: Error) => { broken = err; this.#onError(err); };
    client.on('error', onClientError);
    const topics = new Set<WakeTopic>();
    const tx: Tx = { query: (sql, params = []) => client.query(sql, params), wake: (topic) => { topics.add(topic); } };
    try {
      await client.query('BEGIN');
      const result = await work(tx);
      for (const topic of topics) await client.query('SELECT pg_notify($1, $2)', [WAKE_CHANNEL, `${this.#schema}:${topic}`]);
      await client.query('COMMIT');
      this.#failure = undefined;
      return result;
    } catch (cause) {
      broken ??= await client.query('ROLLBACK').then(() => undefined, (err: Error) => err);
      throw this.#failed(cause);
    } finally {
      client.removeListener('error', onClientError);
      // A connection that failed is not given back to the pool: the next checkout opens a new one.
      client.release(broken);
    }
  }

  async end(): Promise<void> {
    await this.#pool.end();
  }

  #failed(cause: unknown): Error {
    const error = unavailable(cause);
    this.#failure = describeFailure(cause);
    return error;
  }
}
