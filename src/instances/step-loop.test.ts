import { describe, expect, it } from 'vitest';
import { createStepLoop } from './step-loop.ts';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const settle = async () => { for (let i = 0; i < 20; i++) await tick(); };

describe('the step loop', () => {
  it('notify runs steps until one finds nothing; steps never overlap', async () => {
    let left = 3, running = 0, overlapped = false, steps = 0;
    const loop = createStepLoop({
      args: [], retryMs: 1_000, onError: () => undefined,
      run: async () => { running++; overlapped ||= running > 1; steps++; await tick(); running--; return left > 0 ? left-- : 0; },
    });
    loop.notify();
    void loop.step();
    await settle();
    // The step asked directly ran first; the scheduled ones then ran until one found nothing.
    expect(left).toBe(0);
    expect(steps).toBe(4);
    expect(overlapped).toBe(false);
    await loop.stop();
  });

  it('a failed step is reported and tried again after retryMs; stop lets a running step finish and schedules nothing more', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const loop = createStepLoop({ args: [], retryMs: 5, onError: (e) => errors.push(e), run: async () => { calls++; if (calls === 1) throw new Error('store down'); return 0; } });
    loop.notify();
    await new Promise((r) => setTimeout(r, 40));
    expect(errors).toHaveLength(1);
    expect(calls).toBe(2);
    await loop.stop();
    loop.notify();
    await settle();
    expect(calls).toBe(2);
  });

  it('catchUp answers true once a step finds nothing, false when one says it must wait (negative)', async () => {
    const answers = [2, 1, 0];
    const loop = createStepLoop({ args: [], retryMs: 5, onError: () => undefined, run: async () => answers.shift() ?? 0 });
    expect(await loop.catchUp(1_000)).toBe(true);
    const waiting = createStepLoop({ args: [], retryMs: 5, onError: () => undefined, run: async () => -1 });
    expect(await waiting.catchUp(1_000)).toBe(false);
  });

  it('runs nothing scheduled while not enabled', async () => {
    let enabled = false, calls = 0;
    const loop = createStepLoop({ args: [], retryMs: 5, enabled: () => enabled, onError: () => undefined, run: async () => { calls++; return 0; } });
    loop.notify();
    await settle();
    expect(calls).toBe(0);
    enabled = true;
    loop.notify();
    await settle();
    expect(calls).toBe(1);
  });
});
