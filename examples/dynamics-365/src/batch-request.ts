import type { VendorRecordResult, WriteBatch, WriteOperation } from 'parley/sdk';
import type { TableInfo } from './catalog.ts';
import { failureOf } from './dataverse-error.ts';
import type { BatchRequestItem, BatchResponseItem } from './multipart.ts';
import { guidOfEntityId, keySegment } from './odata.ts';

/**
 * One operation as one request of a `$batch`, and its response as the operation's result. Pure.
 *
 * Each request stands alone in the batch, outside any change set, and the batch is sent with
 * `Prefer: odata.continue-on-error`. Why not change sets: a change set is atomic ("if any one of
 * the operations fails, any completed operations will be rolled back"), so one bad record would
 * fail the records beside it, which is the opposite of Parley's per-record results. One change set
 * per operation would also isolate them, but without continue-on-error Dataverse stops the whole
 * batch at the first failed request and answers only that one ("Handling errors" in "Execute
 * batch operations using the Web API"), so continue-on-error is needed either way and the change
 * sets would add nothing but bytes.
 */

/** Entity set name of every table a lookup may point to (`contact` → `contacts`). */
export type EntitySets = ReadonlyMap<string, string>;

/**
 * The request of one operation. Upserts and updates ask for `return=representation` with only the
 * primary key selected: an upsert by alternate key otherwise answers `204` with an `OData-EntityId`
 * that repeats the key, not the record's id, and does not say whether it created the record; with
 * the preference it answers `201 Created` or `200 OK` and the id ("Use Upsert to Create or Update a
 * record", Web API section). The price is one extra retrieve on the server, which Microsoft says to
 * keep small by selecting only the primary key.
 */
export function requestFor(apiBase: string, table: TableInfo, sets: EntitySets, batch: WriteBatch, op: WriteOperation): BatchRequestItem {
  const collection = `${apiBase}/${table.entitySet}`;
  const select = `?$select=${table.primaryId}`;
  const json = { 'content-type': 'application/json; type=entry' };
  const represent = { prefer: 'return=representation' };
  switch (batch.operation) {
    case 'create':
      return { method: 'POST', url: collection, headers: json, body: JSON.stringify(bodyOf(table, sets, op.fields)) };
    case 'upsert': {
      const key = batch.matchKey!;
      const value = op.matchValue ?? String(op.fields[key]);
      // The key goes in the URL only: on an update Dataverse drops it from the body anyway, and on a
      // create a different value in the body would win over the URL's (Microsoft's guidance).
      const fields = Object.fromEntries(Object.entries(op.fields).filter(([name]) => name !== key));
      return { method: 'PATCH', url: `${collection}${keySegment({ field: key, value })}${select}`, headers: { ...json, ...represent }, body: JSON.stringify(bodyOf(table, sets, fields)) };
    }
    case 'update':
      // `If-Match: *` makes the PATCH an update only: a missing record is a 404, never a new one.
      return { method: 'PATCH', url: `${collection}${recordSegment(batch, op)}${select}`, headers: { ...json, ...represent, 'if-match': '*' }, body: JSON.stringify(bodyOf(table, sets, op.fields)) };
    case 'delete':
      return { method: 'DELETE', url: `${collection}${recordSegment(batch, op)}` };
  }
}

/** The result of one operation from its response in the batch (or its absence: not carried out). */
export function resultFor(table: TableInfo, batch: WriteBatch, op: WriteOperation, response: BatchResponseItem): VendorRecordResult {
  if (response.status >= 200 && response.status < 300) {
    const id = idOf(table, response) ?? op.recordId;
    if (batch.operation === 'delete') return { ok: true, recordId: op.recordId ?? op.matchValue ?? '' };
    if (!id) return { ok: false, error: { httpStatus: response.status, code: 'HTTP_NO_ID', message: `a ${response.status} answer named no ${table.primaryId}` } };
    return { ok: true, recordId: id, ...(batch.operation === 'create' || response.status === 201 ? { created: true } : batch.operation === 'upsert' ? { created: false } : {}) };
  }
  // A delete of a record already gone has done what it was for: deletes are idempotent.
  if (batch.operation === 'delete' && response.status === 404) return { ok: true, recordId: op.recordId ?? op.matchValue ?? '' };
  return { ok: false, error: failureOf(response) };
}

/**
 * The JSON body of a write: columns as given, and each navigation property as an `@odata.bind`
 * to `/<entity set>(<id>)` ("Associate table rows on create/update"). A lookup with no value is
 * left out rather than cleared: a reference bound later arrives empty first, and clearing it
 * would undo a link the CRM already has.
 */
export function bodyOf(table: TableInfo, sets: EntitySets, fields: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    const target = table.navigation.get(name);
    if (target === undefined) { body[name] = value; continue; }
    if (value === null || value === undefined || value === '') continue;
    body[`${name}@odata.bind`] = `/${sets.get(target) ?? `${target}s`}(${String(value)})`;
  }
  return body;
}

function recordSegment(batch: WriteBatch, op: WriteOperation): string {
  if (op.recordId) return keySegment({ id: op.recordId });
  return keySegment({ field: batch.matchKey!, value: op.matchValue ?? String(op.fields[batch.matchKey!]) });
}

function idOf(table: TableInfo, response: BatchResponseItem): string | undefined {
  if (response.body.trim().startsWith('{')) {
    try {
      const id = (JSON.parse(response.body) as Record<string, unknown>)[table.primaryId];
      if (typeof id === 'string' && id) return id.toLowerCase();
    } catch { /* not JSON after all: the header may still say */ }
  }
  return guidOfEntityId(response.headers['odata-entityid']);
}
