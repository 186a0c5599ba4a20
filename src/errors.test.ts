import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defineError, errors, isParleyError } from './errors.ts';

const docs = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');

describe('the error catalogue', () => {
  it('names each entry after its code', () => {
    for (const [name, factory] of Object.entries(errors)) expect(factory.code).toBe(`PARLEY_${name}`);
  });

  it('agrees with docs/errors.md both ways', () => {
    // The table's first column: | `PARLEY_…` |
    const documented = new Set([...docs.matchAll(/^\| `(PARLEY_[A-Z_]+)` \|/gm)].map((m) => m[1]!));
    const catalogued = new Set(Object.values(errors).map((e) => e.code));
    expect([...catalogued].filter((c) => !documented.has(c)), 'codes missing from docs/errors.md').toEqual([]);
    expect([...documented].filter((c) => !catalogued.has(c)), 'codes in docs/errors.md that no longer exist').toEqual([]);
  });

  it('fills message templates from details and brands the error', () => {
    const error = errors.INTAKE_UNKNOWN_SOURCE({ source: 'myspace' });
    expect(error).toMatchObject({ code: 'PARLEY_INTAKE_UNKNOWN_SOURCE', status: 404, details: { source: 'myspace' } });
    expect(error.message).toContain('myspace');
    expect(isParleyError(error)).toBe(true);
    expect(isParleyError(defineError('PARLEY_TEST_OTHER', 400, 'x')({}))).toBe(true);
    expect(isParleyError(new Error('plain'))).toBe(false);
    expect(isParleyError({ code: 'PARLEY_INTERNAL' })).toBe(false);
  });
});
