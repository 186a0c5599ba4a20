import { closestWord } from '../config/did-you-mean.ts';
import type { EventKind } from '../model/index.ts';
import { eventFields, type EventField } from './event-fields.ts';
import { eventPaths } from './expression-paths.ts';

/**
 * A path an expression reads that the event model does not have. JSONata yields nothing for it
 * rather than failing, so without this check a typo (`occuredAt`) would write empty fields forever.
 */
export interface ModelPathIssue {
  /** The path as far as it is wrong (`author.handel` of `author.handel.x`). */
  path: string;
  /** The nearest real path, when one is close enough to be what was meant. */
  suggestion?: string;
  problem: string;
}

/**
 * Checks the paths a compiled expression reads against the fields of the event kind it runs on.
 * A path valid in any variant of a union is valid; what cannot be known statically is skipped
 * (see expression-paths.ts).
 * @param ast what `jsonata(expression).ast()` returns
 * @returns one issue per wrong path; empty when every path is real
 */
export function checkModelPaths(ast: unknown, kind: EventKind): ModelPathIssue[] {
  const fields = eventFields(kind);
  const byPath = new Map(fields.map((f) => [f.path, f]));
  const issues = new Map<string, ModelPathIssue>();
  for (const path of eventPaths(ast)) {
    const issue = resolve(path, kind, fields, byPath);
    if (issue && !issues.has(issue.path)) issues.set(issue.path, issue);
  }
  return [...issues.values()];
}

/** The first segment of `path` the model does not have, as an issue; undefined when it is all real. */
function resolve(path: string[], kind: EventKind, fields: EventField[], byPath: Map<string, EventField>): ModelPathIssue | undefined {
  for (let depth = 1; depth <= path.length; depth++) {
    const here = path.slice(0, depth).join('.');
    const field = byPath.get(here);
    if (field?.open) return undefined;
    if (field) continue;
    const parentPath = path.slice(0, depth - 1).join('.');
    const parent = byPath.get(parentPath);
    const name = path[depth - 1]!;
    if (parent && !parent.hasFields) {
      return { path: here, problem: `${parentPath} is ${article(parent.type)} in ${article(kind)} event: it has no field "${name}"` };
    }
    const names = childNames(fields, parentPath);
    const near = closestWord(name, names);
    const suggestion = near === undefined ? undefined : parentPath ? `${parentPath}.${near}` : near;
    const hint = suggestion ? `did you mean "${suggestion}"?` : `${parentPath || 'it'} has ${names.join(', ')}`;
    return { path: here, ...(suggestion ? { suggestion } : {}), problem: `${article(kind)} event has no field "${here}": ${hint} (docs/events.md lists every field)` };
  }
  return undefined;
}

/** The names of the fields directly under `parentPath` (the event's root when empty). */
function childNames(fields: EventField[], parentPath: string): string[] {
  const prefix = parentPath ? `${parentPath}.` : '';
  return fields.map((f) => f.path).filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('.')).map((p) => p.slice(prefix.length));
}

function article(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}
