/**
 * `$orderby` (reference §2): `Prop [asc|desc]` pairs, comma-separated. Dates compare by their epoch ms,
 * null sorts first ascending (where C4C puts nulls is [unconfirmed]).
 */
import type { EdmEntityType } from '../metadata/edmx-reader.ts';
import { fromODataDate } from '../odata/json.ts';
import { ODataRequestError } from './entity-codec.ts';
import type { StoredEntity } from './entity-store.ts';

/**
 * The rows sorted by `orderby`, a new array (the sort is stable: ties keep insertion order).
 * @throws ODataRequestError 400 for an unknown property or direction
 */
export function sortRows(rows: Array<[string, StoredEntity]>, orderby: string, type: EdmEntityType): Array<[string, StoredEntity]> {
  const keys = orderby.split(',').map((part) => {
    const [name = '', direction = 'asc'] = part.trim().split(/\s+/);
    if (!type.properties.some((p) => p.name === name)) throw new ODataRequestError(400, `Property '${name}' in $orderby is invalid`);
    if (!/^(asc|desc)$/i.test(direction)) throw new ODataRequestError(400, `Invalid $orderby direction ${direction}`);
    return { name, sign: direction.toLowerCase() === 'desc' ? -1 : 1 };
  });
  const value = (e: StoredEntity, name: string) => { const v = e.properties[name]; return v === undefined ? null : v; };
  return [...rows].sort(([, a], [, b]) => {
    for (const { name, sign } of keys) {
      const x = value(a, name);
      const y = value(b, name);
      if (x === y) continue;
      if (x === null) return -sign;
      if (y === null) return sign;
      const [u, v] = [fromODataDate(x) ?? x, fromODataDate(y) ?? y];
      if (typeof u === 'number' && typeof v === 'number') return (u - v) * sign;
      return (String(u) < String(v) ? -1 : 1) * sign;
    }
    return 0;
  });
}
