import type { CatalogField, CatalogObject } from '../../src/connectors/index.ts';

/** The parts of a Salesforce describe (`GET /sobjects/{Object}/describe`) the catalog reads. */
export interface DescribeResult {
  name: string;
  label: string;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  fields: Array<{
    name: string; label: string; type: string; length?: number; nillable: boolean; createable: boolean; updateable: boolean;
    defaultedOnCreate?: boolean; externalId?: boolean; idLookup?: boolean; referenceTo?: string[] | null;
    picklistValues?: Array<{ value: string; active: boolean }> | null; restrictedPicklist?: boolean;
  }>;
}

const TEXT_TYPES = new Set(['string', 'textarea', 'picklist', 'multipicklist', 'combobox', 'url', 'email', 'phone', 'encryptedstring']);

/** A value type for mappings, from Salesforce's field type (SOAP API Developer Guide, "Field Types"). */
export function valueTypeOf(type: string): CatalogField['valueType'] {
  if (TEXT_TYPES.has(type)) return 'string';
  switch (type) {
    case 'int': return 'integer';
    case 'double': case 'currency': case 'percent': return 'number';
    case 'boolean': return 'boolean';
    case 'datetime': return 'datetime';
    case 'date': return 'date';
    case 'reference': case 'id': return 'reference';
    default: return 'other';
  }
}

/**
 * Turns a describe into the vendor-neutral catalog entry. Required on create means
 * `nillable: false && createable && !defaultedOnCreate`; an upsert key is an `externalId` or
 * `idLookup` field (reference §2).
 */
export function toCatalogObject(describe: DescribeResult): CatalogObject {
  return {
    name: describe.name,
    label: describe.label,
    createable: describe.createable,
    updateable: describe.updateable,
    deletable: describe.deletable,
    fields: describe.fields.map((f): CatalogField => {
      const picklist = f.picklistValues && f.picklistValues.length > 0
        ? { values: f.picklistValues.filter((p) => p.active).map((p) => p.value), restricted: f.restrictedPicklist === true }
        : undefined;
      return {
        name: f.name,
        label: f.label,
        vendorType: f.type,
        valueType: valueTypeOf(f.type),
        ...(TEXT_TYPES.has(f.type) && f.length ? { length: f.length } : {}),
        required: !f.nillable && f.createable && !f.defaultedOnCreate,
        nillable: f.nillable,
        createable: f.createable,
        updateable: f.updateable,
        upsertKey: f.externalId === true || f.idLookup === true,
        ...(picklist ? { picklist } : {}),
        ...(f.referenceTo && f.referenceTo.length > 0 ? { referenceTo: f.referenceTo } : {}),
      };
    }),
  };
}
