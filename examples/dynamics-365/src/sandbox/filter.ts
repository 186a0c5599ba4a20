/**
 * The part of OData v4.0 `$filter` the sandbox understands: comparisons `eq` and `ne` of a column
 * with a literal (a quoted string, a number, `true`, `false`, `null` or a GUID), joined with
 * `and` / `or` (`and` binding tighter) and grouped with parentheses. Anything else (functions such
 * as `contains`, other operators) is refused, so a client never mistakes an unsimulated query for
 * an empty answer.
 */

/** A `$filter` the sandbox cannot read (answered 400, as Dataverse answers a query it cannot parse). */
export class FilterError extends Error {
  override readonly name = 'FilterError';
}

type Token = { kind: 'name' | 'literal' | 'op' | 'paren'; value: string | number | boolean | null; text: string };
export type Predicate = (row: Readonly<Record<string, unknown>>) => boolean;

/**
 * Compiles a `$filter` into a predicate over records (columns by name).
 * @throws FilterError naming what it could not read
 */
export function compileFilter(filter: string): Predicate {
  const tokens = tokenize(filter);
  let at = 0;
  const peek = () => tokens[at];
  const next = () => tokens[at++];
  const expression = (): Predicate => {
    let left = conjunction();
    while (peek()?.text === 'or') { next(); const right = conjunction(); const l = left; left = (row) => l(row) || right(row); }
    return left;
  };
  const conjunction = (): Predicate => {
    let left = comparison();
    while (peek()?.text === 'and') { next(); const right = comparison(); const l = left; left = (row) => l(row) && right(row); }
    return left;
  };
  const comparison = (): Predicate => {
    const first = next();
    if (first?.text === '(') {
      const inner = expression();
      if (next()?.text !== ')') throw new FilterError('a parenthesis is not closed');
      return inner;
    }
    const op = next();
    const literal = next();
    if (first?.kind !== 'name' || (op?.text !== 'eq' && op?.text !== 'ne') || literal?.kind !== 'literal') {
      throw new FilterError(`expected "<column> eq|ne <literal>" near ${JSON.stringify(first?.text ?? 'the end')}`);
    }
    const column = String(first.value);
    const wanted = literal.value;
    const equal = (row: Readonly<Record<string, unknown>>) => same(row[column], wanted);
    return op.text === 'eq' ? equal : (row) => !equal(row);
  };
  const predicate = expression();
  if (at !== tokens.length) throw new FilterError(`unexpected ${JSON.stringify(tokens[at]!.text)}`);
  return predicate;
}

function same(actual: unknown, wanted: string | number | boolean | null): boolean {
  if (wanted === null) return actual === null || actual === undefined;
  // Dataverse compares strings without regard to case (its collation is case-insensitive).
  if (typeof wanted === 'string' && typeof actual === 'string') return actual.toLowerCase() === wanted.toLowerCase();
  return actual === wanted;
}

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < filter.length) {
    const ch = filter[i]!;
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === '(' || ch === ')') { tokens.push({ kind: 'paren', value: ch, text: ch }); i++; continue; }
    if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= filter.length) throw new FilterError('a string literal is not closed');
        if (filter[i] === "'") {
          if (filter[i + 1] === "'") { value += "'"; i += 2; continue; }
          i++;
          break;
        }
        value += filter[i++];
      }
      tokens.push({ kind: 'literal', value, text: `'${value}'` });
      continue;
    }
    const word = /^[A-Za-z0-9_.:+-]+/.exec(filter.slice(i))?.[0];
    if (!word) throw new FilterError(`unexpected ${JSON.stringify(ch)}`);
    i += word.length;
    if (['eq', 'ne', 'and', 'or'].includes(word)) tokens.push({ kind: 'op', value: word, text: word });
    else if (word === 'true' || word === 'false') tokens.push({ kind: 'literal', value: word === 'true', text: word });
    else if (word === 'null') tokens.push({ kind: 'literal', value: null, text: word });
    else if (/^-?\d+(\.\d+)?$/.test(word)) tokens.push({ kind: 'literal', value: Number(word), text: word });
    else if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(word)) tokens.push({ kind: 'literal', value: word.toLowerCase(), text: word });
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(word)) tokens.push({ kind: 'name', value: word, text: word });
    else throw new FilterError(`${JSON.stringify(word)} is not something the sandbox's $filter reads (eq/ne, and/or, literals)`);
  }
  return tokens;
}
