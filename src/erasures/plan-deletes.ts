import type { WrittenRecord } from '../store/erasure-store.ts';
import type { NewOperation } from '../store/store.ts';

/**
 * The CRM deletes of an erasure, one per record Parley wrote for the person: records that point
 * at others first (posts, messages), the identities' own records (personas, profiles: the record
 * whose key is the identity's key) last, each keeping its record key and natural key so the
 * dispatcher finds its CRM id as for any delete. A record written without a key is deleted by its
 * CRM id: it gets the key `erased:<crmId>`, and `fields.$crmId` asks the store to link it. Pure.
 */
export function planDeletes(erasureId: string, records: readonly WrittenRecord[], newId: () => string): NewOperation[] {
  const own = (r: WrittenRecord) => r.recordKey === r.identity;
  const ordered = [...records.filter((r) => !own(r)), ...records.filter(own)];
  return ordered.map((r) => {
    const recordKey = r.recordKey ?? (r.crmId !== undefined ? `erased:${r.crmId}` : undefined);
    return {
      id: newId(), eventId: `erasure:${erasureId}`, mappingId: 'erasure', destination: r.destination, object: r.object, operation: 'delete',
      ...(r.matchKey !== undefined ? { matchKey: r.matchKey } : {}), ...(r.matchValue !== undefined ? { matchValue: r.matchValue } : {}),
      ...(recordKey !== undefined ? { recordKey } : {}),
      orderingKey: `${r.destination}:${r.identity}`,
      fields: r.crmId !== undefined ? { $crmId: r.crmId } : {},
      references: [],
    };
  });
}
