/**
 * A collection GET (../shared/reference/oracle-cx.md §2): `q` (QBE under framework version 1,
 * expressions from 2), `finder` (only `PrimaryKey;<key>=<value>` is simulated), `orderBy=A:desc,B`,
 * `limit` (default 25, clamped to config `maxLimit`), `offset`, `totalResults=true`. Answers the
 * envelope `items/count/hasMore/limit/offset/links` (+ `totalResults` when asked).
 */
import { OracleCxError } from './errors.ts';
import type { ResourceSpec } from './resource-model.ts';
import type { StoredRecord } from './record-store.ts';
import { compileExpression } from './query-expression.ts';
import { compileQbe } from './query-qbe.ts';
import { compareValue, queryAttribute, type Predicate } from './query-values.ts';

/** `limit` when the request gives none (§2). */
export const DEFAULT_LIMIT = 25;

const badParameter = (name: string, value: string) => new OracleCxError(400, `The value ${value} of the query parameter ${name} is not valid.`, { errorCode: 'OAS-BAD-PARAMETER' });

/** A non-negative integer query parameter, or `fallback` when absent. @throws OracleCxError 400 */
function integerParameter(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw badParameter(name, raw);
  return Number(raw);
}

/** The filter of `q` (by framework version) and `finder`. @throws OracleCxError 400 */
export function compileFilter(resource: ResourceSpec, query: URLSearchParams, version: number): Predicate {
  const tests: Predicate[] = [];
  const q = query.get('q');
  if (q !== null && q.trim() !== '') tests.push(version === 1 ? compileQbe(q, resource) : compileExpression(q, resource));
  const finder = query.get('finder');
  if (finder !== null) {
    const [name = '', variables = ''] = finder.split(/;(.*)/s);
    if (name !== 'PrimaryKey') throw new OracleCxError(400, `The finder ${name} is not defined for the resource ${resource.name}.`, { errorCode: 'OAS-BAD-FINDER' });
    for (const pair of variables.split(',').filter((p) => p !== '')) {
      const [variable = '', value = ''] = pair.split(/=(.*)/s);
      if (variable !== resource.key) throw new OracleCxError(400, `The finder PrimaryKey has no variable ${variable}.`, { errorCode: 'OAS-BAD-FINDER' });
      tests.push((values) => String(values[variable]) === value);
    }
  }
  return (values) => tests.every((test) => test(values));
}

/** Sorts rows by `orderBy` (`A:desc,B:asc`; nulls last); stable. @throws OracleCxError 400 for an unknown attribute */
export function sortRows(resource: ResourceSpec, rows: StoredRecord[], orderBy: string | null): StoredRecord[] {
  if (!orderBy) return rows;
  const keys = orderBy.split(',').map((part) => {
    const [name = '', direction = 'asc'] = part.trim().split(':');
    if (direction !== 'asc' && direction !== 'desc') throw badParameter('orderBy', orderBy);
    return { attribute: queryAttribute(resource, name), sign: direction === 'desc' ? -1 : 1 };
  });
  return [...rows].sort((a, b) => {
    for (const { attribute, sign } of keys) {
      const x = a.values[attribute.name];
      const y = b.values[attribute.name];
      if (x === y) continue;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      const order = compareValue(attribute, x, y as string | number | boolean) ?? 0;
      if (order !== 0) return order * sign;
    }
    return 0;
  });
}

/**
 * Filters, sorts and pages `rows`, and builds the envelope around the page's rendered items.
 * @throws OracleCxError 400 for a bad `q`, `finder`, `orderBy`, `limit` or `offset`
 */
export function collectionAnswer(input: {
  resource: ResourceSpec; rows: readonly StoredRecord[]; query: URLSearchParams; version: number; maxLimit: number;
  href: string; onlyData: boolean; render: (row: StoredRecord) => Record<string, unknown>;
}): Record<string, unknown> {
  const { resource, query } = input;
  const filter = compileFilter(resource, query, input.version);
  const matching = sortRows(resource, input.rows.filter((row) => filter(row.values)), query.get('orderBy'));
  const limit = Math.min(integerParameter(query, 'limit', DEFAULT_LIMIT), input.maxLimit);
  const offset = integerParameter(query, 'offset', 0);
  const page = matching.slice(offset, offset + limit);
  const body: Record<string, unknown> = {
    items: page.map(input.render), count: page.length, hasMore: offset + page.length < matching.length, limit, offset,
  };
  if (query.get('totalResults') === 'true') body.totalResults = matching.length;
  if (!input.onlyData) body.links = [{ rel: 'self', href: input.href, name: resource.name, kind: 'collection' }];
  return body;
}
