import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE, pastRetryWindow, retryDelayMs } from './backoff.ts';

describe('retry backoff', () => {
  it('waits a random time up to each step (full jitter), the last step repeating', () => {
    expect(retryDelayMs(1, DEFAULT_RETRY_SCHEDULE, () => 0.999)).toBe(9_990);
    expect(retryDelayMs(2, DEFAULT_RETRY_SCHEDULE, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(7, DEFAULT_RETRY_SCHEDULE, () => 0.5)).toBe(21_600_000);
    expect(retryDelayMs(40, DEFAULT_RETRY_SCHEDULE, () => 0.5)).toBe(21_600_000);
    expect(retryDelayMs(3, DEFAULT_RETRY_SCHEDULE, () => 0)).toBe(0);
  });
  it('gives up once the operation is older than the window', () => {
    const planned = new Date('2026-11-30T00:00:00Z');
    expect(pastRetryWindow(planned, new Date('2026-12-02T23:59:59Z'), DEFAULT_RETRY_SCHEDULE)).toBe(false);
    expect(pastRetryWindow(planned, new Date('2026-12-03T00:00:00Z'), DEFAULT_RETRY_SCHEDULE)).toBe(true);
  });
});
