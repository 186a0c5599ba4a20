import { TABLES, type AttributeDef, type TableDef } from './tables.ts';

/**
 * The sandbox's table definitions in the Web API's two shapes: `EntityDefinitions` JSON (the
 * properties "Query table definitions using the Web API" shows; derived types add `MaxLength`) and
 * a small `$metadata` CSDL document ("Web API service documents": EntityType with Key, Property and
 * NavigationProperty, an EntityContainer of EntitySets).
 */

const label = (text: string) => ({ UserLocalizedLabel: { Label: text, LanguageCode: 1033 }, LocalizedLabels: [{ Label: text, LanguageCode: 1033 }] });

const LOOKUP = new Set(['Lookup', 'Customer']);

/** `EntityDefinitions(LogicalName='…')` with Attributes, Keys and ManyToOneRelationships expanded. */
export function entityDefinition(table: TableDef, metadataUrl: string): Record<string, unknown> {
  return {
    '@odata.context': `${metadataUrl}#EntityDefinitions/$entity`,
    MetadataId: metadataId(table.logicalName),
    LogicalName: table.logicalName,
    SchemaName: table.logicalName,
    EntitySetName: table.entitySet,
    PrimaryIdAttribute: table.primaryId,
    PrimaryNameAttribute: table.primaryName,
    DisplayName: label(table.label),
    Attributes: table.attributes.map((a) => attributeDefinition(table, a)),
    Keys: table.keys.map((k) => ({ LogicalName: k.name, SchemaName: k.name, KeyAttributes: k.attributes, EntityKeyIndexStatus: 'Active' })),
    ManyToOneRelationships: table.attributes.flatMap((a) => (a.targets ?? []).map((t) => ({
      SchemaName: `${t.table}_${table.logicalName}_${a.name}`,
      ReferencedEntity: t.table,
      ReferencedAttribute: TABLES.find((x) => x.logicalName === t.table)?.primaryId,
      ReferencingEntity: table.logicalName,
      ReferencingAttribute: a.name,
      ReferencingEntityNavigationPropertyName: t.nav,
    }))),
  };
}

function attributeDefinition(table: TableDef, a: AttributeDef): Record<string, unknown> {
  return {
    '@odata.type': `#Microsoft.Dynamics.CRM.${a.type === 'Customer' ? 'Lookup' : a.type}AttributeMetadata`,
    LogicalName: a.name,
    SchemaName: a.name,
    EntityLogicalName: table.logicalName,
    AttributeType: a.type,
    AttributeOf: null,
    DisplayName: label(a.label),
    RequiredLevel: { Value: a.required ?? 'None', CanBeChanged: a.required !== 'SystemRequired' },
    IsValidForCreate: a.create ?? true,
    IsValidForUpdate: a.update ?? true,
    IsValidForRead: true,
    ...(a.maxLength !== undefined ? { MaxLength: a.maxLength } : {}),
    ...(LOOKUP.has(a.type) ? { Targets: (a.targets ?? []).map((t) => t.table) } : {}),
  };
}

const EDM: Record<string, string> = {
  String: 'Edm.String', Memo: 'Edm.String', Integer: 'Edm.Int32', Double: 'Edm.Double', Boolean: 'Edm.Boolean',
  DateTime: 'Edm.DateTimeOffset', Picklist: 'Edm.Int32', State: 'Edm.Int32', Uniqueidentifier: 'Edm.Guid', Lookup: 'Edm.Guid', Customer: 'Edm.Guid',
};

/** The CSDL of the sandbox's tables: a lookup column appears as `_<name>_value` with its navigation properties. */
export function csdl(): string {
  const types = TABLES.map((t) => {
    const properties = t.attributes.map((a) => (LOOKUP.has(a.type)
      ? `<Property Name="_${a.name}_value" Type="Edm.Guid" />`
      : `<Property Name="${a.name}" Type="${EDM[a.type]}"${a.maxLength !== undefined ? ` MaxLength="${a.maxLength}"` : ''} />`));
    const navigation = t.attributes.flatMap((a) => (a.targets ?? []).map((n) => `<NavigationProperty Name="${n.nav}" Type="mscrm.${n.table}" Nullable="false" />`));
    return `<EntityType Name="${t.logicalName}"><Key><PropertyRef Name="${t.primaryId}" /></Key>${properties.join('')}${navigation.join('')}</EntityType>`;
  });
  const sets = TABLES.map((t) => `<EntitySet Name="${t.entitySet}" EntityType="Microsoft.Dynamics.CRM.${t.logicalName}" />`);
  return '<?xml version="1.0" encoding="utf-8"?>'
    + '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>'
    + '<Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">'
    + `${types.join('')}<EntityContainer Name="System">${sets.join('')}</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`;
}

/** A stable GUID-shaped id per table (metadata ids are GUIDs). */
function metadataId(name: string): string {
  let h = 0;
  for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  const hex = h.toString(16).padStart(8, '0');
  return `${hex}-0000-4000-8000-${hex}0000`;
}
