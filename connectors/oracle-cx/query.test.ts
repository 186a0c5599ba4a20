import { describe, expect, it } from 'vitest';
import { lookupQueries, MAX_QUERY_CHARS } from './query.ts';

const ask = { field: 'SourcePostIdPrimary', numeric: false, select: ['PostId'], limit: 500 };
const q = (query: string) => new URLSearchParams(query).get('q');

describe('look-up queries (reference §2)', () => {
  it('framework ≥ 2: one IN list, quotes doubled, only data, the key and the field, a full page', () => {
    const [query, ...more] = lookupQueries('4', ask, ['1', "O'Brien", '1']);
    expect(more).toEqual([]);
    expect(q(query!)).toBe("SourcePostIdPrimary IN ('1','O''Brien')");
    expect(query).toContain('&onlyData=true&fields=PostId,SourcePostIdPrimary&limit=500');
  });

  it('framework ≥ 2: numbers bare on numeric attributes', () => {
    expect(q(lookupQueries('2', { field: 'SrId', numeric: true, select: ['SrNumber'], limit: 25 }, ['300000000000001', '300000000000002'])[0]!)).toBe('SrId IN (300000000000001,300000000000002)');
  });

  it('framework ≥ 2: splits a list that would make the URL too long', () => {
    const queries = lookupQueries('4', ask, Array.from({ length: 100 }, (_, i) => `${i}`.padStart(80, 'x')));
    expect(queries.length).toBeGreaterThan(1);
    expect(queries.every((query) => query.length <= MAX_QUERY_CHARS)).toBe(true);
    expect(queries.flatMap((query) => q(query)!.slice('SourcePostIdPrimary IN ('.length, -1).split(','))).toHaveLength(100);
  });

  it('framework 1: query-by-example, one query per value (no IN nor or across values); a value QBE cannot say is left out', () => {
    const queries = lookupQueries('1', ask, ['1', '2', 'a;b', 'c*', "O'Brien"]);
    expect(queries.map(q)).toEqual(['SourcePostIdPrimary=1', 'SourcePostIdPrimary=2']);
  });

  it('refuses an attribute name that is not an identifier', () => {
    expect(() => lookupQueries('4', { ...ask, field: 'Bad Field' }, ['1'])).toThrow(RangeError);
  });
});
