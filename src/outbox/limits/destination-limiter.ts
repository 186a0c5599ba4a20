import Bottleneck from 'bottleneck';
import type { Logger } from '../../logging/logger.ts';
import { createLocalEngine, type Engine, type LimitSettings } from './engine.ts';
import { redisAddress } from './redis-address.ts';
import { createSharedEngine, type SharedEngine } from './shared-engine.ts';

// A destination's limiter (ARCHITECTURE.md, Rate limits): a Bottleneck in this process, or, with
// Redis, one shared by every instance that sends to the same destination. Losing Redis degrades to
// per-instance limits, never to none: the calls that had not started move to a local Bottleneck with
// the same settings, and come back to a new shared one once Redis answers again.
//
// Every call is an entry that knows whether it started. An engine (engine.ts) runs a no-op for an
// entry that moved on to another engine, so a call runs once, on whichever engine starts it first,
// and its caller gets the call's own result whatever the engines did.

/** What a call is for: `live` traffic goes before `resync` traffic waiting on the same limiter. */
export type CallPriority = 'live' | 'resync';

/** Bottleneck priorities (0 runs first). `hold` keeps a place for a call that started on an engine left behind. */
const PRIORITY = { hold: 0, live: 3, resync: 7 } as const;

const DEFAULT_PROBE_INTERVAL_MS = 3_000;
const DEFAULT_REDIS_TIMEOUT_MS = 2_000;
const DEFAULT_EXPIRATION_MS = 2 * 60_000;

/** Where the limits are shared: a Redis every instance of the service reaches. */
export interface SharedLimitsOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://`); only `host:port` is ever logged. */
  url: string;
  /**
   * Start of the limiter's Bottleneck id (default `parley:`): the id is `<keyPrefix><destination>`,
   * and Bottleneck names its Redis keys and pub/sub channels after it (`b_<id>_…`), so instances
   * share a destination's limits exactly when they agree on the prefix and the destination's name.
   */
  keyPrefix?: string;
  /** While Redis is lost: how often it is tried again, ms (default 3 s). */
  probeIntervalMs?: number;
  /** Longest wait for an answer from Redis (a command, or connecting), ms (default 2 s). */
  timeoutMs?: number;
  /**
   * How long a call may hold its place in the shared count, ms (default 2 min: the default connect
   * and response timeouts, 10 s + 60 s, with room; pass the destination's own sum with a margin).
   * Redis frees the place of a call whose instance died or lost Redis mid-call only this late —
   * with `maxConcurrent: 1` the destination waits that long cluster-wide — while a call that runs
   * longer stops counting against `maxConcurrent`. Hence neither minutes too short nor too long.
   */
  expirationMs?: number;
}

export interface DestinationLimiterOptions extends LimitSettings {
  /** The destination's name: instances share limits per name. */
  destination: string;
  /** Share the limits across instances through this Redis; without it, the limits are this process's. */
  redis?: SharedLimitsOptions;
  logger: Logger;
  /** Epoch ms (default `Date.now`); only for how long shared limits were lost, in the log. */
  now?: () => number;
}

/**
 * Concurrency and spacing of the calls to one destination: `schedule` and `stop` as a Bottleneck's.
 *
 * Priority: a `live` call waiting on this limiter starts before a `resync` call waiting on it, even
 * one queued earlier. Across instances there is no priority: each instance orders only its own
 * queue, and the shared `maxConcurrent`/`minTimeMs` go to whichever instance asks first, so a resync
 * on one instance may start before a live call waiting on another (Bottleneck's clustering keeps
 * queues in each process, not in Redis).
 */
export interface DestinationLimiter {
  /**
   * Runs `call` when the limits allow, and settles as it does. Rejects with a `BottleneckError`
   * once the limiter is stopped. A call runs once, even when Redis is lost while it waits.
   * @param options.priority `live` (default) or `resync`
   */
  schedule<T>(call: () => Promise<T>, options?: { priority?: CallPriority }): Promise<T>;
  /**
   * Stops taking calls. `dropWaitingJobs` (default true, as Bottleneck's) rejects the calls not
   * started yet; false lets them run. Resolves when every call has settled and the Redis
   * connections (if any) are closed.
   */
  stop(options?: { dropWaitingJobs: boolean }): Promise<void>;
  /** Where new calls go: `shared` (Redis) or `local` (no Redis configured, or Redis lost). */
  mode(): 'local' | 'shared';
}

/** One call handed to the limiter. */
interface Entry {
  readonly call: () => Promise<unknown>;
  readonly priority: number;
  state: 'waiting' | 'started' | 'settled';
  /** Bumped each time the entry is handed to an engine: only the newest hand-off may start it. */
  ticket: number;
  /** Set when the call starts; settles (never rejects) when the call does. */
  finished?: Promise<void>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Makes a destination's limiter: local without `redis`; with it, shared through Redis under the id
 * `<keyPrefix><destination>`, falling back to local limits (one warning) while Redis is lost and
 * back to shared ones (one info line) when a PING is answered again.
 * @throws when a shared limiter cannot even be set up (a URL ioredis rejects)
 */
export function createDestinationLimiter(options: DestinationLimiterOptions): DestinationLimiter {
  const settings: LimitSettings = { maxConcurrent: options.maxConcurrent, minTimeMs: options.minTimeMs };
  const now = options.now ?? Date.now;
  const log = options.logger.child({ component: 'limits', destination: options.destination });
  const waiting = new Set<Entry>();
  const running = new Set<Entry>();
  let whenIdle: Array<() => void> = [];
  let stopping: Promise<void> | undefined;
  let probeTimer: NodeJS.Timeout | undefined;
  let candidate: SharedEngine | undefined;
  let lostAt: number | undefined;

  const redis = options.redis;
  const address = redis ? redisAddress(redis.url) : '';
  const probeIntervalMs = redis?.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
  const startShared = (url: string): SharedEngine => {
    const engine: SharedEngine = createSharedEngine({
      ...settings, url,
      id: `${redis?.keyPrefix ?? 'parley:'}${options.destination}`,
      timeoutMs: redis?.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS,
      expirationMs: redis?.expirationMs ?? DEFAULT_EXPIRATION_MS,
      onFailure: (reason) => { onSharedFailure(engine, reason); },
    });
    return engine;
  };
  let current: Engine = redis ? startShared(redis.url) : createLocalEngine(settings);

  function onSharedFailure(engine: SharedEngine, reason: Error): void {
    // A candidate's failure is seen by probe(); an engine already left behind has nothing to move.
    if (engine !== current) return;
    engine.abort();
    if (lostAt === undefined) {
      lostAt = now();
      log.warn({ redis: address, reason: reason.message }, 'shared limits lost: per-instance limits until Redis answers');
    }
    moveTo(createLocalEngine(settings));
    if (!stopping) scheduleProbe();
  }

  function scheduleProbe(): void {
    probeTimer = setTimeout(() => { void probe(); }, probeIntervalMs);
    // The probe alone does not keep the process alive (stop() ends it anyway).
    probeTimer.unref();
  }

  /** Tries a new shared generation; it is the PING, and, once answered, the limiter itself. */
  async function probe(): Promise<void> {
    probeTimer = undefined;
    if (stopping || !redis) return;
    const engine = startShared(redis.url);
    candidate = engine;
    const ok = await engine.ready;
    candidate = undefined;
    if (!ok || engine.failed() || stopping) {
      engine.abort();
      if (!stopping) scheduleProbe();
      return;
    }
    const left = current;
    moveTo(engine);
    void left.close();
    log.info({ redis: address, lostForMs: lostAt === undefined ? 0 : now() - lostAt }, 'shared limits back: Redis answers again');
    lostAt = undefined;
  }

  /** Makes `next` the engine of new calls; the calls waiting move to it, and the running ones keep their places there. */
  function moveTo(next: Engine): void {
    current = next;
    // With no call running, the last one may still have started less than minTime ago, which a new
    // engine cannot know: a no-op in its first place makes the next call wait minTime (once).
    if (running.size === 0) hold(next);
    for (const entry of running) hold(next, entry);
    for (const entry of waiting) submit(entry, next);
  }

  function submit(entry: Entry, engine: Engine): void {
    const ticket = ++entry.ticket;
    const mine = () => entry.ticket === ticket && entry.state === 'waiting';
    engine.schedule(entry.priority, () => (mine() ? start(entry) : Promise.resolve())).catch((error: unknown) => {
      // Scheduling failed before the call started (once started, the call settles the entry itself).
      if (!mine()) return;
      if (engine.kind === 'shared') {
        onSharedFailure(engine as SharedEngine, error instanceof Error ? error : new Error(String(error)));
        if (mine()) submit(entry, current);
        return;
      }
      // A local Bottleneck refuses only once stopped.
      waiting.delete(entry);
      settle(entry);
      entry.reject(error);
    });
  }

  /**
   * Keeps the place of a call that started on an engine left behind, on `engine`, until it settles:
   * the new engine does not otherwise know that call is still running. Without `entry`, a no-op.
   */
  function hold(engine: Engine, entry?: Entry): void {
    const finished = entry?.finished ?? Promise.resolve();
    let started = false;
    engine.schedule(PRIORITY.hold, () => { started = true; return finished; }).catch((error: unknown) => {
      // After it started, a rejection is only the job's expiration.
      if (!started && engine.kind === 'shared') onSharedFailure(engine as SharedEngine, error instanceof Error ? error : new Error(String(error)));
    });
  }

  function start(entry: Entry): Promise<void> {
    entry.state = 'started';
    waiting.delete(entry);
    running.add(entry);
    let result: Promise<unknown>;
    try {
      result = Promise.resolve(entry.call());
    } catch (error) {
      result = Promise.reject(error);
    }
    const finished = result.then(entry.resolve, entry.reject).finally(() => {
      running.delete(entry);
      settle(entry);
    });
    entry.finished = finished;
    return finished;
  }

  function settle(entry: Entry): void {
    entry.state = 'settled';
    if (waiting.size + running.size > 0) return;
    const resolvers = whenIdle;
    whenIdle = [];
    for (const resolve of resolvers) resolve();
  }

  const idle = (): Promise<void> => (waiting.size + running.size === 0 ? Promise.resolve() : new Promise((resolve) => { whenIdle.push(resolve); }));

  return {
    schedule<T>(call: () => Promise<T>, scheduleOptions?: { priority?: CallPriority }): Promise<T> {
      if (stopping) return Promise.reject(new Bottleneck.BottleneckError('This limiter has been stopped and cannot accept new jobs.'));
      return new Promise<T>((resolve, reject) => {
        const entry: Entry = { call, priority: PRIORITY[scheduleOptions?.priority ?? 'live'], state: 'waiting', ticket: 0, resolve: resolve as (value: unknown) => void, reject };
        waiting.add(entry);
        submit(entry, current);
      });
    },
    stop(stopOptions?: { dropWaitingJobs: boolean }): Promise<void> {
      if (stopping) return stopping;
      clearTimeout(probeTimer);
      candidate?.abort();
      if (stopOptions?.dropWaitingJobs ?? true) {
        const dropped = [...waiting];
        waiting.clear();
        for (const entry of dropped) {
          settle(entry);
          entry.reject(new Bottleneck.BottleneckError('This limiter has been stopped.'));
        }
      }
      stopping = idle().then(() => current.close());
      return stopping;
    },
    mode: () => current.kind,
  };
}
