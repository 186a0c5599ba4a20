import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { idMap } from './id-map.ts';

describe('idMap', () => {
  const Ages = idMap(z.number());

  it('keeps every own key of a JSON object, __proto__ and constructor included, in a Map', () => {
    const map = Ages.parse(JSON.parse('{"__proto__": 1, "constructor": 2, "7": 3}'));
    expect([...map.entries()]).toEqual([['7', 3], ['__proto__', 1], ['constructor', 2]]);
    expect(map.get('toString')).toBeUndefined();
  });

  it('names the entry a bad value is under', () => {
    const result = Ages.safeParse({ a: 1, b: 'two' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([['b']]);
  });

  it.each([null, [1], 'text'])('refuses %j: not an object keyed by id', (value) => {
    expect(Ages.safeParse(value).success).toBe(false);
  });
});
