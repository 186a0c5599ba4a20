import { describe, expect, it } from 'vitest';
import limitsSample from './sandbox/metadata/limits.json' with { type: 'json' };
import { dailyUsageFromLimits, freshestUsage } from './limits.ts';

describe('reading the daily API quota from /limits', () => {
  it('takes used = Max − Remaining from DailyApiRequests of a real org\'s answer', () => {
    const body = { ...limitsSample, DailyApiRequests: { ...limitsSample.DailyApiRequests, Max: 15000, Remaining: 14975 } };
    expect(dailyUsageFromLimits(body)).toEqual({ used: 25, limit: 15000 });
  });

  it('refuses an answer without usable figures rather than guessing a quota', () => {
    for (const body of [null, {}, { DailyApiRequests: null }, { DailyApiRequests: { Max: '15000', Remaining: 1 } },
      { DailyApiRequests: { Max: 10, Remaining: 11 } }, { DailyApiRequests: { Max: 10, Remaining: -1 } }, { DailyApiRequests: { Max: 10.5, Remaining: 1 } }]) {
      expect(() => dailyUsageFromLimits(body), JSON.stringify(body)).toThrow(/DailyApiRequests/);
    }
  });

  it('does not read an inherited DailyApiRequests', () => {
    const body = Object.create({ DailyApiRequests: { Max: 10, Remaining: 5 } }) as object;
    expect(() => dailyUsageFromLimits(body)).toThrow(/DailyApiRequests/);
  });

  it('prefers the Sforce-Limit-Info header of the same answer, which does not lag', () => {
    const body = { DailyApiRequests: { Max: 1000, Remaining: 50 } };
    expect(freshestUsage({ used: 3, limit: 15000 }, body)).toEqual({ used: 3, limit: 15000 });
    expect(freshestUsage(undefined, body)).toEqual({ used: 950, limit: 1000 });
  });
});
