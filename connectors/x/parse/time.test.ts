import { describe, expect, it } from 'vitest';
import { EpochMs, XDate, fromEpochMs, fromXDate } from './time.ts';

describe('time', () => {
  it('reads v1.1 created_at dates, with their offset', () => {
    expect(fromXDate('Wed Nov 21 00:13:13 +0000 2018')).toBe('2018-11-21T00:13:13.000Z');
    expect(fromXDate('Wed Nov 21 02:13:13 +0200 2018')).toBe('2018-11-21T00:13:13.000Z');
    expect(fromXDate('Tue Nov 20 19:13:13 -0500 2018')).toBe('2018-11-21T00:13:13.000Z');
    expect(fromXDate('2018-11-21T00:13:13Z')).toBeUndefined();
    expect(fromXDate('Wed Foo 21 00:13:13 +0000 2018')).toBeUndefined();
    expect(XDate.safeParse('yesterday').success).toBe(false);
  });

  it('reads epoch milliseconds as strings or numbers', () => {
    expect(fromEpochMs('1542759193153')).toBe('2018-11-21T00:13:13.153Z');
    expect(fromEpochMs(1576540199643)).toBe('2019-12-16T23:49:59.643Z');
    expect(EpochMs.safeParse('15427x').success).toBe(false);
    expect(EpochMs.safeParse(-1).success).toBe(false);
    expect(EpochMs.safeParse('9999999999999999').success).toBe(false);
  });
});
