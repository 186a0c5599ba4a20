import type { Statements } from './statements.ts';

// What the dispatcher reads of records already written (Store.readFirstRecords, readLinks).

/** The CRM id of the first record of `object` written for each identity (ordering key), when there is one. */
export function readFirstRecords(s: Statements, destination: string, keys: Array<{ object: string; orderingKey: string }>): Array<{ object: string; orderingKey: string; crmId: string }> {
  return keys.flatMap(({ object, orderingKey }) => {
    const row = s.firstRecord.get(destination, orderingKey, object) as { crm_id: string } | undefined;
    return row ? [{ object, orderingKey, crmId: row.crm_id }] : [];
  });
}

/** The CRM ids of records Parley wrote, by record key. */
export function readLinks(s: Statements, destination: string, keys: Array<{ object: string; key: string }>): Array<{ object: string; key: string; crmId: string }> {
  return keys.flatMap(({ object, key }) => {
    const row = s.getLink.get(destination, object, key) as { crm_id: string } | undefined;
    return row ? [{ object, key, crmId: row.crm_id }] : [];
  });
}
