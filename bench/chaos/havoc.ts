// npm run chaos, the faults: SIGKILLs of random instances (each restarted on its own data folder a
// moment later), one PostgreSQL restart, one Redis loss, spread over the send phase.
import { restartPostgres, sleep, type ParleyInstance, type RedisServer } from './cluster.ts';

/** One thing that happened, for the report: seconds since the run's start. */
export interface HavocEvent { at: number; what: string }

export interface HavocOptions {
  instances: readonly ParleyInstance[];
  redis: RedisServer | undefined;
  /** Restart PostgreSQL (false with SQLite). */
  postgres: boolean;
  kills: number;
  /** Spread the faults over this many seconds from now. */
  seconds: number;
  /** How long a killed instance stays down before it is started again, ms. */
  downMs: number;
  /** How long Redis stays down, ms. */
  redisDownMs: number;
  /** The run's start (epoch ms), for the events' times. */
  t0: number;
}

/** What the faults did, and when Redis was away (epoch ms), for the rate check. */
export interface HavocResult {
  events: HavocEvent[];
  kills: number;
  restarts: number;
  /** Restarts that failed (an instance that did not come back): each is retried until the end. */
  failedStarts: number;
  redisDown?: { from: number; to: number };
  postgresRestartMs?: number;
  /** Longest time an instance took to answer /health after a restart, ms. */
  slowestRestartMs: number;
}

/**
 * Runs the faults; resolves once every killed instance is live again (each restart retried until it
 * is) and Redis is back.
 */
export async function runHavoc(options: HavocOptions): Promise<HavocResult> {
  const { instances } = options;
  const result: HavocResult = { events: [], kills: 0, restarts: 0, failedStarts: 0, slowestRestartMs: 0 };
  const log = (what: string) => {
    const at = (Date.now() - options.t0) / 1000;
    result.events.push({ at, what });
    process.stderr.write(`chaos ${at.toFixed(1).padStart(6)} s  ${what}\n`);
  };
  const restarting: Array<Promise<void>> = [];
  const restart = async (instance: ParleyInstance) => {
    await sleep(options.downMs * (0.5 + Math.random()));
    for (;;) {
      try {
        const ms = await instance.start();
        result.restarts++;
        result.slowestRestartMs = Math.max(result.slowestRestartMs, ms);
        log(`${instance.name} live again (${ms} ms to /health)`);
        return;
      } catch (err) {
        result.failedStarts++;
        log(`${instance.name} did not start: ${(err as Error).message}; trying again`);
        await instance.kill();
        await sleep(1_000);
      }
    }
  };

  // Kills at even intervals with jitter; PostgreSQL at 40 %, Redis at 60 % of the way.
  const started = Date.now();
  const spacing = (options.seconds * 1000) / (options.kills + 1);
  const plan: Array<{ at: number; run: () => Promise<void> }> = [];
  for (let k = 1; k <= options.kills; k++) {
    plan.push({ at: k * spacing + (Math.random() - 0.5) * spacing * 0.5, run: async () => {
      // Always leave one instance to take deliveries: wait for a second live one (a restart, slow
      // while PostgreSQL is away), up to a spacing past the end (a run with one instance kills it anyway).
      const giveUpAt = started + options.seconds * 1000 + spacing;
      let live = instances.filter((i) => i.live);
      while (live.length === 0 || (live.length === 1 && instances.length > 1)) {
        if (Date.now() > giveUpAt) { log('kill skipped: no second live instance'); return; }
        await sleep(250);
        live = instances.filter((i) => i.live);
      }
      const victim = live[Math.floor(Math.random() * live.length)]!;
      await victim.kill();
      result.kills++;
      log(`SIGKILL ${victim.name} (kill ${result.kills})`);
      restarting.push(restart(victim));
    } });
  }
  if (options.postgres) {
    plan.push({ at: options.seconds * 1000 * 0.4, run: async () => {
      log('PostgreSQL restarting');
      result.postgresRestartMs = await restartPostgres();
      log(`PostgreSQL answers again (${result.postgresRestartMs} ms)`);
    } });
  }
  const redis = options.redis;
  if (redis) {
    plan.push({ at: options.seconds * 1000 * 0.6, run: async () => {
      const from = Date.now();
      await redis.kill();
      log('redis-server killed');
      await sleep(options.redisDownMs);
      await redis.start();
      result.redisDown = { from, to: Date.now() };
      log('redis-server started again (empty)');
    } });
  }
  await Promise.all(plan.map(async (step) => {
    await sleep(Math.max(0, started + step.at - Date.now()));
    await step.run();
  }));
  await Promise.all(restarting);
  return result;
}
