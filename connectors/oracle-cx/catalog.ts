/**
 * Parley's object catalog (src/connectors/destination.ts, ObjectCatalog) from Oracle's own
 * `describe` of each resource (reference §1: `GET <root>/<resource>/describe`), plus the facts of
 * object-model.ts. `messages` comes from the `children.messages` of serviceRequests' describe.
 */
import type { CatalogField, CatalogObject, ObjectCatalog } from '../../src/connectors/index.ts';
import { LOOKUP_PATHS, LOOKUP_REFERENCES, MESSAGE_PARENT, OPERATIONS, RECORD_KEY, REFERENCES, UPSERT_KEYS, type OracleObject, DELETE_AS_UPDATE } from './object-model.ts';

/** One attribute of an ADF describe (§1), as far as the catalog reads it. */
export interface DescribeAttribute {
  name: string;
  type?: string;
  title?: string;
  updatable?: boolean;
  mandatory?: boolean;
  /** `always`, `create` (settable on create only) or `never` (read-only). */
  allowChanges?: string;
  precision?: number;
  maxLength?: string | number;
}

/** A resource's describe: its attributes, titles and children. */
export interface DescribeResource {
  title?: string;
  titlePlural?: string;
  attributes?: DescribeAttribute[];
  children?: Record<string, DescribeResource>;
}

/** What `describe` answers: `{"Resources":{"<resource>":{…}}}`. */
export interface DescribeDocument {
  Resources?: Record<string, DescribeResource>;
}

const VALUE_TYPES: Readonly<Record<string, CatalogField['valueType']>> = {
  string: 'string', integer: 'integer', number: 'number', boolean: 'boolean', date: 'date', datetime: 'datetime',
};

/**
 * The resource an object's attributes come from, read out of its describe document: the object's
 * own entry, or for `messages` the child of serviceRequests' entry.
 * @throws RangeError when the document does not have it (not a describe of that resource)
 */
export function describedResource(object: OracleObject, document: DescribeDocument): DescribeResource {
  const resource = object === 'messages' ? document.Resources?.serviceRequests?.children?.messages : document.Resources?.[object];
  if (!resource || !Array.isArray(resource.attributes)) throw new RangeError(`the describe document has no ${object === 'messages' ? 'serviceRequests child messages' : object} with attributes`);
  return resource;
}

/** An attribute's length: `maxLength` (a string in ADF's describe) or `precision`, for text only. */
function lengthOf(attribute: DescribeAttribute): number | undefined {
  const declared = Number(attribute.maxLength ?? attribute.precision);
  return attribute.type === 'string' && Number.isInteger(declared) && declared > 0 ? declared : undefined;
}

/**
 * One attribute as a catalog field. Createable unless read-only (`allowChanges: never`, or not
 * updatable without an `allowChanges`); updateable when `updatable` and changes are always allowed
 * and the object has PATCH. The record key is server-assigned: read-only. References and upsert
 * keys as object-model.ts says.
 */
export function catalogField(object: OracleObject, attribute: DescribeAttribute): CatalogField {
  const changes = attribute.allowChanges ?? (attribute.updatable === false ? 'never' : 'always');
  const key = attribute.name === RECORD_KEY[object];
  const createable = !key && changes !== 'never' && OPERATIONS[object].create;
  const updateable = !key && changes === 'always' && attribute.updatable !== false && OPERATIONS[object].update;
  const referenceTo = REFERENCES[object]?.[attribute.name];
  const length = lengthOf(attribute);
  return {
    name: attribute.name,
    label: attribute.title ?? attribute.name,
    vendorType: attribute.type ?? 'unknown',
    valueType: referenceTo ? 'reference' : VALUE_TYPES[attribute.type ?? ''] ?? 'other',
    ...(length !== undefined ? { length } : {}),
    required: createable && attribute.mandatory === true,
    nillable: attribute.mandatory !== true,
    createable,
    updateable,
    upsertKey: UPSERT_KEYS[object]?.[attribute.name] !== undefined,
    // describe names the LOV's lookup, not its values (README.md, "describe"): no picklist.
    ...(referenceTo ? { referenceTo: [...referenceTo] } : {}),
  };
}

/** A field only object-model.ts knows: never in describe. */
function addedField(name: string, label: string, options: Partial<CatalogField>): CatalogField {
  return { name, label, vendorType: 'string', valueType: 'string', required: false, nillable: true, createable: false, updateable: false, upsertKey: false, ...options };
}

/**
 * The catalog object of `object` from its describe document: describe's attributes, then what
 * object-model.ts adds: a message's `SrNumber` (its SR: written into the path, when describe lacks
 * it), the look-up paths (match keys only) and the look-up references (waited for, never written).
 * @throws RangeError when the document does not describe the object
 */
export function catalogObject(object: OracleObject, document: DescribeDocument): CatalogObject {
  const resource = describedResource(object, document);
  const fields = resource.attributes!.map((a) => catalogField(object, a));
  if (object === 'messages' && !fields.some((f) => f.name === MESSAGE_PARENT)) {
    fields.push(addedField(MESSAGE_PARENT, 'Service request (the message\'s parent)', { valueType: 'reference', referenceTo: ['serviceRequests'], createable: true, updateable: true }));
  }
  // On a message, the look-up path names the SR it goes on (its path): taken on create, never sent as an attribute.
  for (const path of LOOKUP_PATHS[object] ?? []) fields.push(addedField(path, `${path} (look-up only)`, object === 'messages' ? { createable: true } : {}));
  for (const [name, referenceTo] of Object.entries(LOOKUP_REFERENCES[object] ?? {})) {
    fields.push(addedField(name, `${name} (waited for, never written)`, { valueType: 'reference', referenceTo: [...referenceTo] }));
  }
  const operations = OPERATIONS[object];
  return {
    name: object,
    label: resource.titlePlural ?? resource.title ?? object,
    createable: operations.create,
    // socialPosts: not updateable (no PATCH), so a mapping writes posts create-only; the session
    // finds a post Oracle already has first (find-or-create), so writing one again changes nothing.
    updateable: operations.update,
    // socialUsers: Oracle has no DELETE; a delete empties the row instead (object-model.ts DELETE_AS_UPDATE).
    deletable: operations.delete || DELETE_AS_UPDATE[object] !== undefined,
    fields,
  };
}

/**
 * The catalog of `objects`, in that order, from their describe documents (`messages` reads the
 * serviceRequests document).
 * @throws RangeError when a document is missing or does not describe its object
 */
export function deriveCatalog(objects: readonly OracleObject[], documents: ReadonlyMap<string, DescribeDocument>): ObjectCatalog {
  return {
    objects: objects.map((object) => {
      const resource = object === 'messages' ? 'serviceRequests' : object;
      const document = documents.get(resource);
      if (!document) throw new RangeError(`no describe of ${resource}`);
      return catalogObject(object, document);
    }),
  };
}
