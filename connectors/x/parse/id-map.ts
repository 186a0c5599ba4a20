import { z } from 'zod';

/**
 * A JSON object keyed by ids (the DM `users` map, `{"<user id>": user}`) as a `Map`.
 *
 * Not `z.record` and never a plain object: copying the entries onto `{}` turns the key `__proto__`
 * into a prototype change instead of an entry, and a lookup such as `users['constructor']` finds
 * `Object` for a user the map does not hold. A Map has neither trap. `Object.entries` sees the own
 * `__proto__` property that `JSON.parse` creates, so such a user is kept like any other.
 */
export function idMap<T extends z.ZodType>(value: T) {
  return z.unknown().transform((input, ctx) => {
    const map = new Map<string, z.output<T>>();
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      ctx.addIssue({ code: 'custom', message: 'expected an object keyed by id' });
      return z.NEVER;
    }
    for (const [key, entry] of Object.entries(input)) {
      const result = value.safeParse(entry);
      if (result.success) map.set(key, result.data);
      else for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', path: [key, ...issue.path], message: issue.message });
    }
    return map;
  });
}
