import type { EventKind } from '../model/index.ts';
import { eventFields } from './event-fields.ts';
import { compileCall } from './subset-functions.ts';

/**
 * A compiler from JSONata's AST to plain JS closures, for the part of the language mappings use
 * most: paths that cross no list, literals, arrays of literals, `=` `!=` `<` `<=` `>` `>=` `and`
 * `or` `in` `&`, `c ? a : b`, `( … )`, and the functions of subset-functions.ts. A closure gives
 * exactly JSONata's result (jsonata 2.x: the rules below are copied from its evaluateBinary,
 * evaluateComparisonExpression, evaluateBooleanExpression, evaluateStringConcat, evaluateCondition,
 * fn.boolean and fn.lookup), at a fraction of the cost (0.1–1 µs against 3–30 µs, 2026-12).
 *
 * Two levels of refusal keep "exactly" true:
 * - at compile time, any node, key or function outside the subset: `compileSubset` answers
 *   undefined and the whole expression is JSONata's;
 * - at run time, any value outside what a closure handles (an array on a path, an object where a
 *   scalar is expected, a number in `&`, a string compared with a number, a number given to
 *   `$lowercase`, …): the closure throws `OUTSIDE_SUBSET` and the caller evaluates the whole
 *   expression with JSONata, so its result, or its error (T2009, T0410, …), is JSONata's own.
 * Rejected alternative: reproducing JSONata's errors here. They carry codes, positions and tokens
 * that would drift with each JSONata release; an event outside the model is rare enough to pay the
 * 10 µs.
 */

/** Thrown by a compiled closure when a value is outside what it handles: evaluate with JSONata. */
export const OUTSIDE_SUBSET: unique symbol = Symbol('outside the compiled subset');

/** An expression compiled to JS: the event's data → JSONata's result; throws only `OUTSIDE_SUBSET`. */
export type Closure = (input: unknown) => unknown;

/** The part of JSONata's AST (`jsonata(src).ast()`) the compiler reads. */
export interface AstNode {
  type: string;
  value?: unknown;
  position?: number;
  steps?: AstNode[];
  lhs?: AstNode | AstNode[][];
  rhs?: AstNode;
  condition?: AstNode;
  then?: AstNode;
  else?: AstNode;
  expressions?: AstNode[];
  arguments?: AstNode[];
  procedure?: AstNode;
}

/** Compiles one sub-expression of `kind`'s events; undefined when it is outside the subset. */
export type Compile = (node: AstNode) => Closure | undefined;

/**
 * The closure for a whole expression, or undefined when any part of it is outside the subset.
 * @param ast what `jsonata(source).ast()` returns: parsing is JSONata's, so `"a\u0041"`, `-42` or
 *   `` `a b`.c `` mean exactly what they mean to JSONata
 * @param kind the event kind the expression reads: a path is compiled only when the kind's model
 *   says nothing along it is (or may hold) a list
 */
export function compileSubset(ast: unknown, kind: EventKind): Closure | undefined {
  const fields = new Map(eventFields(kind).map((f) => [f.path, f]));
  const compile: Compile = (node) => compileNode(node, fields, compile);
  return compile(ast as AstNode);
}

/** The keys each node type may have; another key (a predicate, a group, a stage, `keepArray`, …) means more than the subset. */
const KEYS: Record<string, readonly string[]> = {
  binary: ['type', 'value', 'position', 'lhs', 'rhs'],
  condition: ['type', 'position', 'condition', 'then', 'else'],
  block: ['type', 'position', 'expressions'],
  function: ['type', 'value', 'position', 'arguments', 'procedure'],
  unary: ['type', 'value', 'position', 'expressions', 'lhs'],
};

function compileNode(node: AstNode, fields: ReadonlyMap<string, EventField>, compile: Compile): Closure | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const literal = literalOf(node);
  if (literal) {
    const { value } = literal;
    return () => value;
  }
  if (node.type === 'path') {
    const path = plainPath(node);
    return path && crossesNoList(path, fields) ? (input) => walk(input, path) : undefined;
  }
  const allowed = Object.hasOwn(KEYS, node.type) ? KEYS[node.type] : undefined;
  // A key left undefined by the parser (a call's `name`) says nothing.
  if (!allowed || Object.entries(node).some(([k, v]) => v !== undefined && !allowed.includes(k))) return undefined;
  switch (node.type) {
    case 'binary': return compileBinary(node, compile);
    case 'condition': return compileCondition(node, compile);
    // `( … )` of one expression is that expression (a new frame only matters to `:=`, not in the subset).
    case 'block': return node.expressions?.length === 1 ? compile(node.expressions[0]!) : undefined;
    case 'function': return compileCall(node, compile);
    case 'unary': return node.value === '[' ? arrayOfLiterals(node) : undefined;
    default: return undefined;
  }
}

/** `[ "a", 1, true ]`: a new array each time (JSONata's is new too; a caller may keep it). */
function arrayOfLiterals(node: AstNode): Closure | undefined {
  const values = literalsOf(node);
  return values ? () => values.slice() : undefined;
}

/** The values of an array constructor made of literals only; undefined for anything else (`[a]`, `[[1]]`, `[1..3]`). */
export function literalsOf(node: AstNode): Array<string | number | boolean | null> | undefined {
  if (node.type !== 'unary' || node.value !== '[' || !Array.isArray(node.expressions) || Object.keys(node).some((k) => !KEYS.unary!.includes(k) || k === 'lhs')) return undefined;
  const values: Array<string | number | boolean | null> = [];
  for (const item of node.expressions) {
    const literal = literalOf(item);
    if (!literal) return undefined;
    values.push(literal.value);
  }
  return values;
}

function compileBinary(node: AstNode, compile: Compile): Closure | undefined {
  const op = node.value;
  const rhsValues = op === 'in' && node.rhs ? literalsOf(node.rhs) : undefined;
  const lhs = compile(node.lhs as AstNode);
  const rhs = rhsValues ? undefined : compile(node.rhs!);
  if (!lhs || (!rhs && !rhsValues)) return undefined;
  switch (op) {
    case 'and': return (input) => boolize(lhs(input)) && boolize(rhs!(input));
    case 'or': return (input) => boolize(lhs(input)) || boolize(rhs!(input));
    case '=': case '!=': {
      const equal = op === '=';
      return (input) => {
        const l = lhs(input), r = rhs!(input);
        if (l === undefined || r === undefined) return false;
        // Deep equality of objects and arrays stays JSONata's.
        if (isObject(l) || isObject(r)) throw OUTSIDE_SUBSET;
        return (l === r) === equal;
      };
    }
    case '<': case '<=': case '>': case '>=': return compareWith(op, lhs, rhs!);
    case '&': return (input) => text(lhs(input)) + text(rhs!(input));
    case 'in': {
      if (rhsValues) {
        const set = new Set<unknown>(rhsValues);
        return (input) => {
          const l = lhs(input);
          if (l === undefined) return false;
          if (isObject(l)) throw OUTSIDE_SUBSET;
          return set.has(l);
        };
      }
      return (input) => {
        const l = lhs(input), r = rhs!(input);
        if (l === undefined || r === undefined) return false;
        if (isObject(l) || isObject(r)) throw OUTSIDE_SUBSET;
        // A scalar on the right is a list of one (JSONata wraps it); a list from a path never gets here (walk).
        return l === r;
      };
    }
    default: return undefined;
  }
}

/**
 * `<` `<=` `>` `>=`: numbers with numbers, strings with strings; nothing on either side gives
 * nothing (not false: `and`, `or`, `?` and `$not` make it false). Any other pair is an error in
 * JSONata (T2009, T2010), left to it.
 */
function compareWith(op: '<' | '<=' | '>' | '>=', lhs: Closure, rhs: Closure): Closure {
  return (input) => {
    const l = lhs(input), r = rhs(input);
    const lt = typeof l, rt = typeof r;
    if ((lt !== 'undefined' && lt !== 'string' && lt !== 'number') || (rt !== 'undefined' && rt !== 'string' && rt !== 'number')) throw OUTSIDE_SUBSET;
    if (l === undefined || r === undefined) return undefined;
    if (lt !== rt) throw OUTSIDE_SUBSET;
    const a = l as string | number, b = r as string | number;
    switch (op) {
      case '<': return a < b;
      case '<=': return a <= b;
      case '>': return a > b;
      default: return a >= b;
    }
  };
}

/** `c ? a : b` and `c ? a` (nothing when `c` is false and there is no else). */
function compileCondition(node: AstNode, compile: Compile): Closure | undefined {
  const condition = compile(node.condition!);
  const then = compile(node.then!);
  const otherwise = node.else === undefined ? () => undefined : compile(node.else);
  if (!condition || !then || !otherwise) return undefined;
  return (input) => (toBoolean(condition(input)) ? then(input) : otherwise(input));
}

/**
 * JSONata's `$boolean` of a scalar: '' 0 false null → false, other strings, numbers and true →
 * true, nothing → nothing. Lists and objects (their own rules: items, keys, functions) are JSONata's.
 */
export function toBoolean(value: unknown): boolean | undefined {
  switch (typeof value) {
    case 'undefined': return undefined;
    case 'boolean': return value;
    case 'string': return value.length > 0;
    case 'number': return value !== 0;
    default:
      if (value === null) return false;
      throw OUTSIDE_SUBSET;
  }
}

/** The operands of `and` and `or`: `$boolean`, with nothing as false. */
function boolize(value: unknown): boolean {
  return toBoolean(value) ?? false;
}

/**
 * An operand of `&` as JSONata's `$string` makes it: nothing is '', true is "true", null "null".
 * A number is JSONata's (it rounds to 15 significant digits), as are lists and objects.
 */
function text(value: unknown): string {
  switch (typeof value) {
    case 'string': return value;
    case 'undefined': return '';
    case 'boolean': return value ? 'true' : 'false';
    default:
      if (value === null) return 'null';
      throw OUTSIDE_SUBSET;
  }
}

export function isObject(value: unknown): boolean {
  return value !== null && typeof value === 'object';
}

/** The keys a literal or a plain name step has: any other (stages, predicates, focus, …) makes it more than that. */
const PLAIN_KEYS = new Set(['type', 'value', 'position']);

/** The literal an AST is, if it is only one (`"Twitter"`, `42`, `true`, `null`). */
export function literalOf(ast: unknown): { value: string | number | boolean | null } | undefined {
  const node = ast as AstNode;
  if (!node || typeof node !== 'object' || !hasOnlyPlainKeys(node)) return undefined;
  if (node.type === 'string' || node.type === 'number') return { value: node.value as string | number };
  // `true`, `false` and `null` are of type `value`.
  if (node.type === 'value' && (node.value === null || typeof node.value === 'boolean')) return { value: node.value };
  return undefined;
}

/** The names of a path made of names only (`author.handle` → `['author', 'handle']`). */
export function plainPath(ast: unknown): string[] | undefined {
  const node = ast as AstNode;
  if (!node || node.type !== 'path' || !Array.isArray(node.steps) || Object.keys(node).some((k) => k !== 'type' && k !== 'steps')) return undefined;
  const names: string[] = [];
  for (const step of node.steps) {
    if (step.type !== 'name' || typeof step.value !== 'string' || !hasOnlyPlainKeys(step)) return undefined;
    names.push(step.value);
  }
  return names.length > 0 ? names : undefined;
}

type EventField = ReturnType<typeof eventFields>[number];

/**
 * Whether every prefix of `path` is a field of the model that is not a list (nor may hold one:
 * a map or `any` may). A path the model does not know is refused too; model-paths.ts reports it.
 */
function crossesNoList(path: readonly string[], fields: ReadonlyMap<string, EventField>): boolean {
  for (let depth = 1; depth <= path.length; depth++) {
    const field = fields.get(path.slice(0, depth).join('.'));
    if (!field || field.open || field.type.includes('list')) return false;
  }
  return true;
}

/**
 * JSONata's name lookup on objects: own properties only (`constructor` is nothing), nothing past a
 * scalar. A list anywhere (JSONata maps over it and flattens) is left to JSONata, and so is an
 * object that JSONata takes for one of its functions (`_jsonata_lambda: true`: it has no names).
 */
function walk(input: unknown, path: readonly string[]): unknown {
  let current = input;
  for (const name of path) {
    if (Array.isArray(current)) throw OUTSIDE_SUBSET;
    if (current === null || typeof current !== 'object') return undefined;
    const object = current as Record<string, unknown>;
    if (object._jsonata_lambda === true || object._jsonata_function === true) throw OUTSIDE_SUBSET;
    if (!Object.hasOwn(object, name)) return undefined;
    current = object[name];
  }
  if (Array.isArray(current)) throw OUTSIDE_SUBSET;
  return current;
}

function hasOnlyPlainKeys(node: object): boolean {
  return Object.keys(node).every((k) => PLAIN_KEYS.has(k));
}
