import { describe, expect, it } from 'vitest';
import { pace } from './deriver.ts';

const saturated = { chunk: 16, share: 0.05, maxLagMs: 30_000, lagShare: 0.5 };

describe('derivation pacing', () => {
  it('runs full steps back to back while intake is quiet', () => {
    expect(pace({ busy: false, lagMs: 100_000, lastStepMs: 10 }, 64, saturated)).toEqual({ limit: 64, delayMs: 0 });
  });

  it('takes a small share of the loop while webhooks keep arriving', () => {
    // A 2 ms step at a 5 % share waits 38 ms.
    const next = pace({ busy: true, lagMs: 1_000, lastStepMs: 2 }, 64, saturated);
    expect(next.limit).toBe(16);
    expect(next.delayMs).toBeCloseTo(38);
  });

  it('takes a larger share once it lags too far behind', () => {
    expect(pace({ busy: true, lagMs: 31_000, lastStepMs: 2 }, 64, saturated).delayMs).toBeCloseTo(2);
  });

  it('never schedules a busy step with no pause', () => {
    expect(pace({ busy: true, lagMs: 0, lastStepMs: 0 }, 64, saturated).delayMs).toBe(1);
  });
});
