/**
 * ADF `describe` (../shared/reference/oracle-cx.md §1): `GET <root>/<resource>/describe` →
 * `{"Resources":{"<resource>":{…attributes, collection, item, children}}}`, built from the attribute
 * tables. LOV attributes name their lookup but carry no values (the real one points at a lookup
 * resource), so clients cannot read codes from here.
 */
import { DEFAULT_LIMIT } from './collection.ts';
import type { AttributeSpec, ResourceSpec } from './resource-model.ts';

/** One attribute as describe lists it. */
export function describeAttribute(attribute: AttributeSpec): Record<string, unknown> {
  const allowChanges = attribute.allowChanges ?? 'always';
  const described: Record<string, unknown> = {
    name: attribute.name, type: attribute.type, updatable: allowChanges === 'always', mandatory: attribute.mandatory === true,
    queryable: true, allowChanges, title: attribute.title,
  };
  if (attribute.maxLength !== undefined) Object.assign(described, { precision: attribute.maxLength, maxLength: String(attribute.maxLength) });
  if (attribute.lov) described.lov = { childRef: attribute.lov.lookup, valueAttribute: 'LookupCode', displayAttribute: 'Meaning' };
  if (attribute.description) described.annotations = { description: attribute.description };
  return described;
}

/** A resource (or child) described, its links under `href` (the collection URL). */
export function describeResource(resource: ResourceSpec, href: string): Record<string, unknown> {
  const itemActions = [
    ...(resource.methods.includes('GET') ? [{ name: 'get', method: 'GET', responseType: ['application/json', 'application/vnd.oracle.adf.resourceitem+json'] }] : []),
    ...(resource.methods.includes('PATCH') ? [{ name: 'update', method: 'PATCH', requestType: ['application/vnd.oracle.adf.resourceitem+json'] }] : []),
    ...(resource.methods.includes('DELETE') ? [{ name: 'delete', method: 'DELETE' }] : []),
  ];
  const collectionActions = [
    { name: 'get', method: 'GET', responseType: ['application/json', 'application/vnd.oracle.adf.resourcecollection+json'] },
    ...(resource.methods.includes('POST') ? [{ name: 'create', method: 'POST', requestType: ['application/vnd.oracle.adf.resourceitem+json'] }] : []),
  ];
  const described: Record<string, unknown> = {
    discrColumnType: false, title: resource.title, titlePlural: resource.titlePlural,
    attributes: resource.attributes.map(describeAttribute),
    collection: {
      rangeSize: DEFAULT_LIMIT,
      finders: [{ name: 'PrimaryKey', attributes: [{ name: resource.key, type: resource.attributes.find((a) => a.name === resource.key)?.type ?? 'string', updatable: false, mandatory: true, queryable: false }] }],
      links: [{ rel: 'self', href, name: 'self', kind: 'collection' }],
      actions: collectionActions,
    },
    item: { links: [{ rel: 'self', href: `${href}/{id}`, name: 'self', kind: 'item' }], actions: itemActions },
  };
  const children = Object.entries(resource.children ?? {});
  if (children.length > 0) {
    described.children = Object.fromEntries(children.map(([name, child]) => [name, describeResource(child, `${href}/{id}/child/${name}`)]));
  }
  return described;
}

/** The describe document of `resources` (one resource, or all from the version root's `describe`). */
export function describeDocument(resources: readonly ResourceSpec[], root: string): Record<string, unknown> {
  return { Resources: Object.fromEntries(resources.map((r) => [r.name, describeResource(r, `${root}/${r.name}`)])) };
}
