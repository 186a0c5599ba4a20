import pg from 'pg';
import { connectionConfig } from './connection.ts';

/**
 * Which roles this store leads, among the instances sharing the schema: a session advisory lock per
 * role (`pg_try_advisory_lock`, keyed by schema and role) on a client kept for the store's life.
 * PostgreSQL frees the lock when that session ends, so a dead instance's lead passes on by itself.
 * When the client errors or ends, every lead is lost at once; the next ask reconnects and tries again.
 */
export class Leadership {
  readonly #url: string;
  readonly #schema: string;
  readonly #onError: (err: Error) => void;
  #client: pg.Client | undefined;
  readonly #held = new Set<string>();
  // Asks run one at a time: two at once would otherwise both open a client.
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: { url: string; schema: string; onError: (err: Error) => void }) {
    this.#url = options.url;
    this.#schema = options.schema;
    this.#onError = options.onError;
  }

  /**
   * Whether this store holds `role`'s lead, taking it when free. False while the database cannot be
   * reached (the failure goes to `onError`): an instance that cannot reach it cannot lead.
   */
  holds(role: string): Promise<boolean> {
    const ask = this.#queue.then(() => this.#ask(role));
    this.#queue = ask.catch(() => undefined);
    return ask;
  }

  async #ask(role: string): Promise<boolean> {
    if (this.#closed) return false;
    if (this.#held.has(role)) return true;
    try {
      const client = this.#client ?? await this.#connect();
      const { rows } = await client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS taken', [`parley:${this.#schema}:lead:${role}`]);
      if (rows[0]?.taken === true && client === this.#client) this.#held.add(role);
      return this.#held.has(role);
    } catch (err) {
      this.#onError(err as Error);
      this.#lose();
      return false;
    }
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client(connectionConfig(this.#url, this.#schema));
    client.on('error', (err) => { this.#onError(err); if (this.#client === client) this.#lose(); });
    client.on('end', () => { if (this.#client === client) this.#lose(); });
    this.#client = client;
    try {
      await client.connect();
    } catch (err) {
      if (this.#client === client) this.#client = undefined;
      throw err;
    }
    return client;
  }

  // The session is gone or unusable: with it every lock it held. Ended for good, so a half-broken
  // connection cannot keep a lock another instance is then refused.
  #lose(): void {
    const client = this.#client;
    this.#client = undefined;
    this.#held.clear();
    client?.end().catch(() => undefined);
  }

  /** Ends the session, which frees every lead it held. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    const client = this.#client;
    this.#client = undefined;
    this.#held.clear();
    await client?.end().catch(() => undefined);
  }
}
