import { randomUUID } from 'node:crypto';
import type { FaultRule, FaultSpec } from 'parley/sdk';
import { API_PATH, isGuid } from '../odata.ts';
import { compileFilter, FilterError } from './filter.ts';
import { csdl, entityDefinition } from './metadata.ts';
import type { RecordStore, Row } from './record-store.ts';
import { TABLES, tableBy, type AttributeDef, type TableDef } from './tables.ts';

/** One Web API request, from a route or from inside a `$batch`. Header names lower-case. */
export interface ApiRequest {
  method: string;
  /** The path below `/api/data/v9.2/`, percent-decoded, without the query. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What a request's call brings: a per-record fault the kit drew for it, and the `_faults` rules. */
export interface CallContext {
  fault?: FaultSpec;
  ruleFor: (table: string, record: Readonly<Record<string, unknown>>) => FaultRule | undefined;
}

const JSON_TYPE = 'application/json; odata.metadata=minimal';

/** An OData error answer, `{ "error": { "code", "message" } }`. */
export function errorResponse(status: number, code: string, message: string, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { 'content-type': JSON_TYPE, 'odata-version': '4.0', ...headers }, body: JSON.stringify({ error: { code, message } }) };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { 'content-type': JSON_TYPE, 'odata-version': '4.0', ...headers }, body: JSON.stringify(body) };
}

class Refused extends Error {
  readonly response: ApiResponse;
  constructor(response: ApiResponse) { super(response.body); this.response = response; }
}
const refuse = (status: number, code: string, message: string): never => { throw new Refused(errorResponse(status, code, message)); };

/**
 * The Web API over the sandbox's records: `WhoAmI`, `$metadata`, `EntityDefinitions`, and per
 * entity set GET (one record or a query with `$filter`, `$select`, `$top`), POST (create), PATCH
 * (update or upsert, by id or alternate key, `If-Match`/`If-None-Match: *`) and DELETE. Wire
 * facts: "Create", "Retrieve", "Query data", "Update and delete table rows", "Use Upsert",
 * "Perform conditional operations" (learn.microsoft.com/power-apps/developer/data-platform/webapi/).
 */
export class WebApi {
  readonly #store: RecordStore;
  readonly #orgUrl: () => string;
  readonly #userId = randomUUID();

  constructor(store: RecordStore, orgUrl: () => string) {
    this.#store = store;
    this.#orgUrl = orgUrl;
  }

  execute(request: ApiRequest, call: CallContext): ApiResponse {
    try {
      return this.#route(request, call);
    } catch (error) {
      if (error instanceof Refused) return error.response;
      if (error instanceof FilterError) return errorResponse(400, '0x80060888', `Invalid $filter: ${error.message}`);
      throw error;
    }
  }

  #route(request: ApiRequest, call: CallContext): ApiResponse {
    const base = `${this.#orgUrl()}${API_PATH}`;
    const { method, path } = request;
    if (path === 'WhoAmI' || path === 'WhoAmI()') {
      return json(200, { '@odata.context': `${base}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`, BusinessUnitId: this.#userId, UserId: this.#userId, OrganizationId: this.#userId });
    }
    if (path === '$metadata') return { status: 200, headers: { 'content-type': 'application/xml', 'odata-version': '4.0' }, body: csdl() };
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?$/.exec(path);
    if (!match) return refuse(404, '0x80060888', `Resource not found for the segment '${path}'.`);
    const [, segment, key] = match;
    if (segment === 'EntityDefinitions') return this.#definitions(base, key, request.query);
    const table = tableBy({ entitySet: segment! });
    if (!table) return refuse(404, '0x80060888', `Resource not found for the segment '${segment}'.`);
    if (key === undefined) {
      if (method === 'GET') return this.#query(base, table, request.query);
      if (method === 'POST') return this.#create(base, table, request, call);
      return refuse(405, '0x80060888', `The HTTP method '${method}' is not allowed on the entity set '${table.entitySet}'.`);
    }
    const parsed = parseKey(table, key);
    const found = this.#find(table, parsed);
    if (method === 'GET') {
      if (!found) return notFound(table, parsed);
      return json(200, { '@odata.context': `${base}/$metadata#${table.entitySet}/$entity`, ...represent(found[1], request.query) });
    }
    if (method === 'PATCH') return this.#patch(base, table, parsed, found, request, call);
    if (method === 'DELETE') {
      if (call.fault) return refuse(call.fault.status, call.fault.errorCode, call.fault.message);
      if (!found) return notFound(table, parsed);
      this.#store.rows(table.logicalName).delete(found[0]);
      return { status: 204, headers: { 'odata-version': '4.0' }, body: '' };
    }
    return refuse(405, '0x80060888', `The HTTP method '${method}' is not allowed on a ${table.logicalName} record.`);
  }

  #definitions(base: string, key: string | undefined, query: URLSearchParams): ApiResponse {
    const metadata = `${base}/$metadata`;
    if (key !== undefined) {
      const name = /^LogicalName='([^']*)'$/.exec(key)?.[1];
      const table = name === undefined ? undefined : tableBy({ logicalName: name });
      if (!table) return refuse(404, '0x80060888', `Could not find entity with key ${key}.`);
      return json(200, entityDefinition(table, metadata));
    }
    const filter = query.get('$filter');
    const predicate = filter ? compileFilter(filter) : () => true;
    const rows = TABLES.map((t) => entityDefinition(t, metadata)).filter((d) => predicate(d));
    const select = selected(query);
    return json(200, { '@odata.context': `${metadata}#EntityDefinitions`, value: rows.map((d) => (select ? pick(d, [...select, 'MetadataId']) : d)) });
  }

  #query(base: string, table: TableDef, query: URLSearchParams): ApiResponse {
    const filter = query.get('$filter');
    const predicate = filter ? compileFilter(filter) : () => true;
    const top = query.has('$top') ? Number(query.get('$top')) : 5000;
    const rows = [...this.#store.rows(table.logicalName).values()].filter((row) => predicate(row)).slice(0, top);
    const select = selected(query);
    return json(200, { '@odata.context': `${base}/$metadata#${table.entitySet}${select ? `(${select.join(',')})` : ''}`, value: rows.map((row) => represent(row, query)) });
  }

  #create(base: string, table: TableDef, request: ApiRequest, call: CallContext): ApiResponse {
    const body = parseBody(request.body);
    const id = typeof body[table.primaryId] === 'string' && isGuid(body[table.primaryId] as string) ? (body[table.primaryId] as string).toLowerCase() : randomUUID();
    const row = this.#write(table, { [table.primaryId]: id }, body, 'create', call);
    this.#insert(table, id, row);
    return written(base, table, id, row, request, 201);
  }

  #patch(base: string, table: TableDef, key: ParsedKey, found: [string, Row] | undefined, request: ApiRequest, call: CallContext): ApiResponse {
    const ifMatch = request.headers['if-match'];
    const ifNoneMatch = request.headers['if-none-match'];
    if (!found && ifMatch === '*') return notFound(table, key);
    if (found && ifNoneMatch === '*') return refuse(412, '0x80040237', 'A record with matching key values already exists.');
    const body = parseBody(request.body);
    if (found) {
      // The key's columns are dropped from an update by key ("Use Upsert": you can't change a key through itself).
      if ('values' in key) for (const column of Object.keys(key.values)) delete body[column];
      const row = this.#write(table, found[1], body, 'update', call);
      this.#store.rows(table.logicalName).set(found[0], row);
      return written(base, table, found[0], row, request, 200, request.path);
    }
    // Upsert that creates: the key's values are copied into the record unless the body sets them.
    const id = 'id' in key ? key.id : randomUUID();
    const start: Row = { [table.primaryId]: id, ...('values' in key ? key.values : {}) };
    const row = this.#write(table, start, body, 'create', call);
    this.#insert(table, id, row);
    return written(base, table, id, row, request, 201, request.path);
  }

  /** Applies a write body to `start`, column by column, as Dataverse validates it. */
  #write(table: TableDef, start: Row, body: Record<string, unknown>, mode: 'create' | 'update', call: CallContext): Row {
    if (call.fault) refuse(call.fault.status, call.fault.errorCode, call.fault.message);
    const row: Row = { ...start };
    for (const [name, value] of Object.entries(body)) {
      if (name.endsWith('@odata.bind')) { this.#bind(table, row, name.slice(0, -'@odata.bind'.length), value); continue; }
      if (name.startsWith('@') || name.includes('@odata.')) continue;
      const attribute = table.attributes.find((a) => a.name === name);
      if (!attribute || attribute.type === 'Lookup' || attribute.type === 'Customer') {
        refuse(400, '0x80048d19', `Error identified in Payload provided by the user for Entity :'${table.entitySet}' ----> InnerException : Microsoft.OData.ODataException: The property '${name}' does not exist on type 'Microsoft.Dynamics.CRM.${table.logicalName}'. Make sure to only use property names that are defined by the type or mark the type as open type.`);
      }
      // A column not valid for this operation is left as it is [unconfirmed: Dataverse ignores it].
      if (mode === 'create' ? attribute!.create === false : attribute!.update === false) continue;
      check(table, attribute!, value);
      row[name] = value;
    }
    const rule = call.ruleFor(table.logicalName, row);
    if (rule) refuse(400, rule.errorCode, rule.message);
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (mode === 'create') row.createdon = now;
    row.modifiedon = now;
    return row;
  }

  #bind(table: TableDef, row: Row, nav: string, value: unknown): void {
    const attribute = table.attributes.find((a) => a.targets?.some((t) => t.nav === nav));
    const target = attribute?.targets?.find((t) => t.nav === nav);
    if (!attribute || !target) return refuse(400, '0x80048d19', `An undeclared property '${nav}' which only has property annotations in the payload but no property value was found in the payload.`);
    if (value === null) { row[`_${attribute.name}_value`] = null; return; }
    const reference = /^\/?([A-Za-z_][A-Za-z0-9_]*)\(([0-9a-fA-F-]{36})\)$/.exec(typeof value === 'string' ? value.replace(/^.*\/api\/data\/v9\.\d\//, '') : '');
    const targetTable = tableBy({ logicalName: target.table })!;
    if (!reference || reference[1] !== targetTable.entitySet) return refuse(400, '0x80048d19', `The value of '${nav}@odata.bind' must be a URL of a ${target.table} record (/${targetTable.entitySet}(<id>)).`);
    const id = reference[2]!.toLowerCase();
    if (!this.#store.rows(target.table).has(id)) return refuse(404, '0x80040217', `${target.table} With Id = ${id} Does Not Exist`);
    row[`_${attribute.name}_value`] = id;
  }

  #insert(table: TableDef, id: string, row: Row): void {
    const rows = this.#store.rows(table.logicalName);
    for (const key of table.keys) {
      const clash = [...rows.values()].some((other) => key.attributes.every((a) => row[a] !== undefined && row[a] !== null && sameValue(other[a], row[a])));
      if (clash) refuse(412, '0x80040237', `A record that has the attribute values ${key.attributes.join(', ')} already exists. The entity key ${key.name} requires that this set of attributes contains unique values.`);
    }
    rows.set(id, row);
  }

  #find(table: TableDef, key: ParsedKey): [string, Row] | undefined {
    const rows = this.#store.rows(table.logicalName);
    if ('id' in key) {
      const row = rows.get(key.id);
      return row ? [key.id, row] : undefined;
    }
    return [...rows].find(([, row]) => Object.entries(key.values).every(([column, value]) => sameValue(row[column], value)));
  }
}

type ParsedKey = { id: string } | { values: Record<string, string | number> };

/** `(guid)` or `(column='value',other=2)`; an alternate key must be one the table defines. */
function parseKey(table: TableDef, text: string): ParsedKey {
  if (isGuid(text)) return { id: text.toLowerCase() };
  const values: Record<string, string | number> = {};
  const pair = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*('(?:[^']|'')*'|-?\d+(?:\.\d+)?)\s*(?:,|$)/y;
  let at = 0;
  while (at < text.length) {
    pair.lastIndex = at;
    const m = pair.exec(text);
    if (!m) return refuse(400, '0x80060888', `Bad Request - Error in query syntax: the key (${text}) cannot be read.`);
    values[m[1]!] = m[2]!.startsWith("'") ? m[2]!.slice(1, -1).replace(/''/g, "'") : Number(m[2]);
    at = pair.lastIndex;
  }
  const columns = Object.keys(values).sort().join(',');
  if (!table.keys.some((k) => [...k.attributes].sort().join(',') === columns)) {
    return refuse(400, '0x80060888', `The key attributes (${columns}) are not an alternate key of ${table.logicalName}. Its keys: ${table.keys.map((k) => k.attributes.join('+')).join(', ') || 'none'}.`);
  }
  return { values };
}

function notFound(table: TableDef, key: ParsedKey): ApiResponse {
  return 'id' in key
    ? errorResponse(404, '0x80040217', `${table.logicalName} With Id = ${key.id} Does Not Exist`)
    : errorResponse(404, '0x80060891', `A record with the specified key values does not exist in ${table.logicalName} entity`);
}

/** A successful write: 204 with `OData-EntityId`, or with `Prefer: return=representation` the record (201 created, 200 updated). */
function written(base: string, table: TableDef, id: string, row: Row, request: ApiRequest, representStatus: 200 | 201, requestedPath?: string): ApiResponse {
  // An upsert by alternate key names the record by that key, as it was asked ("Use Upsert", Web API).
  const entityId = `${base}/${requestedPath ?? `${table.entitySet}(${id})`}`;
  if (/return=representation/.test(request.headers.prefer ?? '')) {
    return json(representStatus, { '@odata.context': `${base}/$metadata#${table.entitySet}/$entity`, ...represent(row, request.query) }, { 'preference-applied': 'return=representation', 'odata-entityid': entityId });
  }
  return { status: 204, headers: { 'odata-version': '4.0', 'odata-entityid': entityId, location: entityId }, body: '' };
}

function represent(row: Row, query: URLSearchParams): Row {
  const select = selected(query);
  const version = String(Date.parse(String(row.modifiedon ?? 0)) || 1);
  return { '@odata.etag': `W/"${version}"`, ...(select ? pick(row, select) : row) };
}

function selected(query: URLSearchParams): string[] | undefined {
  const select = query.get('$select');
  return select ? select.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
}

function pick(row: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter((n) => n in row).map((n) => [n, row[n]]));
}

function parseBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { return refuse(400, '0x80048d19', 'Error identified in Payload provided by the user: the body is not JSON.'); }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return refuse(400, '0x80048d19', 'Error identified in Payload provided by the user: the body is not a JSON object.');
  return { ...parsed as Record<string, unknown> };
}

/** Type and length of one column's value, with Dataverse's validation errors. */
function check(table: TableDef, attribute: AttributeDef, value: unknown): void {
  if (value === null) return;
  const payload = (expected: string) => refuse(400, '0x80048d19', `Error identified in Payload provided by the user for Entity :'${table.entitySet}' ----> InnerException : Microsoft.OData.ODataException: Cannot convert the literal '${String(value).slice(0, 40)}' to the expected type '${expected}'.`);
  switch (attribute.type) {
    case 'String': case 'Memo':
      if (typeof value !== 'string') return payload('Edm.String');
      if (attribute.maxLength !== undefined && value.length > attribute.maxLength) {
        return refuse(400, '0x80044331', `A validation error occurred.  The length of the '${attribute.name}' attribute of the '${table.logicalName}' entity exceeded the maximum allowed length of '${attribute.maxLength}'.`);
      }
      return;
    case 'Integer': case 'Picklist': case 'State':
      if (typeof value !== 'number' || !Number.isInteger(value)) return payload('Edm.Int32');
      if (attribute.options && !attribute.options.includes(value)) {
        return refuse(400, '0x8004431A', `A validation error occurred. The value ${value} of '${attribute.name}' on record of type '${table.logicalName}' is outside the valid range. Accepted Values: ${attribute.options.join(',')}`);
      }
      return;
    case 'Double': if (typeof value !== 'number') payload('Edm.Double'); return;
    case 'Boolean': if (typeof value !== 'boolean') payload('Edm.Boolean'); return;
    case 'DateTime': if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) payload('Edm.DateTimeOffset'); return;
    default: return;
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : a === b;
}
