import { describe, expect, it } from 'vitest';
import { compileFilter, FilterError } from './filter.ts';

const rows = [
  { id: 1, name: "O'Brien", email: 'A@example.com', score: 3, blocked: false, _customerid_value: null },
  { id: 2, name: 'Doe', email: 'b@example.com', score: 5, blocked: true, _customerid_value: '0f8fad5b-d9cb-469f-a165-70867728950e' },
  { id: 3, name: 'Roe', email: null, score: 5, blocked: false },
];
const ids = (filter: string) => rows.filter(compileFilter(filter)).map((r) => r.id);

describe('the sandbox\'s $filter', () => {
  it('reads eq and ne on strings (a quote doubled, case-insensitive), numbers, booleans, null and GUIDs', () => {
    expect(ids("name eq 'O''Brien'")).toEqual([1]);
    expect(ids("email eq 'a@example.com'")).toEqual([1]);
    expect(ids('score eq 5')).toEqual([2, 3]);
    expect(ids('blocked ne true')).toEqual([1, 3]);
    expect(ids('email eq null')).toEqual([3]);
    expect(ids('_customerid_value eq 0F8FAD5B-D9CB-469F-A165-70867728950E')).toEqual([2]);
  });

  it('binds and tighter than or, and honours parentheses', () => {
    expect(ids("name eq 'Doe' or name eq 'Roe' and score eq 3")).toEqual([2]);
    expect(ids("(name eq 'Doe' or name eq 'Roe') and blocked eq false")).toEqual([3]);
  });

  it('refuses what it does not simulate instead of answering nothing', () => {
    expect(() => compileFilter("contains(name,'o')")).toThrow(FilterError);
    expect(() => compileFilter('score gt 3')).toThrow(FilterError);
    expect(() => compileFilter("name eq 'open")).toThrow(/not closed/);
    expect(() => compileFilter("(name eq 'Doe'")).toThrow(/parenthesis/);
  });
});
