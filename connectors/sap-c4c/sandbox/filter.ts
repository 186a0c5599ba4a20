/**
 * C4C's `$filter` (reference §2): `eq ne ge le gt lt`, `and`/`or`, parentheses, `startswith(P,'x')`,
 * `endswith(P,'x')`, a `*` wildcard inside an `eq` string, and literals `'text'` (`''` escapes a
 * quote), numbers, `true`/`false`, `null`, `datetimeoffset'…'`, `datetime'…'`, `guid'…'`. Parsed once
 * into a predicate over an entity's wire values. Only filterable properties of the type may appear.
 */
import { fromODataDate } from '../odata/json.ts';

/** A `$filter` the sandbox refuses (answered 400 with the message). */
export class FilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterError';
  }
}

type Value = string | number | boolean | null;
type Node =
  | { kind: 'compare'; op: string; property: string; value: Value }
  | { kind: 'call'; fn: 'startswith' | 'endswith'; property: string; value: string }
  | { kind: 'logic'; op: 'and' | 'or'; left: Node; right: Node };

const TOKEN = /\s*(?:(\()|(\))|(,)|((?:datetimeoffset|datetime|guid)?'(?:[^']|'')*')|(-?\d+(?:\.\d+)?[mMdDfFlL]?)|([A-Za-z_][\w/]*))/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) throw new FilterError(`Invalid $filter at position ${start}: ${text.slice(start, start + 20)}`);
    tokens.push(match.slice(1).find((t) => t !== undefined)!);
  }
  return tokens;
}

/** A literal token's value; DateTime literals become epoch ms so they compare with `/Date(ms)/` values. */
function literal(token: string): Value {
  const quoted = /^(datetimeoffset|datetime|guid)?'((?:[^']|'')*)'$/.exec(token);
  if (quoted) {
    const text = quoted[2]!.replace(/''/g, "'");
    if (quoted[1] === 'datetimeoffset' || quoted[1] === 'datetime') {
      const ms = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`);
      if (Number.isNaN(ms)) throw new FilterError(`Invalid date literal ${token}`);
      return ms;
    }
    return quoted[1] === 'guid' ? text.toUpperCase() : text;
  }
  if (token === 'true' || token === 'false') return token === 'true';
  if (token === 'null') return null;
  if (/^-?\d/.test(token)) return Number(token.replace(/[mMdDfFlL]$/, ''));
  throw new FilterError(`Expected a literal, got ${token}`);
}

/**
 * Parses a `$filter`.
 * @param filterable whether a property may be filtered on (known and `sap:filterable`)
 * @throws FilterError for a syntax error or a property that cannot be filtered
 */
export function parseFilter(text: string, filterable: (property: string) => boolean): (values: Record<string, unknown>) => boolean {
  const tokens = tokenize(text);
  let at = 0;
  const next = () => tokens[at++];
  const expect = (want: string) => { const got = next(); if (got !== want) throw new FilterError(`Expected ${want} in $filter, got ${got ?? 'the end'}`); };
  const property = (name: string | undefined) => {
    if (!name || !/^[A-Za-z_]\w*$/.test(name)) throw new FilterError(`Expected a property, got ${name ?? 'the end'}`);
    if (!filterable(name)) throw new FilterError(`Property ${name} cannot be used in $filter`);
    return name;
  };
  const primary = (): Node => {
    const token = next();
    if (token === '(') { const node = or(); expect(')'); return node; }
    const fn = token?.toLowerCase();
    if ((fn === 'startswith' || fn === 'endswith') && tokens[at] === '(') {
      expect('(');
      const name = property(next());
      expect(',');
      const value = literal(next() ?? '');
      expect(')');
      if (typeof value !== 'string') throw new FilterError(`${fn} needs a string`);
      // `startswith(P,'x') eq true` is the v2 spelling; the bare call is accepted as C4C does.
      if (tokens[at]?.toLowerCase() === 'eq' && tokens[at + 1] === 'true') at += 2;
      return { kind: 'call', fn, property: name, value };
    }
    const name = property(token);
    const op = next()?.toLowerCase();
    if (!op || !['eq', 'ne', 'ge', 'le', 'gt', 'lt'].includes(op)) throw new FilterError(`Expected a comparison after ${name}, got ${op ?? 'the end'}`);
    return { kind: 'compare', op, property: name, value: literal(next() ?? '') };
  };
  const and = (): Node => {
    let node = primary();
    while (tokens[at]?.toLowerCase() === 'and') { at++; node = { kind: 'logic', op: 'and', left: node, right: primary() }; }
    return node;
  };
  const or = (): Node => {
    let node = and();
    while (tokens[at]?.toLowerCase() === 'or') { at++; node = { kind: 'logic', op: 'or', left: node, right: and() }; }
    return node;
  };
  const root = or();
  if (at !== tokens.length) throw new FilterError(`Unexpected ${tokens[at]} in $filter`);
  return (values) => evaluate(root, values);
}

/** A stored wire value as a comparable: `/Date(ms)/` → ms, a GUID upper-cased. */
function comparable(value: unknown): Value {
  const ms = fromODataDate(value);
  if (ms !== undefined) return ms;
  if (typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(value)) return value.toUpperCase();
  return value === undefined ? null : (value as Value);
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}

function evaluate(node: Node, values: Record<string, unknown>): boolean {
  if (node.kind === 'logic') return node.op === 'and' ? evaluate(node.left, values) && evaluate(node.right, values) : evaluate(node.left, values) || evaluate(node.right, values);
  const actual = comparable(values[node.property]);
  if (node.kind === 'call') return typeof actual === 'string' && (node.fn === 'startswith' ? actual.startsWith(node.value) : actual.endsWith(node.value));
  const want = node.value;
  if (node.op === 'eq' && typeof want === 'string' && want.includes('*')) return typeof actual === 'string' && wildcard(want).test(actual);
  if (node.op === 'eq') return actual === want;
  if (node.op === 'ne') return actual !== want;
  if (actual === null || want === null) return false;
  switch (node.op) {
    case 'gt': return actual > want;
    case 'ge': return actual >= want;
    case 'lt': return actual < want;
    default: return actual <= want;
  }
}
