/**
 * A small reader of OData v2 EDMX (CSDL 2.0) metadata: entity types with their key, properties
 * (Name, Type, Nullable, MaxLength, SAP annotations) and navigations, and the entity sets that expose
 * them. It scans tags with regular expressions instead of a full XML parser: the input is one fixed,
 * trusted file shipped in this folder (c4codataapi-metadata.xml), whose tags are one per line, with
 * double-quoted attributes and no CDATA or entities inside the parts read (README.md says why no
 * maintained parser). Anything it does not understand is skipped, never guessed.
 */

/** One `<Property>` of an entity type. `attributes` keeps every attribute as written (`sap:creatable`…). */
export interface EdmProperty {
  name: string;
  /** `Edm.String`, `Edm.Guid`, `Edm.DateTimeOffset`… */
  type: string;
  nullable: boolean;
  /** Characters; undefined when the metadata gives none. */
  maxLength?: number;
  attributes: Readonly<Record<string, string>>;
}

/** Where one `<NavigationProperty>` leads, from its `<Association>`: the target type (no namespace) and its multiplicity (`1`, `0..1`, `*`). */
export interface EdmNavigationTarget {
  type: string;
  multiplicity: string;
}

/**
 * One `<EntityType>`: its key property names, properties in declared order, navigation names, and
 * each navigation's target when its association is in the document.
 */
export interface EdmEntityType {
  name: string;
  /** The start tag's attributes as written (`c4c:parent-entity-type` marks a child node). */
  attributes: Readonly<Record<string, string>>;
  keys: string[];
  properties: EdmProperty[];
  navigations: string[];
  navigationTargets: ReadonlyMap<string, EdmNavigationTarget>;
}

/** One `<EntitySet>`: `entityType` without the namespace; `attributes` as written (`sap:deletable`…). */
export interface EdmEntitySet {
  name: string;
  entityType: string;
  attributes: Readonly<Record<string, string>>;
}

/** What the reader returns: the schema namespace (`c4codata`), types and sets by name. */
export interface EdmModel {
  namespace: string;
  entityTypes: ReadonlyMap<string, EdmEntityType>;
  entitySets: ReadonlyMap<string, EdmEntitySet>;
}

/** Attributes of one start tag's text (`Name="x" sap:creatable="true"`), entity references decoded. */
export function readAttributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of tag.matchAll(/([A-Za-z_][\w:.-]*)="([^"]*)"/g)) out[match[1]!] = decodeXml(match[2]!);
  return out;
}

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (_m, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name]!);
}

/**
 * Reads the entity types and sets of an EDMX document.
 * @throws EdmxReadError when there is no `<Schema Namespace="…">` (not an EDMX document)
 */
export function readEdmx(xml: string): EdmModel {
  const schema = /<Schema\b([^>]*)>/.exec(xml);
  const namespace = schema ? readAttributes(schema[1]!).Namespace : undefined;
  if (!namespace) throw new EdmxReadError('no <Schema Namespace="…"> element: not an EDMX document');
  const associations = readAssociations(xml, namespace);
  const entityTypes = new Map<string, EdmEntityType>();
  for (const match of xml.matchAll(/<EntityType\b([^>]*)>([\s\S]*?)<\/EntityType>/g)) {
    const typeAttributes = readAttributes(match[1]!);
    const name = typeAttributes.Name;
    if (!name) continue;
    const body = match[2]!;
    const keys = [...(/<Key>([\s\S]*?)<\/Key>/.exec(body)?.[1] ?? '').matchAll(/<PropertyRef\b([^>]*)\/>/g)]
      .map((m) => readAttributes(m[1]!).Name).filter((n): n is string => Boolean(n));
    const properties: EdmProperty[] = [];
    for (const p of body.matchAll(/<Property\b([^>]*?)\/?>/g)) {
      const attributes = readAttributes(p[1]!);
      if (!attributes.Name || !attributes.Type) continue;
      const maxLength = attributes.MaxLength !== undefined && /^\d+$/.test(attributes.MaxLength) ? Number(attributes.MaxLength) : undefined;
      properties.push({ name: attributes.Name, type: attributes.Type, nullable: attributes.Nullable !== 'false', ...(maxLength !== undefined ? { maxLength } : {}), attributes });
    }
    const navigationTags = [...body.matchAll(/<NavigationProperty\b([^>]*?)\/?>/g)].map((m) => readAttributes(m[1]!)).filter((a) => Boolean(a.Name));
    const navigations = navigationTags.map((a) => a.Name!);
    const navigationTargets = new Map<string, EdmNavigationTarget>();
    for (const a of navigationTags) {
      const end = a.Relationship && a.ToRole ? associations.get(a.Relationship.replace(`${namespace}.`, ''))?.get(a.ToRole) : undefined;
      if (end) navigationTargets.set(a.Name!, end);
    }
    entityTypes.set(name, { name, attributes: typeAttributes, keys, properties, navigations, navigationTargets });
  }
  const entitySets = new Map<string, EdmEntitySet>();
  for (const match of xml.matchAll(/<EntitySet\b([^>]*?)\/?>/g)) {
    const attributes = readAttributes(match[1]!);
    if (!attributes.Name || !attributes.EntityType) continue;
    entitySets.set(attributes.Name, { name: attributes.Name, entityType: attributes.EntityType.replace(`${namespace}.`, ''), attributes });
  }
  return { namespace, entityTypes, entitySets };
}

/** Association name → role → the end's type (namespace removed) and multiplicity. */
function readAssociations(xml: string, namespace: string): Map<string, Map<string, EdmNavigationTarget>> {
  const associations = new Map<string, Map<string, EdmNavigationTarget>>();
  for (const match of xml.matchAll(/<Association\b([^>]*)>([\s\S]*?)<\/Association>/g)) {
    const name = readAttributes(match[1]!).Name;
    if (!name) continue;
    const ends = new Map<string, EdmNavigationTarget>();
    for (const end of match[2]!.matchAll(/<End\b([^>]*?)\/?>/g)) {
      const a = readAttributes(end[1]!);
      if (a.Role && a.Type && a.Multiplicity) ends.set(a.Role, { type: a.Type.replace(`${namespace}.`, ''), multiplicity: a.Multiplicity });
    }
    associations.set(name, ends);
  }
  return associations;
}

/** The metadata text is not an EDMX document the reader understands. */
export class EdmxReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EdmxReadError';
  }
}
