import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParleyError, deadLetterReasons, defineError, errors, isParleyError } from './errors.ts';

const docs = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
// `PARLEY_…` names in the docs that are environment variables, not error codes.
const ENVIRONMENT_VARIABLES = new Set(['PARLEY_CONFIG', 'PARLEY_DATA_DIR', 'PARLEY_ADMIN_KEY']);

describe('the error catalogue', () => {
  it('names each entry after its code', () => {
    for (const [name, factory] of Object.entries(errors)) expect(factory.code).toBe(`PARLEY_${name}`);
  });

  it('has no code twice', () => {
    const codes = Object.values(errors).map((e) => e.code);
    expect(codes.length).toBe(new Set(codes).size);
  });
});

describe('docs/errors.md', () => {
  // Table rows: | `PARLEY_…` | status | when | what to do |
  const rows = [...docs.matchAll(/^\| `(PARLEY_[A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => ({ code: m[1]!, status: Number(m[2]) }));
  const catalogued = new Map(Object.values(errors).map((e) => [e.code, e.status]));

  it('has a row for every code in the catalogue, with its status', () => {
    const documented = new Map(rows.map((r) => [r.code, r.status]));
    expect([...catalogued.keys()].filter((c) => !documented.has(c)), 'codes missing from docs/errors.md').toEqual([]);
    expect(Object.fromEntries(rows.filter((r) => catalogued.get(r.code) !== r.status).map((r) => [r.code, r.status])),
      'rows whose status differs from src/errors.ts').toEqual({});
    expect(rows.length, 'a code has two rows').toBe(new Set(rows.map((r) => r.code)).size);
  });

  it('names no code that the catalogue does not have', () => {
    const mentioned = new Set([...docs.matchAll(/PARLEY_[A-Z_]+/g)].map((m) => m[0]).filter((name) => !ENVIRONMENT_VARIABLES.has(name)));
    expect([...mentioned].filter((c) => !catalogued.has(c)), 'codes in docs/errors.md that src/errors.ts does not define').toEqual([]);
  });
});

describe('defineError', () => {
  const NotThere = defineError<{ thing: string; place: number }>('PARLEY_TEST_NOT_THERE', 404, 'No {thing} in {place}; {unknown} stays; ${{thing}}');

  it('makes a branded ParleyError with the code, status and details, filling {name} from the details', () => {
    const error = NotThere({ thing: 'cat', place: 7 });
    expect(error).toBeInstanceOf(ParleyError);
    expect(error).toMatchObject({ code: 'PARLEY_TEST_NOT_THERE', status: 404, details: { thing: 'cat', place: 7 } });
    expect(error.message).toBe('No cat in 7; {unknown} stays; ${cat}');
    expect([NotThere.code, NotThere.status]).toEqual(['PARLEY_TEST_NOT_THERE', 404]);
    expect(isParleyError(error)).toBe(true);
  });

  it('keeps the cause', () => {
    const cause = new Error('disk full');
    expect(errors.STORE_UNAVAILABLE({ reason: 'disk full' }, { cause }).cause).toBe(cause);
  });
});

describe('isParleyError', () => {
  it('recognises errors from another copy of the module, which instanceof does not', async () => {
    // A query string makes the module loader evaluate errors.ts a second time: a second ParleyError
    // class, as when a plugin bundles its own copy of the SDK.
    const specifier = './errors.ts?second-copy';
    const copy = (await import(/* @vite-ignore */ specifier)) as typeof import('./errors.ts');
    expect(copy.ParleyError).not.toBe(ParleyError);
    const foreign = copy.errors.INTAKE_BAD_SIGNATURE({ header: 'x-twitter-webhooks-signature' });
    expect(foreign instanceof ParleyError).toBe(false);
    expect(isParleyError(foreign)).toBe(true);
    expect(copy.isParleyError(errors.INTERNAL({}))).toBe(true);
  });

  it('is false for anything else', () => {
    expect(isParleyError(new Error('plain'))).toBe(false);
    expect(isParleyError({ code: 'PARLEY_INTERNAL', status: 500, message: 'looks alike' })).toBe(false);
    expect(isParleyError(null)).toBe(false);
    expect(isParleyError('PARLEY_INTERNAL')).toBe(false);
  });
});

describe('dead-letter reasons', () => {
  const docs = readFileSync('docs/errors.md', 'utf8');
  it('names each entry after its code', () => {
    for (const [name, reason] of Object.entries(deadLetterReasons)) expect(reason.code).toBe(name);
  });
  // Table rows: | `REASON` | stage | when | what to do |
  const rows = [...docs.matchAll(/^\| `([A-Z][A-Z_]+)` \| (intake|mapping|delivery) \|/gm)].map((m) => ({ code: m[1]!, stage: m[2]! }));
  it('docs/errors.md has a row for every one, with its stage, and no other', () => {
    expect(Object.fromEntries(rows.map((r) => [r.code, r.stage]))).toEqual(Object.fromEntries(Object.values(deadLetterReasons).map((r) => [r.code, r.stage])));
    expect(rows.length, 'a reason has two rows').toBe(new Set(rows.map((r) => r.code)).size);
  });
});
