/**
 * An item as the pod answers it (../shared/reference/oracle-cx.md §2): every attribute of the
 * resource in table order (null when unset), then `links` — `self` carrying
 * `properties.changeIndicator` (the ETag), `canonical`, and the child and enclosure links the
 * resource has — unless `onlyData`. `fields` narrows the attributes.
 */
import { OracleCxError } from './errors.ts';
import type { ResourceSpec } from './resource-model.ts';
import type { StoredRecord } from './record-store.ts';

/** How to show items: `fields` (undefined: all) and `onlyData` (no links). */
export interface ItemShape {
  fields: readonly string[] | undefined;
  onlyData: boolean;
}

/** A link of an item or collection. */
export interface Link {
  rel: string;
  href: string;
  name: string;
  kind: 'item' | 'collection' | 'describe' | 'other';
  properties?: { changeIndicator: string };
}

/**
 * The item shape a request's `fields` and `onlyData` ask for.
 * @throws OracleCxError 400 when `fields` names an attribute the resource does not have
 */
export function itemShape(resource: ResourceSpec, query: URLSearchParams): ItemShape {
  const raw = query.get('fields');
  // `fields=A,B;Child:X` narrows children too; only the resource's own part is honoured here.
  const fields = raw === null ? undefined : raw.split(';')[0]!.split(',').map((f) => f.trim()).filter((f) => f !== '');
  for (const field of fields ?? []) {
    if (!resource.attributes.some((a) => a.name === field)) {
      throw new OracleCxError(400, `The fields parameter is invalid: ${field} is not an attribute of the resource ${resource.name}.`, { errorCode: 'OAS-BAD-FIELDS' });
    }
  }
  return { fields, onlyData: query.get('onlyData') === 'true' };
}

/** The links of the item at `href`. */
export function itemLinks(resource: ResourceSpec, record: StoredRecord, href: string): Link[] {
  const links: Link[] = [
    { rel: 'self', href, name: resource.name, kind: 'item', properties: { changeIndicator: record.changeIndicator } },
    { rel: 'canonical', href, name: resource.name, kind: 'item' },
  ];
  for (const child of Object.keys(resource.children ?? {})) links.push({ rel: 'child', href: `${href}/child/${child}`, name: child, kind: 'collection' });
  for (const lob of resource.enclosures ?? []) links.push({ rel: 'enclosure', href: `${href}/enclosure/${lob}`, name: lob, kind: 'other' });
  return links;
}

/** A stored row as the JSON item at `href`. */
export function renderItem(resource: ResourceSpec, record: StoredRecord, href: string, shape: ItemShape): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const attribute of resource.attributes) {
    if (shape.fields && !shape.fields.includes(attribute.name)) continue;
    item[attribute.name] = record.values[attribute.name] ?? null;
  }
  if (!shape.onlyData) item.links = itemLinks(resource, record, href);
  return item;
}
