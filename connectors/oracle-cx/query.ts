/**
 * Look-up queries (reference §2, "Query parameters"): the `q` filter in the syntax of the pinned
 * framework version, with `onlyData`, `fields` and `limit`. Pure: the session sends them and
 * follows `hasMore` with `offset`.
 */

/**
 * Longest query string one look-up GET carries, characters after encoding. Oracle documents no URL
 * limit; its front tier (Oracle HTTP Server, like common proxies) refuses request lines past 8 KiB
 * by default [unconfirmed for Fusion pods], so 6,000 leaves room for the host and path.
 */
export const MAX_QUERY_CHARS = 6_000;

/** An attribute name as it goes into the URL unescaped: ADF attribute names are identifiers. */
const ATTRIBUTE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A framework ≥ 2 literal (§2): a number bare when the attribute is numeric, else single-quoted with `''` for a quote. */
export function literal(value: string, numeric: boolean): string {
  return numeric && /^-?\d+(\.\d+)?$/.test(value) ? value : `'${value.replace(/'/g, "''")}'`;
}

/** What a look-up asks for: the attribute compared, the attributes answered, the page size and the extra condition. */
export interface LookupQuery {
  /** The attribute the values are compared with. */
  field: string;
  /** Whether the attribute holds numbers (compared bare under framework ≥ 2). */
  numeric: boolean;
  /** The attributes each item answers with (`fields=`); the compared one is added. */
  select: readonly string[];
  /** Items per page (`limit`). */
  limit: number;
}

/**
 * The query strings (without `?`, before `offset`) that look `values` up on `field`.
 * - Framework ≥ 2: `q=Field IN ('a','b')`, as few as `MAX_QUERY_CHARS` allows.
 * - Framework "1": query-by-example has no IN nor `or` across values (§2), so one `q=Field=value`
 *   per value. Values are bare in QBE: one with `;` (its separator), `*` (its wildcard), a quote or
 *   a parenthesis (read as version 2 syntax, a 400) cannot be said exactly and is left out: asking
 *   would match other records or fail the whole look-up.
 * @throws RangeError when an attribute name is not an identifier (it goes into the URL as it is)
 */
export function lookupQueries(frameworkVersion: string, query: LookupQuery, values: readonly string[]): string[] {
  const select = [...new Set([...query.select, query.field])];
  for (const name of select) if (!ATTRIBUTE.test(name)) throw new RangeError(`not an attribute name: ${name}`);
  const tail = `&onlyData=true&fields=${select.join(',')}&limit=${query.limit}`;
  const unique = [...new Set(values)];
  if (frameworkVersion === '1') {
    return unique.filter((v) => !/[;*'()]/.test(v) && v.trim() !== '').map((v) => `q=${encodeURIComponent(`${query.field}=${v}`)}${tail}`);
  }
  const render = (list: string[]) => `q=${encodeURIComponent(`${query.field} IN (${list.join(',')})`)}${tail}`;
  const queries: string[] = [];
  let list: string[] = [];
  for (const value of unique) {
    const item = literal(value, query.numeric);
    if (list.length > 0 && render([...list, item]).length > MAX_QUERY_CHARS) {
      queries.push(render(list));
      list = [];
    }
    list.push(item);
  }
  if (list.length > 0) queries.push(render(list));
  return queries;
}

/** A collection page (§2): its items and whether more follow. Undefined when the body is not one. */
export function readPage(body: unknown): { items: Record<string, unknown>[]; hasMore: boolean } | undefined {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { items?: unknown }).items)) return undefined;
  const items = ((body as { items: unknown[] }).items).filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null && !Array.isArray(i));
  return { items, hasMore: (body as { hasMore?: unknown }).hasMore === true };
}

/** An attribute's value as Parley compares and keeps ids: strings as they are, numbers in decimal; else undefined. */
export function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
