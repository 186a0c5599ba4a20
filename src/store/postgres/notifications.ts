import pg from 'pg';
import type { WakeTopic } from '../store.ts';
import { connectionConfig } from './connection.ts';
import { WAKE_CHANNEL } from './database.ts';

const TOPICS: ReadonlySet<string> = new Set<WakeTopic>(['deliveries', 'events', 'operations']);
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/**
 * Wake-ups from other instances: one dedicated client LISTENs on the shared channel while anyone
 * listens, and passes on the payloads of this store's schema (`<schema>:<topic>`), ignoring other
 * schemas'. A dropped connection is opened again with back-off (100 ms doubling to 5 s); what was
 * notified meanwhile is lost, which only delays work until the next poll.
 */
export class Notifications {
  readonly #url: string;
  readonly #schema: string;
  readonly #onError: (err: Error) => void;
  readonly #listeners = new Set<(topic: WakeTopic) => void>();
  #client: pg.Client | undefined;
  #retryMs = FIRST_RETRY_MS;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  // Whether LISTEN is in force on the current connection, and who waits for it to be.
  #listening = false;
  #waiting: Array<() => void> = [];

  constructor(options: { url: string; schema: string; onError: (err: Error) => void }) {
    this.#url = options.url;
    this.#schema = options.schema;
    this.#onError = options.onError;
  }

  /** Calls `listener` for each wake-up of this schema; returns the unsubscribe. */
  subscribe(listener: (topic: WakeTopic) => void): () => void {
    this.#listeners.add(listener);
    if (!this.#client && !this.#timer && !this.#closed) void this.#start();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) void this.#stop();
    };
  }

  /** Resolves once LISTEN is in force (again, after a dropped connection). */
  ready(): Promise<void> {
    if (this.#listening) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  async #start(): Promise<void> {
    const client = new pg.Client(connectionConfig(this.#url, this.#schema));
    this.#client = client;
    client.on('notification', (message) => this.#deliver(message.channel, message.payload));
    client.on('error', (err) => { this.#onError(err); this.#dropped(client); });
    client.on('end', () => this.#dropped(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${WAKE_CHANNEL}`);
      if (this.#client !== client) return;
      this.#retryMs = FIRST_RETRY_MS;
      this.#listening = true;
      for (const resolve of this.#waiting.splice(0)) resolve();
    } catch (err) {
      this.#onError(err as Error);
      this.#dropped(client);
    }
  }

  #deliver(channel: string, payload: string | undefined): void {
    if (channel !== WAKE_CHANNEL || payload === undefined) return;
    const at = payload.lastIndexOf(':');
    if (payload.slice(0, at) !== this.#schema) return;
    const topic = payload.slice(at + 1);
    if (!TOPICS.has(topic)) return;
    for (const listener of [...this.#listeners]) listener(topic as WakeTopic);
  }

  // The connection is gone: open another after the back-off, if anyone still listens.
  #dropped(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#listening = false;
    client.end().catch(() => undefined);
    if (this.#closed || this.#listeners.size === 0) return;
    const wait = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
    this.#timer = setTimeout(() => { this.#timer = undefined; void this.#start(); }, wait);
    this.#timer.unref();
  }

  #stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const client = this.#client;
    this.#client = undefined;
    this.#listening = false;
    return client ? client.end().catch(() => undefined) : Promise.resolve();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    await this.#stop();
  }
}
