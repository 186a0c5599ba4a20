/**
 * `q` under REST-Framework-Version 2 and later: expressions (../shared/reference/oracle-cx.md §2),
 * `A = 'x' and (B = 'y' or C IN ('p','q'))`. Operators: `=`, `<>`, `!=`, `<`, `>`, `<=`, `>=`,
 * `LIKE` (`%` wildcard), `IN (…)`, `BETWEEN a AND b`, `IS [NOT] NULL`, each but `IS` negatable with
 * `NOT`; `and`, `or`, `not`, parentheses. Strings in single quotes (`''` is a quote), numbers bare,
 * `true`/`false`. Keywords in any case. The v1 form (`A=v;B=w`, bare words) is a 400.
 */
import { OracleCxError } from './errors.ts';
import type { AttributeSpec, ResourceSpec } from './resource-model.ts';
import { compareValue, holds, queryAttribute, wildcardRegExp, type Literal, type Predicate } from './query-values.ts';

type Token = { kind: 'word' | 'string' | 'number' | 'op' | '(' | ')' | ','; text: string };

const bad = (q: string, why: string) => new OracleCxError(400, `The query ${q} is invalid: ${why}.`, { errorCode: 'OAS-BAD-QUERY' });

/** Splits an expression into tokens. @throws OracleCxError 400 on a `;` (the v1 form) or a stray character */
export function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === ';') throw bad(q, '";" separates query-by-example clauses, which REST-Framework-Version 2 and later do not accept; join conditions with and');
    if (c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= q.length) throw bad(q, 'a quoted string is not closed');
        if (q[i] === "'") {
          if (q[i + 1] === "'") { text += "'"; i += 2; continue; }
          i++;
          break;
        }
        text += q[i++];
      }
      tokens.push({ kind: 'string', text });
      continue;
    }
    const rest = q.slice(i);
    const op = /^(<>|!=|<=|>=|=|<|>)/.exec(rest);
    if (op) { tokens.push({ kind: 'op', text: op[1]! }); i += op[1]!.length; continue; }
    const number = /^-?\d+(\.\d+)?(?![A-Za-z_])/.exec(rest);
    if (number) { tokens.push({ kind: 'number', text: number[0] }); i += number[0].length; continue; }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (word) { tokens.push({ kind: 'word', text: word[0] }); i += word[0].length; continue; }
    if (c === '(' || c === ')' || c === ',') { tokens.push({ kind: c, text: c }); i++; continue; }
    throw bad(q, `unexpected character ${c}`);
  }
  return tokens;
}

/**
 * Compiles an expression `q` against `resource`.
 * @throws OracleCxError 400 for a syntax error, the v1 form, or an unknown attribute
 */
export function compileExpression(q: string, resource: ResourceSpec): Predicate {
  const tokens = tokenize(q);
  let at = 0;
  const peek = () => tokens[at];
  const isWord = (word: string, token = peek()) => token?.kind === 'word' && token.text.toLowerCase() === word;
  const take = () => { const token = tokens[at++]; if (!token) throw bad(q, 'it ends too early'); return token; };
  const expect = (kind: Token['kind']) => { const token = take(); if (token.kind !== kind) throw bad(q, `expected ${kind} but found ${token.text}`); return token; };

  const literal = (): Literal => {
    const token = take();
    if (token.kind === 'string') return token.text;
    if (token.kind === 'number') return Number(token.text);
    if (isWord('true', token)) return true;
    if (isWord('false', token)) return false;
    throw bad(q, `${token.text} is not a value (quote strings: '${token.text}')`);
  };

  const comparison = (): Predicate => {
    const name = expect('word').text;
    const attribute = queryAttribute(resource, name);
    const value = (values: Readonly<Record<string, unknown>>) => values[name];
    if (isWord('is')) {
      take();
      const negated = isWord('not') ? (take(), true) : false;
      if (!isWord('null')) throw bad(q, 'IS must be followed by NULL or NOT NULL');
      take();
      return (values) => (value(values) === null || value(values) === undefined) !== negated;
    }
    const negated = isWord('not') ? (take(), true) : false;
    const test = condition(attribute, value);
    return negated ? (values) => value(values) !== null && value(values) !== undefined && !test(values) : test;
  };

  const condition = (attribute: AttributeSpec, value: (values: Readonly<Record<string, unknown>>) => unknown): Predicate => {
    const token = take();
    if (token.kind === 'op') {
      const right = literal();
      return (values) => holds(token.text, compareValue(attribute, value(values), right));
    }
    if (isWord('like', token)) {
      const pattern = wildcardRegExp(String(literal()), '%');
      return (values) => value(values) !== null && value(values) !== undefined && pattern.test(String(value(values)));
    }
    if (isWord('in', token)) {
      expect('(');
      const list = [literal()];
      while (peek()?.kind === ',') { take(); list.push(literal()); }
      expect(')');
      return (values) => list.some((item) => compareValue(attribute, value(values), item) === 0);
    }
    if (isWord('between', token)) {
      const low = literal();
      if (!isWord('and')) throw bad(q, 'BETWEEN needs AND');
      take();
      const high = literal();
      return (values) => holds('>=', compareValue(attribute, value(values), low)) && holds('<=', compareValue(attribute, value(values), high));
    }
    throw bad(q, `${token.text} is not an operator`);
  };

  const primary = (): Predicate => {
    if (isWord('not')) { take(); const inner = primary(); return (values) => !inner(values); }
    if (peek()?.kind === '(') { take(); const inner = or(); expect(')'); return inner; }
    return comparison();
  };
  const and = (): Predicate => {
    const parts = [primary()];
    while (isWord('and')) { take(); parts.push(primary()); }
    return parts.length === 1 ? parts[0]! : (values) => parts.every((p) => p(values));
  };
  const or = (): Predicate => {
    const parts = [and()];
    while (isWord('or')) { take(); parts.push(and()); }
    return parts.length === 1 ? parts[0]! : (values) => parts.some((p) => p(values));
  };

  const predicate = or();
  if (at < tokens.length) throw bad(q, `unexpected ${tokens[at]!.text}`);
  return predicate;
}
