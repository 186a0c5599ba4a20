import type { z } from 'zod';
import { closestWord } from './did-you-mean.ts';

/** One problem in a config or request, with the dotted key it is about (`sources.x.consumerSecret`). */
export interface KeyedIssue {
  key: string;
  problem: string;
  /** 1-based line in the YAML file, when known. */
  line?: number;
  /** For an unknown key: the known key it is probably a typo of. */
  suggestion?: string;
  /** The environment variable the value came from (`${NAME}` in the file): what to set to fix it. */
  variable?: string;
}

/** The 1-based YAML line of a dotted key, or of its nearest parent the file has; undefined without a file. */
export type LineOf = (key: string) => number | undefined;

/** What `keyedIssues` may use besides the error itself. */
export interface IssueContext {
  /** The schema that made the error: its object shapes give the known keys an unknown one is compared with. */
  schema?: unknown;
  /** Keys that are valid at the schema's top level besides its own (a block's common keys such as `enabled`). */
  alsoKnown?: readonly string[];
  /** Adds each issue's line. */
  lineOf?: LineOf | undefined;
  /** Names the environment variable a key's value came from, if any. */
  variableOf?: ((key: string) => string | undefined) | undefined;
}

/**
 * Turns zod issues into `{ key, problem }` pairs, the key prefixed with `prefix` (e.g. `sources.x`).
 * An unknown key becomes one issue per key, keyed by the unknown key itself (so its line is its
 * own, not its parent's), with a `suggestion` when it is close to a key the schema knows.
 */
export function keyedIssues(error: z.ZodError, prefix: ReadonlyArray<string | number> = [], context: IssueContext = {}): KeyedIssue[] {
  const keyOf = (path: ReadonlyArray<PropertyKey>) => {
    const full = [...prefix, ...path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    return full.length ? full.join('.') : '(root)';
  };
  const issues = error.issues.flatMap((issue): KeyedIssue[] => {
    if (issue.code !== 'unrecognized_keys') return [{ key: keyOf(issue.path), problem: describeIssue(issue) }];
    const known = [...knownKeysAt(context.schema, issue.path), ...(issue.path.length === 0 ? context.alsoKnown ?? [] : [])];
    return issue.keys.map((unknown) => {
      const suggestion = closestWord(unknown, known);
      const problem = suggestion ? `unknown key; did you mean "${suggestion}"?` : `unknown key${known.length ? ` (known keys: ${known.join(', ')})` : ''}`;
      return { key: keyOf([...issue.path, unknown]), problem, ...(suggestion ? { suggestion } : {}) };
    });
  });
  const { lineOf, variableOf } = context;
  return issues.map((issue) => {
    const line = lineOf?.(issue.key);
    const variable = variableOf?.(issue.key);
    return {
      ...issue,
      ...(line === undefined ? {} : { line }),
      ...(variable === undefined ? {} : { variable, problem: `${issue.problem} (its value comes from ${variable})` }),
    };
  });
}

// Just the parts of a zod 4 schema's definition that lead to an object's shape.
interface Def {
  type?: string; innerType?: unknown; in?: unknown; out?: unknown; shape?: Record<string, unknown>;
  valueType?: unknown; element?: unknown; options?: unknown[]; getter?: () => unknown; left?: unknown; right?: unknown;
}
const defOf = (schema: unknown): Def | undefined => (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/** The schemas a value at this point may be checked by, wrappers (default, optional, pipe, union…) removed. */
function objectsOf(schema: unknown, depth = 0): Def[] {
  const def = defOf(schema);
  if (!def || depth > 20) return [];
  switch (def.type) {
    case 'object': return [def];
    case 'optional': case 'nullable': case 'default': case 'prefault': case 'catch': case 'readonly': case 'nonoptional':
      return objectsOf(def.innerType, depth + 1);
    // preprocess is pipe(transform → schema), .transform() is pipe(schema → transform): the keys are on the side that is not the transform.
    case 'pipe': return defOf(def.in)?.type === 'transform' ? objectsOf(def.out, depth + 1) : objectsOf(def.in, depth + 1);
    case 'lazy': return def.getter ? objectsOf(def.getter(), depth + 1) : [];
    case 'union': return (def.options ?? []).flatMap((option) => objectsOf(option, depth + 1));
    case 'intersection': return [...objectsOf(def.left, depth + 1), ...objectsOf(def.right, depth + 1)];
    case 'record': case 'array': return [def];
    default: return [];
  }
}

/**
 * The keys the object at `path` in `schema` knows. Empty when the schema is not zod 4 (a plugin
 * may bring another version): then there is no suggestion, which is no worse than before.
 */
export function knownKeysAt(schema: unknown, path: ReadonlyArray<PropertyKey>): string[] {
  let current = objectsOf(schema);
  for (const segment of path) {
    current = current.flatMap((def) => {
      if (def.type === 'object') return objectsOf(def.shape?.[String(segment)]);
      if (def.type === 'record') return objectsOf(def.valueType);
      if (def.type === 'array') return objectsOf(def.element);
      return [];
    });
  }
  return [...new Set(current.flatMap((def) => (def.type === 'object' ? Object.keys(def.shape ?? {}) : [])))];
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    // Parse with `reportInput: true`, or every wrong type reads as a missing key.
    if (issue.input === undefined) return `is required (${issue.expected})`;
    return `expected ${issue.expected}, got ${describeType(issue.input)}`;
  }
  return issue.message;
}

/** The kind of a value, never the value (it may be a secret). */
function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  return `a ${typeof value}`;
}
