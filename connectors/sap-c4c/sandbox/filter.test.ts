import { describe, expect, it } from 'vitest';
import { FilterError, parseFilter } from './filter.ts';

const rows = [
  { Name: "O'Neil", Changed: '/Date(1427846400000)/', Owner: '00163E03-A070-1ED2-8A86-44CF8D83AE76', Count: 3, Flag: true },
  { Name: 'Smith', Changed: '/Date(1427846399000)/', Owner: null, Count: 7, Flag: false },
];
const anyProperty = () => true;
const names = (filter: string) => rows.filter(parseFilter(filter, anyProperty)).map((r) => r.Name);

describe('$filter', () => {
  it('compares dates, GUIDs, numbers, booleans, null and quoted quotes; honours parentheses and precedence', () => {
    expect(names("Changed ge datetimeoffset'2015-04-01T00:00:00Z'")).toEqual(["O'Neil"]);
    expect(names("Changed lt datetime'2015-04-01T00:00:00'")).toEqual(['Smith']);
    expect(names("Owner eq guid'00163e03-a070-1ed2-8a86-44cf8d83ae76'")).toEqual(["O'Neil"]);
    expect(names('Owner eq null')).toEqual(['Smith']);
    expect(names("Name eq 'O''Neil'")).toEqual(["O'Neil"]);
    expect(names('Count gt 3 or Flag eq true')).toEqual(["O'Neil", 'Smith']);
    expect(names("Flag eq false and (Count lt 5 or Name ne 'x')")).toEqual(['Smith']);
    expect(names("Name eq 'Smith' or Name eq 'Nobody' and Count eq 1")).toEqual(['Smith']);
    expect(names("endswith(Name,'ith') eq true")).toEqual(['Smith']);
    expect(names("Name eq '*Ne*'")).toEqual(["O'Neil"]);
  });

  it('refuses bad syntax and properties that cannot be filtered', () => {
    for (const bad of ["Name eq 'x' and", 'Name xx 1', "(Name eq 'x'", "Name eq 'x')", "Changed eq datetimeoffset'never'", '§']) {
      expect(() => parseFilter(bad, anyProperty), bad).toThrow(FilterError);
    }
    expect(() => parseFilter("Secret eq 'x'", (p) => p !== 'Secret')).toThrow(/cannot be used/);
  });
});
