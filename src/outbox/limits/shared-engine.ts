import Bottleneck from 'bottleneck';
import { Redis, type RedisOptions } from 'ioredis';
import type { Engine, LimitSettings } from './engine.ts';

// One generation of the shared limiter: a Bottleneck in clustering mode on two ioredis clients of
// ours (commands and pub/sub). A generation never reconnects: the first sign of trouble (an error,
// a closed connection, a command without an answer in time) ends it, and the destination limiter
// carries on locally and later starts a new generation (destination-limiter.ts). Bottleneck's own
// handling of a lost Redis would not do: a job whose registration failed stays in its queue until
// something else drains it, and with ioredis's defaults commands wait in an offline queue for
// reconnects, so a call could wait without bound.

export interface SharedEngineOptions extends LimitSettings {
  /** `redis://` or `rediss://` URL (may hold a password: never logged). */
  url: string;
  /** Bottleneck id: every limiter with this id on this Redis shares one `maxConcurrent` and `minTime`. */
  id: string;
  /** Longest wait for a Redis command's answer, or to connect, ms; being ready may take twice it. */
  timeoutMs: number;
  /**
   * How long a started call may hold its place in the shared count, ms. Bottleneck's README asks for
   * an expiration on every clustered job: without it, an instance that dies (or loses Redis)
   * mid-call never gives its place back, and with `maxConcurrent: 1` the whole cluster stops.
   */
  expirationMs: number;
  /** Called at most once, at the first failure, unless the engine was closed or aborted first. */
  onFailure: (reason: Error) => void;
}

/** A generation of the shared limiter. */
export interface SharedEngine extends Engine {
  readonly kind: 'shared';
  /**
   * True once both clients are connected, Redis answered a PING and the limiter registered with
   * its settings; false when it failed first or was not ready within twice `timeoutMs`.
   */
  readonly ready: Promise<boolean>;
  /** True once `onFailure` was called. */
  failed(): boolean;
  /** Drops the connections at once, without waiting for anything (the generation failed). */
  abort(): void;
}

/**
 * The ioredis options of a generation's clients: fail fast, never queue, never reconnect — a
 * failing generation is replaced, not nursed. RESP2 (ioredis 6 defaults to RESP3) is the protocol
 * Bottleneck 2.19.5's scripts and pub/sub were written and tested against.
 */
export function sharedClientOptions(timeoutMs: number): RedisOptions {
  return {
    protocol: 2,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    connectionName: 'parley-limits',
  };
}

/** Starts a generation: connects at once; calls scheduled meanwhile wait until it is ready (or fails). */
export function createSharedEngine(options: SharedEngineOptions): SharedEngine {
  const { timeoutMs } = options;
  let ended = false;
  let failed = false;
  let settleReady: (ok: boolean) => void = () => undefined;
  const ready = new Promise<boolean>((resolve) => { settleReady = resolve; });
  const fail = (reason: unknown): void => {
    if (ended) return;
    ended = true;
    failed = true;
    clearTimeout(deadline);
    settleReady(false);
    options.onFailure(reason instanceof Error ? reason : new Error(String(reason)));
  };
  const deadline = setTimeout(() => fail(new Error(`Redis not ready within ${2 * timeoutMs} ms`)), 2 * timeoutMs);

  const client = new Redis(options.url, sharedClientOptions(timeoutMs));
  const connection = new Bottleneck.IORedisConnection({ client, Redis });
  // Bottleneck makes the pub/sub client (`client.duplicate()`) itself and does not type it.
  const subscriber = (connection as unknown as { subscriber: Redis }).subscriber;
  for (const c of [client, subscriber]) {
    c.on('error', fail);
    c.on('end', () => fail(new Error('connection to Redis closed')));
  }
  connection.on('error', fail);
  // Never `clearDatastore`: other instances are using the state under this id.
  const limiter = new Bottleneck({ id: options.id, maxConcurrent: options.maxConcurrent, minTime: options.minTimeMs, datastore: 'ioredis', connection, clearDatastore: false });
  limiter.on('error', fail);

  limiter.ready()
    .then(() => client.ping())
    // The first limiter of an id stores its settings in Redis and later ones adopt them; so a
    // changed `maxConcurrent`/`minTimeMs` takes effect when an instance with it starts.
    .then(() => limiter.updateSettings({ maxConcurrent: options.maxConcurrent, minTime: options.minTimeMs }))
    .then(() => { if (!ended) { clearTimeout(deadline); settleReady(true); } }, fail);

  const pending = new Set<Promise<unknown>>();
  const disconnect = (): void => { void connection.disconnect(false).catch(() => undefined); };
  return {
    kind: 'shared',
    ready,
    failed: () => failed,
    schedule(priority, task) {
      const job = limiter.schedule({ priority, expiration: options.expirationMs }, task);
      pending.add(job);
      const forget = () => { pending.delete(job); };
      job.then(forget, forget);
      return job;
    },
    abort() {
      ended = true;
      clearTimeout(deadline);
      settleReady(false);
      disconnect();
    },
    async close() {
      ended = true;
      clearTimeout(deadline);
      settleReady(false);
      // The jobs of calls that finished free their place in Redis after the call; wait for that
      // (bounded), so the other instances get the place now rather than at its expiration.
      await Promise.race([Promise.allSettled([...pending]), pause(timeoutMs)]);
      await Promise.race([connection.disconnect(true), pause(timeoutMs)]).catch(() => undefined);
      disconnect();
    },
  };
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => { setTimeout(resolve, ms).unref(); });
}
