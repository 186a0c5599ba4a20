/**
 * The SOQL subset the Salesforce sandbox answers `GET /query?q=` with: enough for everything jsforce's
 * query builder writes (`find`, `findOne`, `count`, `sort`, `limit`, `skip`) and for the hand-written
 * queries a connector sends.
 *
 *   SELECT <field, Rel.Field, Rel.Rel.Field, … | count()> FROM Object
 *   [WHERE <condition>] [ORDER BY field [ASC|DESC] [NULLS FIRST|LAST], …] [LIMIT n] [OFFSET m]
 *
 * It runs in three steps, each a pure function of its input: `tokenize` + `Parser` (text → query
 * tree, MALFORMED_QUERY), `resolveQuery` (names → describes, INVALID_TYPE / INVALID_FIELD), then
 * filtering, ordering and projection against the records of a `SoqlContext`.
 *
 * Salesforce's rules kept on purpose, because real queries that break them fail in a real org:
 * AND and OR cannot be mixed without parentheses, NOT only negates a whole (parenthesised or
 * top-level) condition, string literals take only SOQL's escapes, a filter value must be of the
 * field's type (quoted for text and ids, unquoted for numbers, booleans, dates and datetimes).
 */
import { SalesforceRequestError, type FieldDescribe, type SObjectDescribe, type SandboxRecord } from './types.ts';

// ---------------------------------------------------------------------------------------------
// Public API

export interface SoqlContext {
  /** The describe of an object by API name, case-insensitive; undefined when unknown. */
  describe(object: string): SObjectDescribe | undefined;
  /** Every live record of the object (records carry Salesforce field names; Id always present). */
  records(object: string): Iterable<SandboxRecord>;
  /** Deleted records still kept (for queryAll); may be empty. */
  deletedRecords?(object: string): Iterable<SandboxRecord>;
  /** Finds any record by Id, for parent relationship fields such as `Persona.Name` or `Owner.Name`; undefined when absent. */
  recordById(id: string): { object: string; record: SandboxRecord } | undefined;
}

export interface SoqlResult {
  /** true for `SELECT count() ...`: totalSize is the count and records is []. */
  isCount: boolean;
  totalSize: number;
  /** Rows in order, each `{ attributes: { type, url }, <selected fields as named in the describe, in select order> }`. */
  records: Array<Record<string, unknown>>;
}

export type SoqlErrorCode = 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE';

/**
 * A query Salesforce would refuse with 400 `[{ message, errorCode }]`. It is a
 * `SalesforceRequestError` so a route can answer it with `toBody()` like any other refusal.
 */
export class SoqlError extends SalesforceRequestError {
  declare readonly errorCode: SoqlErrorCode;
  constructor(errorCode: SoqlErrorCode, message: string) {
    super(400, errorCode, message);
    this.name = 'SoqlError';
  }
}

/**
 * Runs one SOQL query against the context's records.
 *
 * @param options.apiVersion `62.0` (a leading `v` is tolerated), used in each row's `attributes.url`
 * @param options.includeDeleted true for `/queryAll`: the context's deleted records take part too
 * @returns all matching rows (paging into batches is the caller's business)
 * @throws SoqlError MALFORMED_QUERY for syntax outside the subset, INVALID_TYPE for an unknown
 *   object, INVALID_FIELD for an unknown field or relationship or a filter value of the wrong type
 */
export function runSoql(soql: string, context: SoqlContext, options: { apiVersion: string; includeDeleted?: boolean }): SoqlResult {
  const plan = resolveQuery(new Parser(tokenize(soql)).parseQuery(), context);
  const candidates = [...context.records(plan.object.name)];
  if (options.includeDeleted) candidates.push(...(context.deletedRecords?.(plan.object.name) ?? []));
  const where = plan.where;
  const matching = where ? candidates.filter((record) => matches(where, record, context)) : candidates;
  const ordered = plan.orderBy.length > 0 ? sortRecords(matching, plan.orderBy, context) : matching;
  // A count honours LIMIT and OFFSET too: `SELECT count() … LIMIT 5` counts at most 5.
  const page = ordered.slice(plan.offset, plan.limit === undefined ? undefined : plan.offset + plan.limit);
  const fields = plan.select;
  if (fields === 'count') return { isCount: true, totalSize: page.length, records: [] };
  // Tolerated so `v62.0` from a URL path does not become `vv62.0` in every url.
  const version = options.apiVersion.replace(/^v/i, '');
  const records = page.map((record) => projectRow(record, plan.object.name, fields, context, version));
  return { isCount: false, totalSize: records.length, records };
}

// ---------------------------------------------------------------------------------------------
// Tokens

type TokenKind = 'word' | 'string' | 'number' | 'date' | 'datetime' | 'symbol' | 'eof';

/** One lexical unit; `text` is the exact source slice (quotes included for strings), `pos` its offset. */
interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
}

// A word may carry a relationship path (`Account.Owner.Name`) as one token: SOQL allows no spaces around the dots.
const WORD = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;
// Tried before NUMBER, which would otherwise read `2024` then `-05`. Loose here, checked by `literalInstant`.
const DATE_LIKE = /\d{4}-\d{2}-\d{2}(?:T[0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?/y;
const NUMBER = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)/y;
const SYMBOL = /!=|<>|<=|>=|[=<>(),]/y;
const SPACE = /\s+/y;

/** The escapes SOQL allows after a backslash in a string literal (SOQL reference, "Quoted String Escape Sequences"). */
const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n', N: '\n', r: '\r', R: '\r', t: '\t', T: '\t', b: '\b', B: '\b', f: '\f', F: '\f',
  '"': '"', "'": "'", '\\': '\\',
  // Wildcard escapes: literal `%`/`_` in LIKE; elsewhere kept as written (see `decodeString`).
  '%': '\\%', _: '\\_',
};

function stickyMatch(pattern: RegExp, text: string, pos: number): string | undefined {
  pattern.lastIndex = pos;
  return pattern.exec(text)?.[0];
}

/**
 * Splits SOQL into tokens, ending with one `eof` token.
 * @throws SoqlError MALFORMED_QUERY for a character no token starts with, an unterminated string or a bad escape
 */
function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < soql.length) {
    const space = stickyMatch(SPACE, soql, pos);
    if (space) { pos += space.length; continue; }
    const token = readToken(soql, pos);
    tokens.push(token);
    pos += token.text.length;
  }
  tokens.push({ kind: 'eof', text: '<EOF>', pos });
  return tokens;
}

const PLAIN_TOKENS: ReadonlyArray<[TokenKind, RegExp]> = [['word', WORD], ['number', NUMBER], ['symbol', SYMBOL]];

/** The token starting at `pos` (not whitespace). */
function readToken(soql: string, pos: number): Token {
  if (soql[pos] === "'") return { kind: 'string', text: scanString(soql, pos), pos };
  const date = stickyMatch(DATE_LIKE, soql, pos);
  if (date !== undefined) return { kind: date.includes('T') ? 'datetime' : 'date', text: date, pos };
  for (const [kind, pattern] of PLAIN_TOKENS) {
    const text = stickyMatch(pattern, soql, pos);
    if (text !== undefined) return { kind, text, pos };
  }
  const note = soql[pos] === ':' ? ' (the Salesforce sandbox does not support bind variables)' : '';
  throw malformed(`unexpected token: '${soql[pos]}'${note}`);
}

/** The string literal starting at `start` (a quote), quotes included. */
function scanString(soql: string, start: number): string {
  let pos = start + 1;
  while (pos < soql.length) {
    const ch = soql[pos];
    if (ch === "'") return soql.slice(start, pos + 1);
    if (ch === '\\') {
      const next = soql[pos + 1];
      if (next === undefined) break;
      if (!Object.hasOwn(ESCAPES, next)) {
        throw malformed(`Invalid string literal '${soql.slice(start + 1, pos + 2)}…'. Illegal character sequence '\\${next}' in string literal.`);
      }
      pos += 2;
      continue;
    }
    pos += 1;
  }
  throw malformed('unexpected token: <EOF> (unterminated string literal)');
}

/** The value of a string literal's body (between the quotes). `\%` and `\_` stay as written: they only mean something in LIKE. */
function decodeString(body: string): string {
  return body.replace(/\\(.)/gs, (_, ch: string) => ESCAPES[ch] ?? ch);
}

const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

/**
 * LIKE's pattern as an anchored, case-insensitive RegExp: `%` any run of characters, `_` exactly
 * one, `\%` and `\_` themselves. Works on the raw body so escaped wildcards stay literal.
 */
function likeRegExp(body: string): RegExp {
  let source = '';
  for (let i = 0; i < body.length; i += 1) {
    const ch = body[i]!;
    if (ch === '\\') {
      const next = body[i + 1]!;
      i += 1;
      const literal = next === '%' || next === '_' ? next : ESCAPES[next]!;
      source += literal.replace(REGEX_SYNTAX, '\\$&');
    } else if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += ch.replace(REGEX_SYNTAX, '\\$&');
  }
  return new RegExp(`^${source}$`, 'isu');
}

// ---------------------------------------------------------------------------------------------
// Query tree

/** A field as written: `Email` → ['Email'], `Account.Owner.Name` → ['Account', 'Owner', 'Name']. */
interface FieldRef {
  path: string[];
  text: string;
}

type Literal =
  | { kind: 'null' }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  /** `instant` is epoch milliseconds (a date is its midnight UTC). */
  | { kind: 'date' | 'datetime'; instant: number; text: string };

type ComparisonOp = '=' | '!=' | '<' | '>' | '<=' | '>=';
type SetOp = 'IN' | 'NOT IN' | 'INCLUDES' | 'EXCLUDES';

/** A WHERE condition over field references `F`: as parsed (names), then resolved against the describes. */
type Condition<F = FieldRef> =
  | { kind: 'and' | 'or'; items: Array<Condition<F>> }
  | { kind: 'not'; item: Condition<F> }
  | { kind: 'compare'; field: F; op: ComparisonOp; value: Literal }
  | { kind: 'like'; field: F; pattern: RegExp }
  | { kind: 'set'; field: F; op: SetOp; values: Literal[] };

interface OrderItem<F> {
  field: F;
  descending: boolean;
  nullsFirst: boolean;
}

interface ParsedQuery {
  select: 'count' | FieldRef[];
  object: string;
  where: Condition | undefined;
  orderBy: Array<OrderItem<FieldRef>>;
  limit: number | undefined;
  offset: number;
}

/** Words that can never name a field or object (SOQL reference, "Reserved Characters and Keywords"). */
const RESERVED = new Set(['AND', 'ASC', 'DESC', 'EXCLUDES', 'FIRST', 'FROM', 'GROUP', 'HAVING', 'IN', 'INCLUDES', 'LAST',
  'LIKE', 'LIMIT', 'NOT', 'NULL', 'NULLS', 'OR', 'SELECT', 'WHERE', 'WITH']);

/** Real SOQL the sandbox does not implement: named in the error so nobody mistakes it for a typo. */
const UNSUPPORTED_CLAUSES = new Set(['GROUP', 'HAVING', 'WITH', 'FOR', 'USING', 'UPDATE']);
const RELATIVE_DATE = /^(?:YESTERDAY|TODAY|TOMORROW|LAST_|NEXT_|THIS_)/i;

function malformed(message: string): SoqlError {
  return new SoqlError('MALFORMED_QUERY', message);
}

/** Recursive descent over the tokens; every method consumes what it parses or throws MALFORMED_QUERY. */
/** Deepest parenthesis nesting in a WHERE clause. */
const MAX_NESTING = 100;

class Parser {
  readonly #tokens: Token[];
  #index = 0;
  #depth = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  /** `SELECT … FROM … [WHERE …] [ORDER BY …] [LIMIT n] [OFFSET m]`, then the end of the text. */
  parseQuery(): ParsedQuery {
    this.#expectKeyword('SELECT');
    const select = this.#parseSelectList();
    this.#expectKeyword('FROM');
    const object = this.#parseName();
    if (object.includes('.')) throw this.#unexpected(this.#tokens[this.#index - 1]!);
    const where = this.#acceptKeyword('WHERE') ? this.#parseCondition() : undefined;
    let orderBy: Array<OrderItem<FieldRef>> = [];
    if (this.#acceptKeyword('ORDER')) {
      this.#expectKeyword('BY');
      orderBy = this.#parseList(() => this.#parseOrderItem());
    }
    const limit = this.#acceptKeyword('LIMIT') ? this.#parseCount() : undefined;
    const offset = this.#acceptKeyword('OFFSET') ? this.#parseCount() : 0;
    const last = this.#next();
    if (last.kind !== 'eof') throw this.#unexpected(last);
    return { select, object, where, orderBy, limit, offset };
  }

  #parseSelectList(): 'count' | FieldRef[] {
    const first = this.#peek();
    if (first.kind === 'word' && first.text.toUpperCase() === 'COUNT' && this.#peek(1).text === '(') {
      this.#index += 2;
      this.#expectSymbol(')', 'aggregate functions such as COUNT(field)');
      return 'count';
    }
    return this.#parseList(() => this.#parseField('subqueries and functions in the SELECT list'));
  }

  /** One or more items separated by commas. */
  #parseList<T>(item: () => T): T[] {
    const items = [item()];
    while (this.#acceptSymbol(',')) items.push(item());
    return items;
  }

  #parseField(unsupported?: string): FieldRef {
    const token = this.#peek();
    if (unsupported && (token.text === '(' || this.#peek(1).text === '(')) throw this.#unexpected(token, unsupported);
    const text = this.#parseName();
    return { path: text.split('.'), text };
  }

  #parseName(): string {
    const token = this.#next();
    if (token.kind !== 'word' || RESERVED.has(token.text.toUpperCase())) throw this.#unexpected(token);
    return token.text;
  }

  /**
   * A condition as SOQL allows it: `NOT unit`, or units joined by only AND or only OR. Mixing them
   * (`a AND b OR c`) or `a AND NOT b` leaves a token the caller does not expect: Salesforce's
   * "unexpected token: 'OR'".
   */
  #parseCondition(): Condition {
    if (this.#acceptKeyword('NOT')) return { kind: 'not', item: this.#parseUnit() };
    const first = this.#parseUnit();
    const joiner = this.#peek();
    const op = joiner.kind === 'word' ? joiner.text.toUpperCase() : '';
    if (op !== 'AND' && op !== 'OR') return first;
    const items = [first];
    while (this.#acceptKeyword(op)) items.push(this.#parseUnit());
    return { kind: op === 'AND' ? 'and' : 'or', items };
  }

  #parseUnit(): Condition {
    if (this.#acceptSymbol('(')) {
      // Bounded, so a pathological query is a clear refusal rather than a blown stack.
      if (++this.#depth > MAX_NESTING) throw new SoqlError('MALFORMED_QUERY', `conditions nested more than ${MAX_NESTING} deep`);
      const inner = this.#parseCondition();
      this.#expectSymbol(')');
      this.#depth--;
      return inner;
    }
    return this.#parsePredicate();
  }

  /** `field op value`, `field LIKE 'p'`, `field [NOT] IN (…)`, `field INCLUDES|EXCLUDES (…)`. */
  #parsePredicate(): Condition {
    const field = this.#parseField();
    const token = this.#next();
    if (token.kind === 'symbol' && ['=', '!=', '<>', '<', '>', '<=', '>='].includes(token.text)) {
      const op = (token.text === '<>' ? '!=' : token.text) as ComparisonOp;
      return { kind: 'compare', field, op, value: this.#parseValue() };
    }
    const keyword = token.kind === 'word' ? token.text.toUpperCase() : '';
    if (keyword === 'LIKE') {
      const pattern = this.#next();
      if (pattern.kind !== 'string') throw this.#unexpected(pattern);
      return { kind: 'like', field, pattern: likeRegExp(pattern.text.slice(1, -1)) };
    }
    if (keyword === 'NOT') this.#expectKeyword('IN');
    if (keyword === 'NOT' || keyword === 'IN' || keyword === 'INCLUDES' || keyword === 'EXCLUDES') {
      const op = (keyword === 'NOT' ? 'NOT IN' : keyword) as SetOp;
      this.#expectSymbol('(');
      const values = this.#parseList(() => this.#parseValue());
      this.#expectSymbol(')');
      return { kind: 'set', field, op, values };
    }
    throw this.#unexpected(token);
  }

  #parseValue(): Literal {
    const token = this.#next();
    switch (token.kind) {
      case 'string': return { kind: 'string', value: decodeString(token.text.slice(1, -1)) };
      case 'number': return { kind: 'number', value: Number(token.text) };
      case 'date':
      case 'datetime': {
        const instant = literalInstant(token.text, token.kind);
        if (instant === undefined) throw this.#unexpected(token);
        return { kind: token.kind, instant, text: token.text };
      }
      case 'word': {
        const word = token.text.toUpperCase();
        if (word === 'NULL') return { kind: 'null' };
        if (word === 'TRUE' || word === 'FALSE') return { kind: 'boolean', value: word === 'TRUE' };
        if (word === 'SELECT') throw this.#unexpected(token, 'semi-join subqueries');
        if (RELATIVE_DATE.test(word)) throw this.#unexpected(token, 'relative date literals such as TODAY or LAST_N_DAYS:n');
        throw this.#unexpected(token);
      }
      default: throw this.#unexpected(token);
    }
  }

  #parseOrderItem(): OrderItem<FieldRef> {
    const field = this.#parseField();
    const descending = this.#acceptKeyword('DESC');
    if (!descending) this.#acceptKeyword('ASC');
    // Salesforce's default: nulls first when ascending, last when descending.
    let nullsFirst = !descending;
    if (this.#acceptKeyword('NULLS')) {
      if (this.#acceptKeyword('FIRST')) nullsFirst = true;
      else { this.#expectKeyword('LAST'); nullsFirst = false; }
    }
    return { field, descending, nullsFirst };
  }

  /** LIMIT's and OFFSET's operand: a non-negative integer. */
  #parseCount(): number {
    const token = this.#next();
    if (token.kind !== 'number' || !/^\d+$/.test(token.text)) throw this.#unexpected(token);
    return Number(token.text);
  }

  #peek(ahead = 0): Token {
    return this.#tokens[Math.min(this.#index + ahead, this.#tokens.length - 1)]!;
  }

  #next(): Token {
    const token = this.#peek();
    if (token.kind !== 'eof') this.#index += 1;
    return token;
  }

  #acceptKeyword(keyword: string): boolean {
    const token = this.#peek();
    if (token.kind !== 'word' || token.text.toUpperCase() !== keyword) return false;
    this.#index += 1;
    return true;
  }

  #expectKeyword(keyword: string): void {
    if (!this.#acceptKeyword(keyword)) throw this.#unexpected(this.#peek());
  }

  #acceptSymbol(symbol: string): boolean {
    const token = this.#peek();
    if (token.kind !== 'symbol' || token.text !== symbol) return false;
    this.#index += 1;
    return true;
  }

  #expectSymbol(symbol: string, unsupported?: string): void {
    if (!this.#acceptSymbol(symbol)) throw this.#unexpected(this.#peek(), unsupported);
  }

  /** Salesforce's wording (`unexpected token: 'OR'`), plus a note when the token starts SOQL the sandbox lacks. */
  #unexpected(token: Token, unsupported?: string): SoqlError {
    const shown = token.kind === 'eof' ? '<EOF>' : `'${token.text}'`;
    const clause = token.kind === 'word' && UNSUPPORTED_CLAUSES.has(token.text.toUpperCase()) ? `${token.text.toUpperCase()} clauses` : undefined;
    const note = unsupported ?? clause;
    return malformed(`unexpected token: ${shown}${note ? ` (the Salesforce sandbox does not support ${note})` : ''}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Instants

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const DATETIME_LITERAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * Epoch milliseconds of an ISO date (`2024-05-01`, midnight UTC) or datetime (`2024-05-01T10:00:00Z`,
 * `…00.000+0000`, `…00+02:00`; no zone means UTC); undefined when not one or not a real day/time.
 */
function parseInstant(text: string): number | undefined {
  const m = INSTANT.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(utc);
  // Date.UTC rolls 2024-02-30 over to March; a real date reads back the same.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = m[8];
  if (!zone || zone === 'Z') return utc;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return utc - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

/** A date or datetime literal's instant. Datetime literals need seconds and a zone, as in SOQL. */
function literalInstant(text: string, kind: 'date' | 'datetime'): number | undefined {
  if (kind === 'datetime' && !DATETIME_LITERAL.test(text)) return undefined;
  return parseInstant(text);
}

// ---------------------------------------------------------------------------------------------
// Names → describes

/** A field path checked against the describes. */
interface ResolvedField {
  /** The reference fields followed, one per relationship hop (`Account.Owner.Name` → AccountId, OwnerId). */
  hops: FieldDescribe[];
  /** The field read at the end, spelled as its describe does (as written when its object is not described). */
  name: string;
  /** Its describe; undefined only behind a relationship to objects the context does not describe. */
  describe: FieldDescribe | undefined;
}

type ResolvedCondition = Condition<ResolvedField>;

interface QueryPlan {
  object: SObjectDescribe;
  select: 'count' | ResolvedField[];
  where: ResolvedCondition | undefined;
  orderBy: Array<OrderItem<ResolvedField>>;
  limit: number | undefined;
  offset: number;
}

/**
 * Checks every name against the describes, in the order Salesforce reports them (object, select
 * list, WHERE, ORDER BY).
 * @throws SoqlError INVALID_TYPE, INVALID_FIELD
 */
function resolveQuery(query: ParsedQuery, context: SoqlContext): QueryPlan {
  const object = context.describe(query.object);
  if (!object || object.queryable === false) {
    throw new SoqlError('INVALID_TYPE', `sObject type '${query.object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`);
  }
  const field = (ref: FieldRef) => resolveField(ref, object, context);
  return {
    object,
    select: query.select === 'count' ? 'count' : query.select.map(field),
    where: query.where && resolveCondition(query.where, field),
    orderBy: query.orderBy.map((item) => ({ ...item, field: sortableField(field(item.field)) })),
    limit: query.limit,
    offset: query.offset,
  };
}

function resolveCondition(condition: Condition, field: (ref: FieldRef) => ResolvedField): ResolvedCondition {
  switch (condition.kind) {
    case 'and':
    case 'or': return { kind: condition.kind, items: condition.items.map((item) => resolveCondition(item, field)) };
    case 'not': return { kind: 'not', item: resolveCondition(condition.item, field) };
    case 'like': {
      const resolved = filterableField(field(condition.field));
      // The pattern is a quoted string, so the field must be one that takes quoted values.
      checkLiteral(resolved, { kind: 'string', value: '' });
      return { ...condition, field: resolved };
    }
    case 'compare': {
      const resolved = filterableField(field(condition.field));
      checkLiteral(resolved, condition.value);
      return { ...condition, field: resolved };
    }
    case 'set': {
      const resolved = filterableField(field(condition.field));
      for (const value of condition.values) checkLiteral(resolved, value);
      return { ...condition, field: resolved };
    }
  }
}

function invalidField(message: string): SoqlError {
  return new SoqlError('INVALID_FIELD', message);
}

/**
 * Follows `Rel.Rel.Field` from `root`: each relationship by its `relationshipName`, to the objects
 * of its `referenceTo` (several for polymorphic ones such as Owner or Who; the field must exist on
 * one of them). Names match case-insensitively.
 * @throws SoqlError INVALID_FIELD "Didn't understand relationship …" or "No such column …"
 */
function resolveField(ref: FieldRef, root: SObjectDescribe, context: SoqlContext): ResolvedField {
  const hops: FieldDescribe[] = [];
  let targets: SObjectDescribe[] = [root];
  // Salesforce names a polymorphic parent's pseudo-object `Name` in its messages.
  let entity = root.name;
  for (const segment of ref.path.slice(0, -1)) {
    const wanted = segment.toLowerCase();
    const hop = targets.flatMap((d) => d.fields).find((f) => f.relationshipName?.toLowerCase() === wanted);
    if (!hop) {
      throw invalidField(`Didn't understand relationship '${segment}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`);
    }
    hops.push(hop);
    targets = hop.referenceTo.map((name) => context.describe(name)).filter((d): d is SObjectDescribe => d !== undefined);
    entity = hop.referenceTo.length === 1 ? hop.referenceTo[0]! : 'Name';
  }
  const leaf = ref.path.at(-1)!;
  // A parent object the sandbox does not describe (a User behind Owner, say) is taken on trust.
  if (hops.length > 0 && targets.length === 0) return { hops, name: leaf, describe: undefined };
  const describe = targets.flatMap((d) => d.fields).find((f) => f.name.toLowerCase() === leaf.toLowerCase());
  if (!describe) {
    throw invalidField(`No such column '${leaf}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);
  }
  return { hops, name: describe.name, describe };
}

function filterableField(field: ResolvedField): ResolvedField {
  if (field.describe?.filterable === false) throw invalidField(`field '${field.name}' can not be filtered in a query call`);
  return field;
}

function sortableField(field: ResolvedField): ResolvedField {
  if (field.describe?.sortable === false) throw invalidField(`field '${field.name}' can not be sorted in a query call`);
  return field;
}

/** Which literal a field type takes, and the type name Salesforce's refusal uses. Types not listed are not checked. */
const LITERAL_RULES: Readonly<Record<string, { literal: Literal['kind']; typeName: string }>> = {
  id: { literal: 'string', typeName: 'id' },
  reference: { literal: 'string', typeName: 'id' },
  ...Object.fromEntries(['string', 'textarea', 'picklist', 'multipicklist', 'combobox', 'email', 'phone', 'url', 'encryptedstring']
    .map((type) => [type, { literal: 'string', typeName: 'string' }])),
  int: { literal: 'number', typeName: 'integer' },
  long: { literal: 'number', typeName: 'long' },
  double: { literal: 'number', typeName: 'double' },
  currency: { literal: 'number', typeName: 'double' },
  percent: { literal: 'number', typeName: 'double' },
  boolean: { literal: 'boolean', typeName: 'boolean' },
  date: { literal: 'date', typeName: 'date' },
  datetime: { literal: 'datetime', typeName: 'dateTime' },
};

/**
 * A filter value must suit its field: `Name = 5` or `CreatedDate > 2024-05-01` fail in a real org,
 * so they fail here. `null` suits every field.
 * @throws SoqlError INVALID_FIELD "value of filter criterion for field 'X' must be of type …"
 */
function checkLiteral(field: ResolvedField, value: Literal): void {
  const rule = field.describe && LITERAL_RULES[field.describe.type];
  if (!rule || value.kind === 'null' || value.kind === rule.literal) return;
  const quoting = rule.literal === 'string' ? 'should be enclosed in quotes' : 'should not be enclosed in quotes';
  throw invalidField(`value of filter criterion for field '${field.name}' must be of type ${rule.typeName} and ${quoting}`);
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** The record a reference field points at, via the context; undefined for an empty or dangling reference. */
function parentOf(record: SandboxRecord, hop: FieldDescribe, context: SoqlContext): { object: string; record: SandboxRecord } | undefined {
  const id = record[hop.name];
  return typeof id === 'string' && id !== '' ? context.recordById(id) : undefined;
}

/** A record's field by exact name, else case-insensitively (for names taken as written). */
function readField(record: SandboxRecord, name: string): unknown {
  if (Object.hasOwn(record, name)) return record[name];
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}

/** The resolved field's own value on the record that carries it. Checkboxes are never null in Salesforce: unset reads false. */
function leafValue(record: SandboxRecord, field: ResolvedField): unknown {
  const value = readField(record, field.name);
  return field.describe?.type === 'boolean' ? value ?? false : value;
}

/** The field's value on the record, through its parents; undefined when any parent is missing. */
function valueOf(record: SandboxRecord, field: ResolvedField, context: SoqlContext): unknown {
  let current: SandboxRecord | undefined = record;
  for (const hop of field.hops) {
    current = parentOf(current, hop, context)?.record;
    if (!current) return undefined;
  }
  return leafValue(current, field);
}

// Salesforce stores an empty text as null, so '' is null to filters (a store may hold either).
function isNull(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

type Domain = 'text' | 'id' | 'number' | 'boolean' | 'instant';

const DOMAIN_OF_TYPE: Readonly<Record<string, Domain>> = {
  id: 'id', reference: 'id',
  int: 'number', long: 'number', double: 'number', currency: 'number', percent: 'number',
  boolean: 'boolean', date: 'instant', datetime: 'instant',
};

/** How a field's values sort: by its describe type; for other types, by the value's own JS type. */
function sortDomain(describe: FieldDescribe | undefined, value: unknown): Domain {
  const byType = describe && DOMAIN_OF_TYPE[describe.type];
  if (byType) return byType;
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'text';
}

/** How a field compares with a literal: by its describe type; for other types, by the literal's kind. */
function literalDomain(field: ResolvedField, literal: Exclude<Literal, { kind: 'null' }>): Domain {
  const byType = field.describe && DOMAIN_OF_TYPE[field.describe.type];
  if (byType) return byType;
  switch (literal.kind) {
    case 'date':
    case 'datetime': return 'instant';
    case 'number': return 'number';
    case 'boolean': return 'boolean';
    case 'string': return 'text';
  }
}

/**
 * A non-null value in a form `<`/`===` order correctly: text lower-cased (SOQL compares text
 * case-insensitively), an 18-character id cut to its case-sensitive 15-character form (both forms
 * name the same record), instants as epoch ms. undefined when the value does not fit the domain.
 */
function comparable(value: unknown, domain: Domain): string | number | boolean | undefined {
  switch (domain) {
    case 'text': return String(value).toLowerCase();
    case 'id': { const id = String(value); return id.length === 18 ? id.slice(0, 15) : id; }
    case 'number': { const n = typeof value === 'number' ? value : Number(value); return Number.isNaN(n) ? undefined : n; }
    case 'boolean': return value === true || value === 'true';
    case 'instant': return typeof value === 'number' ? value : parseInstant(String(value));
  }
}

function literalComparable(literal: Exclude<Literal, { kind: 'null' }>, domain: Domain): string | number | boolean | undefined {
  if ('instant' in literal) return domain === 'instant' ? literal.instant : comparable(literal.text, domain);
  return comparable(literal.value, domain);
}

/** -1, 0 or 1 for two non-null values of the field; undefined when either cannot be compared. */
function compareToLiteral(value: unknown, literal: Exclude<Literal, { kind: 'null' }>, field: ResolvedField): number | undefined {
  const domain = literalDomain(field, literal);
  const left = comparable(value, domain);
  const right = literalComparable(literal, domain);
  if (left === undefined || right === undefined) return undefined;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** `=` in SOQL: `= null` tests for null; a null value equals no other literal. */
function equalsLiteral(value: unknown, literal: Literal, field: ResolvedField): boolean {
  if (literal.kind === 'null') return isNull(value);
  return !isNull(value) && compareToLiteral(value, literal, field) === 0;
}

/** A multi-select picklist's chosen values, lower-cased. */
function picklistSet(value: unknown): Set<string> {
  return new Set(String(value).split(';').map((v) => v.trim().toLowerCase()).filter((v) => v !== ''));
}

/** INCLUDES/EXCLUDES: a literal `'a;b'` asks for both a and b. */
function includesAny(value: unknown, literals: Literal[]): boolean {
  if (isNull(value)) return false;
  const chosen = picklistSet(value);
  return literals.some((literal) => literal.kind === 'string' && [...picklistSet(literal.value)].every((v) => chosen.has(v)));
}

/**
 * Whether a record satisfies a condition. SOQL's logic is two-valued: a null field fails `=`, `<`,
 * LIKE and IN, and passes `!=` and NOT IN.
 */
function matches(condition: ResolvedCondition, record: SandboxRecord, context: SoqlContext): boolean {
  switch (condition.kind) {
    case 'and': return condition.items.every((item) => matches(item, record, context));
    case 'or': return condition.items.some((item) => matches(item, record, context));
    case 'not': return !matches(condition.item, record, context);
    case 'like': {
      const value = valueOf(record, condition.field, context);
      return !isNull(value) && condition.pattern.test(String(value));
    }
    case 'set': return matchesSet(valueOf(record, condition.field, context), condition.op, condition.values, condition.field);
    case 'compare': return matchesComparison(valueOf(record, condition.field, context), condition.op, condition.value, condition.field);
  }
}

function matchesSet(value: unknown, op: SetOp, literals: Literal[], field: ResolvedField): boolean {
  switch (op) {
    case 'IN': return literals.some((literal) => equalsLiteral(value, literal, field));
    case 'NOT IN': return !literals.some((literal) => equalsLiteral(value, literal, field));
    case 'INCLUDES': return includesAny(value, literals);
    case 'EXCLUDES': return !includesAny(value, literals);
  }
}

function matchesComparison(value: unknown, op: ComparisonOp, literal: Literal, field: ResolvedField): boolean {
  if (op === '=') return equalsLiteral(value, literal, field);
  if (op === '!=') return !equalsLiteral(value, literal, field);
  if (isNull(value) || literal.kind === 'null') return false;
  const order = compareToLiteral(value, literal, field);
  if (order === undefined) return false;
  switch (op) {
    case '<': return order < 0;
    case '>': return order > 0;
    case '<=': return order <= 0;
    case '>=': return order >= 0;
  }
}

/** Orders records by the ORDER BY items; ties keep the store's order (Array#sort is stable). */
function sortRecords(records: SandboxRecord[], orderBy: Array<OrderItem<ResolvedField>>, context: SoqlContext): SandboxRecord[] {
  const keyed = records.map((record) => ({
    record,
    keys: orderBy.map(({ field }) => {
      const value = valueOf(record, field, context);
      return isNull(value) ? undefined : comparable(value, sortDomain(field.describe, value));
    }),
  }));
  keyed.sort((a, b) => {
    for (const [i, item] of orderBy.entries()) {
      const order = compareSortKeys(a.keys[i], b.keys[i], item);
      if (order !== 0) return order;
    }
    return 0;
  });
  return keyed.map(({ record }) => record);
}

function compareSortKeys(a: string | number | boolean | undefined, b: string | number | boolean | undefined, item: OrderItem<ResolvedField>): number {
  if (a === undefined || b === undefined) {
    if (a === b) return 0;
    // Where nulls go does not flip with DESC: NULLS FIRST/LAST says it outright.
    return (a === undefined) === item.nullsFirst ? -1 : 1;
  }
  const order = a < b ? -1 : a > b ? 1 : 0;
  return item.descending ? -order : order;
}

// ---------------------------------------------------------------------------------------------
// Rows

function attributesOf(type: string, id: string, version: string): { type: string; url: string } {
  return { type, url: `/services/data/v${version}/sobjects/${type}/${id}` };
}

/**
 * A result row: `attributes`, then each selected field under its describe name, parents nested as
 * Salesforce nests them (`Account: { attributes, Name, Owner: { attributes, Name } }`, or
 * `Account: null` when the reference is empty). Unset fields are `null`.
 */
function projectRow(record: SandboxRecord, object: string, fields: ResolvedField[], context: SoqlContext, version: string): Record<string, unknown> {
  const row: Record<string, unknown> = { attributes: attributesOf(object, record.Id, version) };
  for (const field of fields) {
    let target = row;
    let current = record;
    let reached = true;
    for (const hop of field.hops) {
      const key = hop.relationshipName!;
      const existing = target[key];
      if (existing === null) { reached = false; break; }
      const parent = parentOf(current, hop, context);
      if (!parent) { target[key] = null; reached = false; break; }
      if (existing === undefined) {
        const type = context.describe(parent.object)?.name ?? parent.object;
        target[key] = { attributes: attributesOf(type, parent.record.Id, version) };
      }
      target = target[key] as Record<string, unknown>;
      current = parent.record;
    }
    if (reached) target[field.name] = leafValue(current, field) ?? null;
  }
  return row;
}
