import { literalOf, OUTSIDE_SUBSET, toBoolean, type AstNode, type Closure, type Compile } from './compile-subset.ts';

/**
 * The JSONata functions compile-subset.ts compiles, each with the number of arguments it is written
 * with here (fewer would make JSONata pass the context as the first: `$lowercase()` is not
 * compiled). Each follows jsonata 2.x's functions.js for the values it takes; for any other value
 * it throws `OUTSIDE_SUBSET` and JSONata answers, with its signature error (T0410) where it has one.
 *
 * - `$exists(x)`, `$boolean(x)`, `$not(x)` (nothing stays nothing), `$string(x)` for text
 * - `$lowercase(s)`, `$uppercase(s)`
 * - `$substring(s, start[, length])` with number literals: code points, a negative start from the end
 * - `$contains(s, "text")`, `$contains(s, /regex/flags)`
 * - `$lookup({ "key": literal, … }, key)`: a table written in the expression
 */

type Build = (args: readonly AstNode[], compile: Compile) => Closure | undefined;

const FUNCTIONS: Readonly<Record<string, Build>> = {
  exists: unary((value) => value !== undefined),
  boolean: unary(toBoolean),
  not: unary((value) => (value === undefined ? undefined : !toBoolean(value))),
  string: unary((value) => (value === undefined ? undefined : stringOnly(value))),
  lowercase: unary((value) => (value === undefined ? undefined : stringOnly(value).toLowerCase())),
  uppercase: unary((value) => (value === undefined ? undefined : stringOnly(value).toUpperCase())),
  substring: buildSubstring,
  contains: buildContains,
  lookup: buildLookup,
};

/** The closure of a call of one of the functions above (`$name(…)`); undefined for any other call. */
export function compileCall(node: AstNode, compile: Compile): Closure | undefined {
  const procedure = node.procedure;
  if (node.value !== '(' || !Array.isArray(node.arguments) || !procedure || procedure.type !== 'variable' || typeof procedure.value !== 'string') return undefined;
  if (Object.keys(procedure).some((k) => k !== 'type' && k !== 'value' && k !== 'position')) return undefined;
  const build = Object.hasOwn(FUNCTIONS, procedure.value) ? FUNCTIONS[procedure.value] : undefined;
  return build?.(node.arguments, compile);
}

/** A function of one argument, applied to its value. */
function unary(apply: (value: unknown) => unknown): Build {
  return (args, compile) => {
    const arg = args.length === 1 ? compile(args[0]!) : undefined;
    return arg ? (input) => apply(arg(input)) : undefined;
  };
}

function stringOnly(value: unknown): string {
  if (typeof value !== 'string') throw OUTSIDE_SUBSET;
  return value;
}

function numberLiteral(node: AstNode | undefined): number | undefined {
  const literal = node === undefined ? undefined : literalOf(node);
  return typeof literal?.value === 'number' ? literal.value : undefined;
}

function buildSubstring(args: readonly AstNode[], compile: Compile): Closure | undefined {
  if (args.length !== 2 && args.length !== 3) return undefined;
  const text = compile(args[0]!);
  const start = numberLiteral(args[1]);
  const length = args.length === 3 ? numberLiteral(args[2]) : undefined;
  if (!text || start === undefined || (args.length === 3 && length === undefined)) return undefined;
  return (input) => {
    const value = text(input);
    return value === undefined ? undefined : substring(stringOnly(value), start, length);
  };
}

const SURROGATE = /[\ud800-\udfff]/;

/**
 * JSONata's `$substring`: positions count code points (an emoji is one). Text without surrogates
 * has as many code points as UTF-16 units, and is cut without making the array of its characters.
 */
export function substring(text: string, start: number, length: number | undefined): string {
  if (length !== undefined && length <= 0) return '';
  const chars = SURROGATE.test(text) ? Array.from(text) : undefined;
  const count = chars ? chars.length : text.length;
  const from = count + start < 0 ? 0 : start;
  // Array and string `slice` read their bounds alike (negative from the end, fractions truncated), as JSONata's does.
  const to = length === undefined ? count : from >= 0 ? from + length : count + from + length;
  return chars ? chars.slice(from, to).join('') : text.slice(from, to);
}

function buildContains(args: readonly AstNode[], compile: Compile): Closure | undefined {
  if (args.length !== 2) return undefined;
  const text = compile(args[0]!);
  const token = args[1]!;
  if (!text) return undefined;
  const literal = literalOf(token);
  let test: (s: string) => boolean;
  if (typeof literal?.value === 'string') {
    const part = literal.value;
    test = (s) => s.includes(part);
  } else if (token.type === 'regex' && token.value instanceof RegExp && Object.keys(token).every((k) => k === 'type' || k === 'value' || k === 'position')) {
    // JSONata's regex has the `g` flag and is run from lastIndex 0: the same as one without it, which keeps no state.
    const regex = new RegExp(token.value.source, token.value.flags.replace('g', ''));
    test = (s) => regex.test(s);
  } else {
    return undefined;
  }
  return (input) => {
    const value = text(input);
    return value === undefined ? undefined : test(stringOnly(value));
  };
}

function buildLookup(args: readonly AstNode[], compile: Compile): Closure | undefined {
  if (args.length !== 2) return undefined;
  const table = tableOf(args[0]!);
  const key = compile(args[1]!);
  if (!table || !key) return undefined;
  return (input) => {
    // JSONata builds the object once per item of a list input (its grouping): left to it.
    if (Array.isArray(input)) throw OUTSIDE_SUBSET;
    const name = key(input);
    if (name === undefined) return undefined;
    if (typeof name !== 'string') throw OUTSIDE_SUBSET;
    return table.get(name);
  };
}

/** An object constructor of literal keys and literal values (`{"x": "Twitter"}`); undefined for any other, or one with a key twice (an error in JSONata, D1009). */
function tableOf(node: AstNode): Map<string, string | number | boolean | null> | undefined {
  if (node.type !== 'unary' || node.value !== '{' || !Array.isArray(node.lhs)) return undefined;
  if (Object.keys(node).some((k) => k !== 'type' && k !== 'value' && k !== 'position' && k !== 'lhs')) return undefined;
  const table = new Map<string, string | number | boolean | null>();
  for (const pair of node.lhs as AstNode[][]) {
    const name = pair.length === 2 ? literalOf(pair[0]) : undefined;
    const value = pair.length === 2 ? literalOf(pair[1]) : undefined;
    if (typeof name?.value !== 'string' || !value || table.has(name.value)) return undefined;
    table.set(name.value, value.value);
  }
  return table;
}
