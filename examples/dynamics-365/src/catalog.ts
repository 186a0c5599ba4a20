import type { CatalogField, CatalogObject } from 'parley/sdk';

/**
 * A table's definition as the Web API answers `EntityDefinitions(LogicalName='…')` with
 * `$expand=Attributes,Keys,ManyToOneRelationships` ("Query table definitions using the Web API",
 * learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api). Only the
 * properties read here are typed; derived attribute types add theirs (`MaxLength` on strings).
 */
export interface EntityDefinition {
  LogicalName: string;
  EntitySetName: string;
  PrimaryIdAttribute: string;
  DisplayName?: Label;
  Attributes?: AttributeDefinition[];
  Keys?: Array<{ LogicalName?: string; KeyAttributes?: string[] }>;
  ManyToOneRelationships?: Array<{ ReferencingAttribute?: string; ReferencedEntity?: string; ReferencingEntityNavigationPropertyName?: string }>;
}

interface Label { UserLocalizedLabel?: { Label?: string } | null }

export interface AttributeDefinition {
  LogicalName: string;
  AttributeType?: string;
  DisplayName?: Label;
  RequiredLevel?: { Value?: string };
  IsValidForCreate?: boolean;
  IsValidForUpdate?: boolean;
  IsValidForRead?: boolean;
  /** Set on the virtual columns that shadow another (`customeridname` of `customerid`). */
  AttributeOf?: string | null;
  MaxLength?: number | null;
}

/** What the session needs to write a table: where it lives and how its lookups are bound. */
export interface TableInfo {
  logicalName: string;
  entitySet: string;
  primaryId: string;
  /** Single-valued navigation property (`customerid_contact`) → the logical name of the table it points to. */
  navigation: Map<string, string>;
}

const LOOKUP_TYPES = new Set(['Lookup', 'Customer', 'Owner']);

/** How a Dataverse `AttributeType` is written in JSON. */
const VALUE_TYPES: Record<string, CatalogField['valueType']> = {
  String: 'string', Memo: 'string', Uniqueidentifier: 'string', EntityName: 'string',
  Integer: 'integer', BigInt: 'integer', Picklist: 'integer', State: 'integer', Status: 'integer',
  Double: 'number', Decimal: 'number', Money: 'number',
  Boolean: 'boolean', DateTime: 'datetime',
};

/**
 * The catalog object of one table, and the table's write facts. Columns are named by their logical
 * names; a lookup column is offered as its navigation properties (`customerid_contact`,
 * `customerid_account`), the names a write binds with `@odata.bind`, each a `reference` to one table.
 * `ApplicationRequired` columns are `required`: Dataverse enforces them only in its forms, but a
 * record without them is incomplete for the people reading it.
 */
export function catalogObjectOf(definition: EntityDefinition): { object: CatalogObject; table: TableInfo } {
  const attributes = definition.Attributes ?? [];
  const singleKeys = new Set((definition.Keys ?? []).filter((k) => k.KeyAttributes?.length === 1).map((k) => k.KeyAttributes![0]!));
  const byName = new Map(attributes.map((a) => [a.LogicalName, a]));
  const fields: CatalogField[] = [];
  for (const attribute of attributes) {
    if (attribute.AttributeOf || attribute.LogicalName === definition.PrimaryIdAttribute) continue;
    const type = attribute.AttributeType ?? 'Virtual';
    if (LOOKUP_TYPES.has(type) || type === 'Virtual') continue;
    const level = attribute.RequiredLevel?.Value ?? 'None';
    fields.push({
      name: attribute.LogicalName,
      label: labelOf(attribute.DisplayName) ?? attribute.LogicalName,
      vendorType: type,
      valueType: VALUE_TYPES[type] ?? 'other',
      ...(typeof attribute.MaxLength === 'number' && (type === 'String' || type === 'Memo') ? { length: attribute.MaxLength } : {}),
      required: level === 'ApplicationRequired' && attribute.IsValidForCreate === true,
      nillable: level === 'None' || level === 'Recommended',
      createable: attribute.IsValidForCreate === true,
      updateable: attribute.IsValidForUpdate === true,
      upsertKey: singleKeys.has(attribute.LogicalName),
    });
  }
  const navigation = new Map<string, string>();
  for (const relationship of definition.ManyToOneRelationships ?? []) {
    const nav = relationship.ReferencingEntityNavigationPropertyName;
    const lookup = relationship.ReferencingAttribute ? byName.get(relationship.ReferencingAttribute) : undefined;
    if (!nav || !lookup || !relationship.ReferencedEntity || !(lookup.IsValidForCreate || lookup.IsValidForUpdate)) continue;
    navigation.set(nav, relationship.ReferencedEntity);
    fields.push({
      name: nav, label: `${labelOf(lookup.DisplayName) ?? lookup.LogicalName} (${relationship.ReferencedEntity})`,
      vendorType: lookup.AttributeType ?? 'Lookup', valueType: 'reference', required: false, nillable: true,
      createable: lookup.IsValidForCreate === true, updateable: lookup.IsValidForUpdate === true, upsertKey: false,
      referenceTo: [relationship.ReferencedEntity],
    });
  }
  return {
    object: { name: definition.LogicalName, label: labelOf(definition.DisplayName) ?? definition.LogicalName, createable: true, updateable: true, deletable: true, fields },
    table: { logicalName: definition.LogicalName, entitySet: definition.EntitySetName, primaryId: definition.PrimaryIdAttribute, navigation },
  };
}

function labelOf(label: Label | undefined): string | undefined {
  return label?.UserLocalizedLabel?.Label || undefined;
}
