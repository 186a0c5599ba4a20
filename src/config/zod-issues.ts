import type { z } from 'zod';

/** One problem in a config or request, with the dotted key it is about (`sources.x.consumerSecret`). */
export interface KeyedIssue {
  key: string;
  problem: string;
  /** 1-based line in the YAML file, when known. */
  line?: number;
}

/** Turns zod issues into `{ key, problem }` pairs, the key prefixed with `prefix` (e.g. `sources.x`). */
export function keyedIssues(error: z.ZodError, prefix: ReadonlyArray<string | number> = []): KeyedIssue[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    return { key: path.length ? path.join('.') : '(root)', problem: describeIssue(issue) };
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
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
