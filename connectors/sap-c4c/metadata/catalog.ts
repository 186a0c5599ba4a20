/**
 * Parley's object catalog (src/connectors/destination.ts, ObjectCatalog) derived from C4C's
 * `$metadata`: one object per entity set Parley writes, its fields from the entity type's properties.
 * Creatable/updatable come from the SAP annotations `sap:creatable`/`sap:updatable` (SAP's
 * "SAP Annotations for OData Version 2.0": absent means true); deletable from the set's `sap:deletable`.
 */
import { readFileSync } from 'node:fs';
import type { CatalogField, CatalogObject, ObjectCatalog } from '../../../src/connectors/index.ts';
import { EdmxReadError, readEdmx, type EdmModel, type EdmProperty } from './edmx-reader.ts';

/** The real c4codataapi metadata (2021 tenant, namespace `c4codata`), as shipped in this folder. */
export const METADATA_FILE = new URL('./c4codataapi-metadata.xml', import.meta.url);

/** The entity sets Parley writes or reads for matching, by the entity type behind each. */
export const PARLEY_ENTITY_SETS = {
  SocialMediaActivity: 'SocialMediaActivityCollection',
  SocialMediaUserProfile: 'SocialMediaUserProfileCollection',
  ServiceRequest: 'ServiceRequestCollection',
  IndividualCustomer: 'IndividualCustomerCollection',
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

/**
 * The catalog of the given entity sets (default: the four Parley uses), in that order.
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
      fields: type.properties.map((p) => catalogField(p, type.keys)),
    };
  });
  return { objects };
}
