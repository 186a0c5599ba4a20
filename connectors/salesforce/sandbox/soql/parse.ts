/**
 * Tokens → query tree: the recursive-descent `Parser`, which refuses anything outside the subset
 * with MALFORMED_QUERY. Names are only read here; `resolve.ts` checks them against the describes.
 */
import { SoqlError, malformed } from './api.ts';
import { literalInstant } from './instants.ts';
import { decodeString, likeRegExp, type Token } from './tokenize.ts';

// ---------------------------------------------------------------------------------------------
// Query tree

/** A field as written: `Email` → ['Email'], `Account.Owner.Name` → ['Account', 'Owner', 'Name']. */
export interface FieldRef {
  path: string[];
  text: string;
}

export type Literal =
  | { kind: 'null' }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  /** `instant` is epoch milliseconds (a date is its midnight UTC). */
  | { kind: 'date' | 'datetime'; instant: number; text: string };

export type ComparisonOp = '=' | '!=' | '<' | '>' | '<=' | '>=';
export type SetOp = 'IN' | 'NOT IN' | 'INCLUDES' | 'EXCLUDES';

/** A WHERE condition over field references `F`: as parsed (names), then resolved against the describes. */
export type Condition<F = FieldRef> =
  | { kind: 'and' | 'or'; items: Array<Condition<F>> }
  | { kind: 'not'; item: Condition<F> }
  | { kind: 'compare'; field: F; op: ComparisonOp; value: Literal }
  | { kind: 'like'; field: F; pattern: RegExp }
  | { kind: 'set'; field: F; op: SetOp; values: Literal[] };

export interface OrderItem<F> {
  field: F;
  descending: boolean;
  nullsFirst: boolean;
}

export interface ParsedQuery {
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

/** Deepest parenthesis nesting in a WHERE clause. */
const MAX_NESTING = 100;

/** Recursive descent over the tokens; every method consumes what it parses or throws MALFORMED_QUERY. */
export class Parser {
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
