import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../logging/logger.ts';
import { createDestinationLimiter, type DestinationLimiter } from './destination-limiter.ts';
import type { SharedEngine, SharedEngineOptions } from './shared-engine.ts';

// The moves between engines, step by step: the shared engine is a fake the test drives (which job
// runs when, when it fails), the local one is a real Bottleneck. The same paths run against a real
// Redis in redis-loss.test.ts, where their timing is not the test's to choose.

interface FakeJob { priority: number; task: () => Promise<unknown>; reject: (error: Error) => void; started: boolean }
interface FakeShared { options: SharedEngineOptions; jobs: FakeJob[]; aborted: boolean; fail(reason: Error): void; run(job: FakeJob): Promise<unknown> }

const fakes: FakeShared[] = [];
vi.mock('./shared-engine.ts', () => ({
  createSharedEngine(options: SharedEngineOptions): SharedEngine {
    let failed = false;
    const fake: FakeShared = {
      options, jobs: [], aborted: false,
      fail(reason) { failed = true; options.onFailure(reason); },
      run(job) { job.started = true; return job.task(); },
    };
    fakes.push(fake);
    return {
      kind: 'shared',
      ready: Promise.resolve(true),
      failed: () => failed,
      schedule(priority, task) {
        return new Promise((resolve, reject) => {
          const job: FakeJob = { priority, started: false, reject, task: () => task().then((value) => { resolve(value); return value; }) };
          fake.jobs.push(job);
        });
      },
      abort() { fake.aborted = true; },
      close: async () => undefined,
    };
  },
}));

let limiter: DestinationLimiter | undefined;
const unfinished: Array<() => void> = [];
afterEach(async () => {
  fakes.splice(0);
  // A failing test may leave calls running: end them, so stopping does not wait for them.
  for (const finish of unfinished.splice(0)) finish();
  await limiter?.stop({ dropWaitingJobs: true });
  limiter = undefined;
});

function sharedLimiter(minTimeMs = 0): DestinationLimiter {
  limiter = createDestinationLimiter({ destination: 'crm', maxConcurrent: 1, minTimeMs, logger: createLogger('silent'), redis: { url: 'redis://127.0.0.1:1', probeIntervalMs: 60_000 } });
  return limiter;
}

/** A call that counts its runs and ends when the test says. */
function controlledCall(name: string) {
  let finish: () => void = () => undefined;
  const state = { runs: 0 };
  const call = async () => {
    state.runs += 1;
    await new Promise<void>((resolve) => { finish = resolve; unfinished.push(resolve); });
    return name;
  };
  return { call, state, finish: () => finish() };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('moving calls off a failed shared limiter', () => {
  it('runs a waiting call on the local limiter, never from the failed one\'s stale job', async () => {
    const one = sharedLimiter();
    const x = controlledCall('x');
    const result = one.schedule(x.call);
    const [shared] = fakes;
    shared!.fail(new Error('connection to Redis closed'));
    expect(one.mode()).toBe('local');
    expect(shared!.aborted).toBe(true);
    // The failed limiter had already let the job through (its timer fired late): a no-op now.
    await shared!.run(shared!.jobs[0]!);
    expect(x.state.runs).toBe(0);
    await tick();
    expect(x.state.runs).toBe(1);
    x.finish();
    expect(await result).toBe('x');
    expect(x.state.runs).toBe(1);
  });

  it('lets a call that started on the failed limiter finish once, and keeps its place on the local one', async () => {
    const one = sharedLimiter();
    const first = controlledCall('first');
    const second = controlledCall('second');
    const results = [one.schedule(first.call), one.schedule(second.call)];
    const [shared] = fakes;
    void shared!.run(shared!.jobs[0]!);
    expect(first.state.runs).toBe(1);
    shared!.fail(new Error('Command timed out'));
    await tick();
    // maxConcurrent 1: the local limiter knows `first` still runs.
    expect(second.state.runs).toBe(0);
    first.finish();
    await tick();
    expect(second.state.runs).toBe(1);
    second.finish();
    expect(await Promise.all(results)).toEqual(['first', 'second']);
    expect(first.state.runs).toBe(1);
  });

  it('moves a call whose scheduling the shared limiter refused, before it started', async () => {
    const one = sharedLimiter();
    const x = controlledCall('x');
    const result = one.schedule(x.call);
    const [shared] = fakes;
    shared!.jobs[0]!.reject(new Error('Command timed out'));
    await tick();
    expect(one.mode()).toBe('local');
    expect(x.state.runs).toBe(1);
    x.finish();
    expect(await result).toBe('x');
  });

  it('gives the caller the call\'s own result when the shared job is failed after it started (its expiration)', async () => {
    const one = sharedLimiter();
    const x = controlledCall('x');
    const result = one.schedule(x.call);
    const [shared] = fakes;
    void shared!.run(shared!.jobs[0]!);
    shared!.jobs[0]!.reject(new Error('This job timed out after 600000 ms.'));
    await tick();
    expect(one.mode()).toBe('shared');
    x.finish();
    expect(await result).toBe('x');
    expect(x.state.runs).toBe(1);
  });

  it('uses the id <keyPrefix><destination>, parley: by default', () => {
    sharedLimiter();
    expect(fakes[0]!.options.id).toBe('parley:crm');
  });
});
