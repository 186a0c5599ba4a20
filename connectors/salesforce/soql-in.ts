/**
 * Splitting a look-up of many values into SOQL `IN` queries that Salesforce accepts. A query goes
 * in the URL (`GET /services/data/vXX.X/query?q=…`, REST API Developer Guide, "Query"), and "the
 * maximum length for the combined URI and headers is 16,384 bytes" (431/414 past it; Salesforce
 * Help 000386264); a SOQL statement holds at most 100,000 characters (Salesforce Developer Limits,
 * "SOQL and SOSL Limits"). The URL budget is the tighter one: a chunk's encoded query stays under
 * `MAX_QUERY_URL_CHARS`, leaving the rest for the path and headers (the bearer token, ~120 bytes).
 */

/** Most values in one `IN` list: one query per 100 records looked up (issue 17's budget). */
export const MAX_IN_VALUES = 100;

/** Most characters of the URL-encoded SOQL in one query (of the 16,384 bytes of URI + headers). */
export const MAX_QUERY_URL_CHARS = 12_000;

/** A SOQL string literal: quoted, with `\`, `'` and line breaks escaped (SOQL and SOSL Reference, "Quoted String Escape Sequences"). */
export function soqlLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

/**
 * The SOQL queries looking up `values` of `field` on `object`: `SELECT Id, <field> FROM <object>
 * WHERE <field> IN (…) ORDER BY CreatedDate`, each with at most `maxValues` distinct values and an
 * encoded length under `maxUrlChars` (a single value longer than that still gets its own query).
 * Names must be plain API names (letters, digits, `_`): they are not escapable in SOQL.
 * @throws Error when `object` or `field` is not a Salesforce API name
 */
export function lookupQueries(object: string, field: string, values: readonly string[], limits: { maxValues?: number; maxUrlChars?: number } = {}): string[] {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(object) || !/^[A-Za-z][A-Za-z0-9_]*$/.test(field)) throw new Error(`not a Salesforce name: ${object}.${field}`);
  const maxValues = limits.maxValues ?? MAX_IN_VALUES;
  const maxUrlChars = limits.maxUrlChars ?? MAX_QUERY_URL_CHARS;
  const head = `SELECT Id, ${field} FROM ${object} WHERE ${field} IN (`;
  const tail = ') ORDER BY CreatedDate';
  const fixed = encodeURIComponent(head + tail).length;
  const queries: string[] = [];
  let chunk: string[] = [];
  let size = fixed;
  const flush = () => { if (chunk.length > 0) queries.push(head + chunk.join(', ') + tail); chunk = []; size = fixed; };
  for (const value of new Set(values)) {
    const literal = soqlLiteral(value);
    // Joined by ", ": 6 characters encoded (%2C%20).
    const encoded = encodeURIComponent(literal).length;
    if (chunk.length >= maxValues || (chunk.length > 0 && size + 6 + encoded > maxUrlChars)) flush();
    size += encoded + (chunk.length > 0 ? 6 : 0);
    chunk.push(literal);
  }
  flush();
  return queries;
}
