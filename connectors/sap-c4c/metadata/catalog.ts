/**
 * Parley's object catalog (src/connectors/destination.ts, ObjectCatalog) derived from C4C's
 * `$metadata`: one object per entity set Parley writes, its fields from the entity type's properties.
 * Creatable/updatable come from the SAP annotations `sap:creatable`/`sap:updatable` (SAP's
 * "SAP Annotations for OData Version 2.0": absent means true); deletable from the set's `sap:deletable`.
 */
import { readFileSync } from 'node:fs';
import type { CatalogField, CatalogObject, ObjectCatalog } from '../../../src/connectors/index.ts';
import { CHILD_NODES, LOOKUP_PATHS, LOOKUP_REFERENCES, UUID_REFERENCES } from '../object-model.ts';
import { EdmxReadError, readEdmx, type EdmEntityType, type EdmModel, type EdmProperty } from './edmx-reader.ts';

/** The real c4codataapi metadata (2021 tenant, namespace `c4codata`), as shipped in this folder. */
export const METADATA_FILE = new URL('./c4codataapi-metadata.xml', import.meta.url);

/** The entity sets Parley writes, or reads for matching (IndividualCustomer, Contact), by the entity type behind each. */
export const PARLEY_ENTITY_SETS = {
  SocialMediaActivity: 'SocialMediaActivityCollection',
  SocialMediaUserProfile: 'SocialMediaUserProfileCollection',
  ServiceRequest: 'ServiceRequestCollection',
  IndividualCustomer: 'IndividualCustomerCollection',
  Contact: 'ContactCollection',
} as const;

let cached: { xml: string; model: EdmModel } | undefined;

/** The shipped metadata's text and model, read once. */
export function shippedMetadata(): { xml: string; model: EdmModel } {
  if (!cached) {
    const xml = readFileSync(METADATA_FILE, 'utf8');
    cached = { xml, model: readEdmx(xml) };
  }
  return cached;
}

const VALUE_TYPES: Readonly<Record<string, CatalogField['valueType']>> = {
  'Edm.String': 'string', 'Edm.Guid': 'string', 'Edm.Boolean': 'boolean',
  'Edm.Int16': 'integer', 'Edm.Int32': 'integer', 'Edm.Int64': 'integer', 'Edm.Byte': 'integer', 'Edm.SByte': 'integer',
  'Edm.Decimal': 'number', 'Edm.Double': 'number', 'Edm.Single': 'number',
  'Edm.DateTime': 'datetime', 'Edm.DateTimeOffset': 'datetime',
};

const flag = (value: string | undefined) => value !== 'false';

/** One property as a catalog field: `valueType` from its Edm type (`Edm.Time` and complex types are `other`). */
export function catalogField(property: EdmProperty, keys: readonly string[]): CatalogField {
  const { attributes } = property;
  // The key is server-assigned in C4C (reference §2, "Writes": a given ObjectID is ignored).
  const createable = flag(attributes['sap:creatable']) && !keys.includes(property.name);
  return {
    name: property.name,
    label: attributes['sap:label'] ?? property.name,
    vendorType: property.type,
    valueType: VALUE_TYPES[property.type] ?? 'other',
    ...(property.maxLength !== undefined && property.type === 'Edm.String' ? { length: property.maxLength } : {}),
    // C4C marks almost nothing non-nullable among creatable fields; what it needs is business logic [unconfirmed].
    required: createable && !property.nullable,
    nillable: property.nullable,
    createable,
    updateable: flag(attributes['sap:updatable']) && !keys.includes(property.name),
    upsertKey: false, // OData v2 has no upsert (reference §6).
  };
}

/** Properties of a child node a mapping never writes: its keys and server stamps. */
const CHILD_SERVER_FIELDS = new Set(['ObjectID', 'ParentObjectID', 'ETag', 'EntityLastChangedOn']);

/**
 * The fields of an entity type as Parley sees them (object-model.ts): its own properties, the
 * `…UUID` references typed as references, the child nodes' properties as `<Navigation>/<Property>`,
 * and the look-up paths and references (neither createable nor updateable: a match key, or a record waited for).
 * @throws EdmxReadError when a child navigation named in CHILD_NODES has no target type in the metadata
 */
export function objectFields(model: EdmModel, type: EdmEntityType): CatalogField[] {
  const references = UUID_REFERENCES[type.name] ?? {};
  const fields = type.properties.map((p) => {
    const field = catalogField(p, type.keys);
    const referenceTo = references[p.name];
    return referenceTo ? { ...field, valueType: 'reference' as const, referenceTo: [...referenceTo] } : field;
  });
  for (const navigation of CHILD_NODES[type.name] ?? []) {
    const target = type.navigationTargets.get(navigation);
    const child = target ? model.entityTypes.get(target.type) : undefined;
    if (!child) throw new EdmxReadError(`the metadata has no child node ${navigation} of ${type.name}`);
    for (const p of child.properties) {
      if (CHILD_SERVER_FIELDS.has(p.name)) continue;
      const field = catalogField(p, child.keys);
      fields.push({ ...field, name: `${navigation}/${p.name}`, label: `${navigation}: ${field.label}`, required: false });
    }
  }
  for (const path of LOOKUP_PATHS[type.name] ?? []) {
    fields.push({ name: path, label: `${path} (look-up only)`, vendorType: 'Edm.String', valueType: 'string', required: false, nillable: true, createable: false, updateable: false, upsertKey: false });
  }
  for (const [name, referenceTo] of Object.entries(LOOKUP_REFERENCES[type.name] ?? {})) {
    fields.push({ name, label: `${name} (waited for, never written)`, vendorType: 'Edm.String', valueType: 'reference', referenceTo: [...referenceTo], required: false, nillable: true, createable: false, updateable: false, upsertKey: false });
  }
  return fields;
}

/**
 * The catalog of the given entity sets (default: the ones Parley uses), in that order.
 * @throws EdmxReadError when a set or its type is missing from the metadata (a corrupt shipped file)
 */
export function deriveCatalog(model: EdmModel, sets: readonly string[] = Object.values(PARLEY_ENTITY_SETS)): ObjectCatalog {
  const objects: CatalogObject[] = sets.map((setName) => {
    const set = model.entitySets.get(setName);
    const type = set ? model.entityTypes.get(set.entityType) : undefined;
    if (!set || !type) throw new EdmxReadError(`the metadata has no entity set ${setName} with its type`);
    return {
      name: type.name,
      label: set.attributes['sap:label'] ?? type.name,
      createable: flag(set.attributes['sap:creatable']),
      updateable: flag(set.attributes['sap:updatable']),
      deletable: flag(set.attributes['sap:deletable']),
      fields: objectFields(model, type),
    };
  });
  return { objects };
}
