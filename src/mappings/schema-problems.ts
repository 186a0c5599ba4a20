import type { z } from 'zod';
import { closestWord } from '../config/did-you-mean.ts';
import { knownKeysAt } from '../config/zod-issues.ts';
import type { FoundProblem } from './mapping-problem.ts';

// zod's own messages (`Invalid input: expected string, received number`) are written for
// developers. The people who write mappings are IT and CRM admins: these say the same in their
// words (`"Name" must be text, not a number`), and name the setting meant when a key is misspelled.

/**
 * A mapping file's schema problems, in plain words, each keyed by its dotted path.
 * @param schema the schema that made the error: its object shapes give the keys a misspelled one is compared with
 */
export function schemaProblems(error: z.ZodError, schema: unknown): FoundProblem[] {
  return error.issues.flatMap((issue) => describe(issue, [], schema));
}

type Issue = z.core.$ZodIssue;
type Path = ReadonlyArray<PropertyKey>;

function describe(issue: Issue, prefix: Path, schema: unknown): FoundProblem[] {
  const path = [...prefix, ...issue.path];
  const key = keyOf(path);
  const name = path.length > 0 ? `"${String(path.at(-1))}"` : 'The mapping';
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(schema, path);
      const where = path.length === 0 ? 'at the top of a mapping' : `under ${keyOf(path)}`;
      return issue.keys.map((unknown) => {
        const suggestion = closestWord(unknown, known);
        const hint = suggestion ? ` (did you mean "${suggestion}"?)` : known.length > 0 ? ` (it may have: ${known.join(', ')})` : '';
        return { key: keyOf([...path, unknown]), message: `there is no setting "${unknown}" ${where}${hint}`, ...(suggestion ? { suggestion } : {}) };
      });
    }
    case 'invalid_type':
      // Parse with `reportInput: true`, or every wrong type reads as a missing key.
      if (issue.input === undefined) return [{ key, message: `${name} is missing: it is required here` }];
      return [{ key, at: 'value', message: `${name} must be ${typeName(issue.expected)}, not ${kindOf(issue.input)}` }];
    case 'invalid_value': {
      const values = issue.values.map(String);
      const given = issue.input === undefined ? '' : ` ${JSON.stringify(issue.input)}`;
      if (values.length === 1) return [{ key, at: 'value', message: `${name} can only be ${values[0]}` }];
      const near = typeof issue.input === 'string' ? closestWord(issue.input, values) : undefined;
      const what = typeof path.at(-1) === 'string' ? String(path.at(-1)) : 'value';
      return [{ key, at: 'value', message: `${given.trim() || 'this'} is not a valid ${what}: use one of ${values.join(', ')}${near ? ` (did you mean "${near}"?)` : ''}` }];
    }
    case 'too_small':
      return [{ key, at: 'value', message: issue.origin === 'string' ? `${name} cannot be empty` : `${name} needs at least ${String(issue.minimum)}` }];
    case 'invalid_format':
      // Every pattern a mapping has (its id, a destination's name, a network) is this one's kind.
      return [{ key, at: 'value', message: issue.format === 'regex' ? `${name} must be lower-case letters, digits and dashes, starting with a letter or digit` : `${name} is not in the expected form` }];
    case 'invalid_union':
      return describeUnion(issue, prefix, schema);
    default:
      // Refinements (`custom`): their messages are Parley's own, written for people.
      return [{ key, message: issue.message }];
  }
}

/**
 * A value none of a union's forms took. When it is of the wrong type for every form, say which
 * types would do; else the form it was meant to be (the one that got furthest, its value being of
 * that form's type) says what is wrong in it.
 */
function describeUnion(issue: z.core.$ZodIssueInvalidUnion, prefix: Path, schema: unknown): FoundProblem[] {
  const path = [...prefix, ...issue.path];
  const branches = issue.errors.filter((branch) => branch.length > 0);
  const wrongType = (branch: Issue[]) => branch.length === 1 && branch[0]!.code === 'invalid_type' && branch[0]!.path.length === 0;
  const meant = branches.find((branch) => !wrongType(branch));
  if (meant) return meant.flatMap((inner) => describe(inner, path, schema));
  const expected = [...new Set(branches.map((branch) => typeName((branch[0] as z.core.$ZodIssueInvalidType).expected)))];
  const name = path.length > 0 ? `"${String(path.at(-1))}"` : 'The mapping';
  const input = (branches[0]?.[0] as { input?: unknown } | undefined)?.input;
  if (expected.length === 0 || input === undefined) return [{ key: keyOf(path), message: `${name} is missing: it is required here` }];
  // A target field given a bare YAML value (`IsOutbound: true`): say how a fixed value is written.
  const hint = path.length === 2 && path[0] === 'fields' ? `; for a fixed value write { value: ${JSON.stringify(input)} }` : '';
  return [{ key: keyOf(path), at: 'value', message: `${name} must be ${expected.join(' or ')}, not ${kindOf(input)}${typeof input === 'object' ? '' : hint}` }];
}

function keyOf(path: Path): string {
  return path.length > 0 ? path.map((p) => String(p)).join('.') : '(root)';
}

/** What a zod type is called for a person. */
function typeName(expected: string): string {
  switch (expected) {
    case 'string': return 'text';
    case 'number': case 'int': return 'a number';
    case 'boolean': return 'true or false';
    case 'object': case 'record': case 'map': return 'a group of settings (name: value)';
    case 'array': case 'tuple': return 'a list';
    default: return expected;
  }
}

/** The kind of a value, never the value itself. */
function kindOf(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a group of settings';
  if (typeof value === 'string') return value === '' ? 'empty text' : 'text';
  if (typeof value === 'boolean') return `${String(value)} (a yes/no value)`;
  return `a ${typeof value}`;
}
