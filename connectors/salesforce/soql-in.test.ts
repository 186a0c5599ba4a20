import { describe, expect, it } from 'vitest';
import { MAX_QUERY_URL_CHARS, lookupQueries, soqlLiteral } from './soql-in.ts';

describe('look-up queries', () => {
  it('asks for up to 100 values in one IN query, oldest record first, each value once', () => {
    const values = Array.from({ length: 250 }, (_, i) => String(1_900_000_000_000_000_000n + BigInt(i)));
    const queries = lookupQueries('SocialPost', 'ExternalPostId', [...values, values[0]!]);
    expect(queries).toHaveLength(3);
    expect(queries[0]).toBe(`SELECT Id, ExternalPostId FROM SocialPost WHERE ExternalPostId IN (${values.slice(0, 100).map((v) => `'${v}'`).join(', ')}) ORDER BY CreatedDate`);
    expect(queries.map((q) => q.match(/'/g)!.length / 2)).toEqual([100, 100, 50]);
  });

  it('keeps each encoded query under the URL budget, however long the values', () => {
    const values = Array.from({ length: 100 }, (_, i) => `${'é'.repeat(200)}-${i}`);
    const queries = lookupQueries('SocialPost', 'ExternalPostId', values);
    expect(queries.length).toBeGreaterThan(1);
    for (const q of queries) expect(encodeURIComponent(q).length).toBeLessThanOrEqual(MAX_QUERY_URL_CHARS);
    expect(queries.flatMap((q) => q.match(/-\d+'/g)!)).toHaveLength(100);
  });

  it('escapes quotes, backslashes and line breaks in values, and refuses names it cannot escape', () => {
    expect(soqlLiteral("O'Brien\\\n")).toBe("'O\\'Brien\\\\\\n'");
    expect(() => lookupQueries('SocialPost', 'Id FROM Account --', ['1'])).toThrow(/not a Salesforce name/);
    expect(lookupQueries('SocialPost', 'ExternalPostId', [])).toEqual([]);
  });
});
