/**
 * The SOQL subset the Salesforce sandbox answers `GET /query?q=` with: enough for everything jsforce's
 * query builder writes (`find`, `findOne`, `count`, `sort`, `limit`, `skip`) and for the hand-written
 * queries a connector sends.
 *
 *   SELECT <field, Rel.Field, Rel.Rel.Field, … | count()> FROM Object
 *   [WHERE <condition>] [ORDER BY field [ASC|DESC] [NULLS FIRST|LAST], …] [LIMIT n] [OFFSET m]
 *
 * It runs in three steps, each a pure function of its input: `tokenize` + `Parser` (text → query
 * tree, MALFORMED_QUERY; `soql/tokenize.ts`, `soql/parse.ts`), `resolveQuery` (names → describes,
 * INVALID_TYPE / INVALID_FIELD; `soql/resolve.ts`), then filtering, ordering and projection against
 * the records of a `SoqlContext` (`soql/evaluate.ts`).
 *
 * Salesforce's rules kept on purpose, because real queries that break them fail in a real org:
 * AND and OR cannot be mixed without parentheses, NOT only negates a whole (parenthesised or
 * top-level) condition, string literals take only SOQL's escapes, a filter value must be of the
 * field's type (quoted for text and ids, unquoted for numbers, booleans, dates and datetimes).
 */
import type { SoqlContext, SoqlResult } from './soql/api.ts';
import { matches, projectRow, sortRecords } from './soql/evaluate.ts';
import { Parser } from './soql/parse.ts';
import { resolveQuery } from './soql/resolve.ts';
import { tokenize } from './soql/tokenize.ts';

export { SoqlError, type SoqlContext, type SoqlErrorCode, type SoqlResult } from './soql/api.ts';

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
