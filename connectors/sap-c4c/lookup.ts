/**
 * Look-ups by a property's value (reference §2, "Query options"): `$filter` with `eq` clauses joined
 * by `or`, which C4C allows only on one property, exactly the shape needed here.
 */

/** Most values in one look-up: the kit's default and the conformance kit's "one call per 100 values". */
export const MAX_LOOKUP_VALUES = 100;

/**
 * Longest query string one look-up GET carries, characters after encoding. C4C documents no URL limit;
 * SAP's web dispatcher and common proxies refuse request lines past 8 KiB by default [unconfirmed for
 * C4C], so 6,000 leaves room for the host and path. 100 platform message ids (~40 characters each,
 * ~75 once `Field eq '…' or ` is added and encoded) fit in about 7,500: longer lists are split.
 */
export const MAX_QUERY_CHARS = 6_000;

/** An OData v2 string literal: single quotes doubled (`O'Brien` → `'O''Brien'`). */
export function stringLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The query strings (without `?`) that look `values` up on `field`: `$filter=field eq 'a' or field eq 'b'`
 * (with `and <condition>` after the parenthesised list when given) and `$select` of `select`
 * (default `ObjectID,<field>`), as few as `MAX_QUERY_CHARS` allows. No `$top`: with it C4C stops
 * server paging (reference §2, "Paging"), so records beyond it would silently go missing; without it
 * every page comes with `__next`, which the session follows.
 * @throws RangeError when the field or a selected name is not an OData identifier (they go into the URL as they are)
 */
export function lookupQueries(field: string, values: readonly string[], options: { select?: readonly string[]; and?: string } = {}): string[] {
  const select = options.select ?? ['ObjectID', field];
  for (const name of [field, ...select]) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RangeError(`not an OData property name: ${name}`);
  const queries: string[] = [];
  let clauses: string[] = [];
  const render = (list: string[]) => {
    const filter = options.and === undefined ? list.join(' or ') : `(${list.join(' or ')}) and ${options.and}`;
    return `$filter=${encodeURIComponent(filter)}&$select=${select.join(',')}`;
  };
  for (const value of [...new Set(values)]) {
    const clause = `${field} eq ${stringLiteral(value)}`;
    if (clauses.length > 0 && render([...clauses, clause]).length > MAX_QUERY_CHARS) {
      queries.push(render(clauses));
      clauses = [];
    }
    clauses.push(clause);
  }
  if (clauses.length > 0) queries.push(render(clauses));
  return queries;
}
