import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonSyntaxError } from './json-syntax.ts';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');
const parses = (b: Buffer): boolean => { try { JSON.parse(b.toString('utf8')); return true; } catch { return false; } };

const fixtureDir = new URL('../../test/fixtures/x/', import.meta.url);
const fixtures = readdirSync(fixtureDir).filter((f) => f.endsWith('.json')).map((f) => readFileSync(new URL(f, fixtureDir)));

// A seeded generator, so a failure names a case that can be run again.
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

describe('JSON syntax scanner', () => {
  it('accepts every X fixture', () => {
    expect(fixtures.length).toBeGreaterThan(5);
    for (const f of fixtures) expect(jsonSyntaxError(f)).toBe(-1);
  });

  it.each([
    '0', '-0', '1.5e10', '-12.25E-3', '1e+2', '"x"', '""', 'true', 'false', 'null', '[]', '{}', ' [ ] ', '\n{"a":[1,{"b":null}],"c":"\\u00e9\\n\\"\\\\\\/"}\t',
    '[[[[[[]]]]]]', '{"a":{}}', '"☕ caf\u00e9"', '[1,2,3]', '{"":0}', '"\\uD83D\\uDE00"',
  ])('accepts %s', (text) => {
    expect(parses(bytes(text))).toBe(true);
    expect(jsonSyntaxError(bytes(text))).toBe(-1);
  });

  it.each([
    ['', 0], [' ', 1], ['{', 1], ['[1,]', 3], ['{"a":1,}', 7], ['{"a" 1}', 5], ['{a:1}', 1], ['01', 1], ['1.', 2], ['.5', 0], ['-', 1],
    ['1e', 2], ['+1', 0], ['tru', 3], ['nul', 3], ['truex', 4], ['[1 2]', 3], ['"abc', 4], ['"a\u0001"', 2], ['"\\x"', 2], ['"\\u12G4"', 5],
    ['{}{}', 2], ['[]]', 2], ['{]', 1], ['[}', 1], ['\ufeff{}', 0], ["{'a':1}", 1], ['NaN', 0], ['[1,,2]', 3], ['{"a":}', 5],
  ] as const)('refuses %j at byte %d', (text, at) => {
    expect(parses(bytes(text))).toBe(false);
    expect(jsonSyntaxError(bytes(text))).toBe(at);
  });

  it('handles nesting deeper than its first stack', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    expect(jsonSyntaxError(bytes(deep))).toBe(-1);
    expect(jsonSyntaxError(bytes(deep.slice(0, -1)))).toBe(deep.length - 1);
  });

  it('agrees with JSON.parse on thousands of mutated fixtures', () => {
    const next = random(20261201);
    const alphabet = bytes('{}[]",:\\ 0123456789.eE+-tfnulrsa\u0000\n\u00e9');
    const disagreements: string[] = [];
    let valid = 0;
    for (let round = 0; round < 20_000; round++) {
      const source = fixtures[Math.floor(next() * fixtures.length)]!;
      const mutated = Buffer.from(source);
      const edits = 1 + Math.floor(next() * 3);
      let body: Buffer = mutated;
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * body.length);
        const kind = next();
        if (kind < 0.4) body[at] = alphabet[Math.floor(next() * alphabet.length)]!;
        else if (kind < 0.7) body = Buffer.concat([body.subarray(0, at), body.subarray(at + 1)]);
        else if (kind < 0.9) body = Buffer.concat([body.subarray(0, at), alphabet.subarray(Math.floor(next() * alphabet.length)).subarray(0, 1), body.subarray(at)]);
        else body = body.subarray(0, at);
      }
      if (parses(body)) valid++;
      if ((jsonSyntaxError(body) === -1) !== parses(body)) disagreements.push(`round ${round}: ${body.toString('utf8').slice(0, 200)}`);
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
    // Both sides of the line get exercised: mutations that keep JSON valid and ones that break it.
    expect(valid).toBeGreaterThan(1_000);
    expect(valid).toBeLessThan(19_000);
  });
});
