/**
 * Entities on the wire: a request body checked against the entity type (known properties, `sap:creatable`
 * / `sap:updatable`, Edm types, MaxLength; reference §2 "Writes"), and a stored entity written as C4C
 * does, with `__metadata { uri, type, etag }`, `__deferred` navigations and `$select`.
 */
import type { EdmEntityType, EdmModel, EdmProperty } from '../metadata/edmx-reader.ts';
import { fromODataDate, toODataDate, weakEtag, type JsonObject } from '../odata/json.ts';
import type { StoredEntity } from './entity-store.ts';

/** A request the sandbox refuses with an OData error body. */
export class ODataRequestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ODataRequestError';
    this.status = status;
  }
}

const GUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

/** A property value from a request as stored: dates as `/Date(ms)/` (ISO text accepted), GUIDs upper-cased. */
function coerce(property: EdmProperty, value: unknown): unknown {
  if (value === null) {
    if (!property.nullable) throw new ODataRequestError(400, `Property '${property.name}' cannot be null`);
    return null;
  }
  const bad = () => new ODataRequestError(400, `Property '${property.name}' has an invalid value for ${property.type}`);
  switch (property.type) {
    case 'Edm.String':
      if (typeof value !== 'string') throw bad();
      if (property.maxLength !== undefined && value.length > property.maxLength) throw new ODataRequestError(400, `Property '${property.name}' is longer than ${property.maxLength} characters`);
      return value;
    case 'Edm.Guid':
      if (typeof value !== 'string' || !GUID.test(value)) throw bad();
      return value.toUpperCase();
    case 'Edm.Boolean':
      if (typeof value !== 'boolean') throw bad();
      return value;
    case 'Edm.DateTime':
    case 'Edm.DateTimeOffset': {
      const ms = fromODataDate(value) ?? (typeof value === 'string' ? Date.parse(value) : Number.NaN);
      if (Number.isNaN(ms)) throw bad();
      return toODataDate(ms);
    }
    case 'Edm.Decimal':
    case 'Edm.Int64':
      // v2 JSON writes these as strings; numbers are accepted too.
      if (typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))) return String(value);
      throw bad();
    case 'Edm.Int16':
    case 'Edm.Int32':
    case 'Edm.Byte':
    case 'Edm.Double':
      if (typeof value !== 'number') throw bad();
      return value;
    default:
      return value;
  }
}

/**
 * The properties and deep-insert children of a create (`mode: 'create'`) or update body.
 * `ObjectID` is ignored on create; `ETag` and `…CodeText` on update (reference §2).
 * @throws ODataRequestError 400 for an unknown property, a non-creatable/updatable one, a bad value
 */
export function readBody(type: EdmEntityType, body: unknown, mode: 'create' | 'update'): { properties: JsonObject; children: Record<string, JsonObject[]> } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ODataRequestError(400, 'The request body must be a JSON object');
  const properties: JsonObject = {};
  const children: Record<string, JsonObject[]> = {};
  for (const [name, value] of Object.entries(body as JsonObject)) {
    if (name === '__metadata') continue;
    if (type.navigations.includes(name)) {
      // A to-one child node may be deep-inserted as one object; a to-many one as an array.
      const rows: unknown[] = Array.isArray(value) ? value : [value];
      if (mode !== 'create' || !rows.every((row) => typeof row === 'object' && row !== null && !Array.isArray(row))) {
        throw new ODataRequestError(400, `Navigation property '${name}' can only be deep-inserted on create, as an array of objects`);
      }
      children[name] = rows as JsonObject[];
      continue;
    }
    const property = type.properties.find((p) => p.name === name);
    if (!property) throw new ODataRequestError(400, `Property '${name}' is invalid`);
    if (mode === 'create' && name === 'ObjectID') continue;
    if (mode === 'update' && (name === 'ETag' || name.endsWith('CodeText'))) continue;
    const allowed = property.attributes[mode === 'create' ? 'sap:creatable' : 'sap:updatable'] !== 'false';
    if (!allowed) throw new ODataRequestError(400, `Property '${name}' cannot be ${mode === 'create' ? 'set on create' : 'changed'}`);
    properties[name] = coerce(property, value);
  }
  return { properties, children };
}

/** What `writeEntity` needs to build URIs: the service root URL and the model. */
export interface EntityContext {
  serviceRoot: string;
  model: EdmModel;
}

/** The weak ETag of a stored entity (reference §2). */
export const etagOf = (entity: StoredEntity) => weakEtag(entity.changedAt);

/** An expanded navigation's rows, already written; `many` for a `*` end (`{results:[…]}`), else the one row or null. */
export interface Expanded {
  many: boolean;
  rows: JsonObject[];
}

/**
 * A stored entity as C4C writes it: `__metadata`, then its properties (all, or `select`), with every
 * navigation `__deferred` unless `expanded` holds it (reference §2).
 */
export function writeEntity(context: EntityContext, set: string, id: string, entity: StoredEntity, options: { select?: readonly string[]; expanded?: ReadonlyMap<string, Expanded> } = {}): JsonObject {
  const typeName = context.model.entitySets.get(set)!.entityType;
  const type = context.model.entityTypes.get(typeName)!;
  const uri = `${context.serviceRoot}${set}('${id}')`;
  const out: JsonObject = { __metadata: { uri, type: `${context.model.namespace}.${typeName}`, etag: etagOf(entity) } };
  // `Nav/Prop` in $select names an expanded row's property and selects the navigation itself.
  const wanted = (name: string) => !options.select || options.select.some((s) => s === name || s === '*' || s.startsWith(`${name}/`));
  for (const property of type.properties) if (wanted(property.name)) out[property.name] = entity.properties[property.name] ?? null;
  for (const navigation of type.navigations) {
    if (!wanted(navigation)) continue;
    const expanded = options.expanded?.get(navigation);
    out[navigation] = !expanded ? { __deferred: { uri: `${uri}/${navigation}` } } : expanded.many ? { results: expanded.rows } : expanded.rows[0] ?? null;
  }
  return out;
}
