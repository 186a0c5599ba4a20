import { closestWord } from '../config/did-you-mean.ts';
import { eventFields } from '../mappings/event-fields.ts';
import type { CanonicalData, EventKind } from '../model/index.ts';

/**
 * Canonical event paths as policies name them (`location`, `author.handle`, `mentions.handle`): a
 * dotted path from the event's root, a list's items reached through the list, as docs/events.md
 * lists them and as mappings read them.
 */

/**
 * Why `path` cannot be dropped from events of `kind`, or undefined when it can. A field every event
 * of the kind has (`key`, `occurredAt`, `author.key` inside an author) cannot go: the event would no
 * longer be one the model accepts. A typo names the nearest real path.
 */
export function dropPathProblem(kind: EventKind, path: string): string | undefined {
  const fields = eventFields(kind);
  const field = fields.find((f) => f.path === path);
  if (!field) {
    const near = closestWord(path, fields.map((f) => f.path));
    return `${article(kind)} event has no field "${path}"${near ? `: did you mean "${near}"?` : ''} (docs/events.md lists every field)`;
  }
  if (field.required) return `"${path}" is in every ${kind} event (the model requires it): it cannot be dropped`;
  return undefined;
}

/**
 * `data` without the fields at `paths`: an object's field is removed, a list's items each lose it
 * (`mentions.handle`). A path the event does not have is skipped. Pure: `data` is not changed.
 */
export function withoutPaths<T extends CanonicalData>(data: T, paths: readonly string[]): T {
  let out: unknown = data;
  for (const path of paths) out = without(out, path.split('.'));
  return out as T;
}

function without(value: unknown, path: string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => without(item, path));
  if (value === null || typeof value !== 'object') return value;
  const [head, ...rest] = path as [string, ...string[]];
  if (!(head in value)) return value;
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length === 0) delete copy[head];
  else copy[head] = without(copy[head], rest);
  return copy;
}

function article(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}
