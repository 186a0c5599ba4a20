import { describe, expect, it } from 'vitest';
import { instantOf } from './time.ts';

describe('instantOf', () => {
  it('reads epoch seconds (feed created_time) and milliseconds (Messenger timestamp) by magnitude', () => {
    expect(instantOf(1449135003)).toBe('2015-12-03T09:30:03.000Z');
    expect(instantOf(1459991487970)).toBe('2016-04-07T01:11:27.970Z');
    // Either side of the cut: 1e11 - 1 seconds is in the year 5138; 1e11 ms is in 1973.
    expect(instantOf(99_999_999_999)).toMatch(/^5138-/);
    expect(instantOf(100_000_000_000)).toBe('1973-03-03T09:46:40.000Z');
  });

  it('reads digit strings (the dashboard test payloads) and Graph API date-times', () => {
    expect(instantOf('1527459824')).toBe('2018-05-27T22:23:44.000Z');
    expect(instantOf('2017-03-29T21:45:55+0000')).toBe('2017-03-29T21:45:55.000Z');
  });

  it('gives undefined for what is not a time, so the caller falls back to a coarser one', () => {
    for (const bad of [undefined, null, -5, Number.NaN, 1e20, 'yesterday', '', {}, '99999999999999999']) expect(instantOf(bad), String(bad)).toBeUndefined();
  });
});
