/**
 * One round of a write: each operation as a batch part, or as its result at once (nothing to send,
 * or nothing it can be sent to). Pure: the session looks things up first (`WriteFacts`), sends the
 * parts, and plans again without the parts a failed round named (all-or-nothing, reference §4).
 */
import type { VendorRecordResult, WriteBatch, WriteOperation } from '../../src/connectors/index.ts';
import type { BatchPart } from './batch.ts';
import type { OracleFailure } from './classify.ts';
import { DELETE_AS_UPDATE, isNeverWritten, isOracleObject, MESSAGE_PARENT, OPERATIONS, PARENT_POST, RECORD_KEY, resourcePath, SR_BY_POST, UPSERT_KEYS, type OracleObject } from './object-model.ts';
import { stringOf } from './query.ts';

/** What the session found before planning. */
export interface WriteFacts {
  /** Upserts that are looked up (not `upsert-mode`): match value → the record's id. */
  existing: ReadonlyMap<string, string>;
  /** socialPosts creates: the `ParentPostId` values that name a post already in Oracle. */
  knownParents: ReadonlySet<string>;
  /** messages: `socialPost/SourcePostIdPrimary` value → the SrNumber of that post's SR. */
  srOfPost: ReadonlyMap<string, string>;
}

/** An operation's plan: a part to send (its result read from the answer), or its result now. */
export type PlannedWrite =
  | { kind: 'part'; part: BatchPart; recordId?: string; created?: boolean }
  | { kind: 'result'; result: VendorRecordResult };

/** How an upsert on the batch's match key is carried out (object-model.ts UPSERT_KEYS); `lookup` for any other key. */
export function upsertMode(batch: WriteBatch): 'upsert-mode' | 'find-or-create' | 'lookup' {
  return UPSERT_KEYS[batch.object as OracleObject]?.[batch.matchKey ?? ''] ?? 'lookup';
}

/** An upsert's match value: `matchValue`, else the match key's field. */
export function matchValueOf(batch: WriteBatch, op: WriteOperation): string {
  return op.matchValue ?? stringOf(op.fields[batch.matchKey ?? '']) ?? '';
}

const notFound = (message: string): VendorRecordResult => ({ ok: false, error: { code: 'NOT_FOUND', message, httpStatus: 404 } satisfies OracleFailure });

/** The fields Oracle takes: look-up paths and references and a message's SR left out, and undefined values. */
export function payloadOf(object: OracleObject, fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) if (value !== undefined && !isNeverWritten(object, name)) payload[name] = value;
  return payload;
}

/** A message's SrNumber: its `SrNumber` field, else the SR of the post its look-up path names. */
function srOf(op: WriteOperation, facts: WriteFacts): string | undefined {
  const direct = stringOf(op.fields[MESSAGE_PARENT]);
  if (direct) return direct;
  const post = stringOf(op.fields[SR_BY_POST]);
  return post === undefined ? undefined : facts.srOfPost.get(post);
}

/**
 * Plans `operations` (the batch's, or those left after a failed round), in order; part ids are
 * `p<index in operations>`.
 * - create: a part, `created: true`. A socialPosts reply whose parent is neither in Oracle nor
 *   created earlier in this round is written WITHOUT `ParentPostId`: as a root, Oracle opens an SR
 *   for it; with the unknown parent, Oracle would keep the post but record it FAIL with no SR
 *   (§6.2: failures recorded on the post), so the conversation would be lost to the agents.
 * - upsert: `upsert-mode` → an `upsert` part; `find-or-create` → a found record is done unchanged
 *   (posts cannot change: no PATCH), an absent one created; `lookup` → found: an update (or done
 *   unchanged when the object has no PATCH), absent: a create.
 * - update: a part with what is left to write; nothing left (only look-up paths) → done at once.
 * - delete: a part without payload; on socialUsers (no DELETE), an update emptying the row.
 * - a create of a socialPosts record Oracle already has (`facts.existing` by SourcePostIdPrimary): done, unchanged.
 * A message goes under its SR (`/serviceRequests/{SrNumber}/child/messages`); without one it fails
 * with a 404-class error and nothing is sent. contacts are never written.
 */
export function planRound(batch: WriteBatch, operations: readonly WriteOperation[], facts: WriteFacts): PlannedWrite[] {
  const object = batch.object as OracleObject;
  const createdPosts = new Set<string>();
  return operations.map((op, index): PlannedWrite => {
    const id = `p${index}`;
    if (!isOracleObject(object)) return { kind: 'result', result: notFound(`this connector has no Oracle CX object ${object}`) };
    if (object === 'contacts') return { kind: 'result', result: { ok: false, error: { code: 'READ_ONLY_OBJECT', message: 'contacts are only matched, never written', httpStatus: 405 } } };
    let sr: string | undefined;
    if (object === 'messages') {
      sr = srOf(op, facts);
      if (sr === undefined) return { kind: 'result', result: notFound('no service request to put the message on: neither SrNumber nor a known socialPost/SourcePostIdPrimary') };
    }
    // A post Oracle already has is left as it is (no PATCH, §6.2): a create of it is done, unchanged.
    const ownPost = object === 'socialPosts' && batch.operation === 'create' ? stringOf(op.fields.SourcePostIdPrimary) : undefined;
    const existingPost = ownPost === undefined ? undefined : facts.existing.get(ownPost);
    if (existingPost !== undefined) return { kind: 'result', result: { ok: true, recordId: existingPost, created: false } };
    // No DELETE on the object: the row is emptied instead (object-model.ts DELETE_AS_UPDATE).
    const erased = batch.operation === 'delete' ? DELETE_AS_UPDATE[object] : undefined;
    if (erased) return { kind: 'part', part: { id, path: resourcePath(object, { id: op.recordId! }), operation: 'update', payload: { ...erased } }, recordId: op.recordId!, created: false };
    let kind: 'create' | 'upsert' | 'update' | 'delete' = batch.operation;
    let recordId = op.recordId;
    const fields: Record<string, unknown> = { ...op.fields };
    if (batch.operation === 'upsert') {
      const value = matchValueOf(batch, op);
      fields[batch.matchKey!] = fields[batch.matchKey!] ?? value;
      const mode = upsertMode(batch);
      const found = mode === 'upsert-mode' ? undefined : facts.existing.get(value);
      if (mode !== 'upsert-mode' && found !== undefined && (mode === 'find-or-create' || !OPERATIONS[object].update)) {
        return { kind: 'result', result: { ok: true, recordId: found, created: false } };
      }
      kind = mode === 'upsert-mode' ? 'upsert' : found === undefined ? 'create' : 'update';
      recordId = found;
    }
    const payload = payloadOf(object, fields);
    if (object === 'socialPosts' && (kind === 'create' || kind === 'upsert')) {
      const parent = stringOf(payload[PARENT_POST]);
      if (parent === undefined || parent === '' || (!facts.knownParents.has(parent) && !createdPosts.has(parent))) delete payload[PARENT_POST];
      const own = stringOf(payload.SourcePostIdPrimary);
      if (own) createdPosts.add(own);
    }
    switch (kind) {
      case 'delete':
        return { kind: 'part', part: { id, path: resourcePath(object, { id: recordId!, ...(sr ? { sr } : {}) }), operation: 'delete' }, recordId: recordId!, created: false };
      case 'update':
        if (Object.keys(payload).length === 0) return { kind: 'result', result: { ok: true, recordId: recordId!, created: false } };
        return { kind: 'part', part: { id, path: resourcePath(object, { id: recordId!, ...(sr ? { sr } : {}) }), operation: 'update', payload }, recordId: recordId!, created: false };
      case 'create':
        return { kind: 'part', part: { id, path: resourcePath(object, sr ? { sr } : {}), operation: 'create', payload }, created: true };
      case 'upsert':
        // Oracle's answer does not say whether it matched or created: `created` stays unknown.
        return { kind: 'part', part: { id, path: resourcePath(object), operation: 'upsert', payload } };
    }
  });
}

/**
 * The result of a part Oracle applied: the record id the plan knew (update, delete), else the key
 * attribute of the answered item (`UserId`, `PostId`, `SrNumber`, `MessageId`), as a string.
 * A create answered without it cannot be told apart from one not carried out: UNREADABLE_ANSWER.
 */
export function appliedResult(object: OracleObject, planned: Extract<PlannedWrite, { kind: 'part' }>, item: Record<string, unknown> | undefined): VendorRecordResult {
  const recordId = planned.recordId ?? stringOf(item?.[RECORD_KEY[object]]);
  if (recordId === undefined || recordId === '') {
    return { ok: false, error: { code: 'UNREADABLE_ANSWER', message: `Oracle applied the ${planned.part.operation} of ${planned.part.path} without answering its ${RECORD_KEY[object]}`, httpStatus: 200 } satisfies OracleFailure };
  }
  return { ok: true, recordId, ...(planned.created !== undefined ? { created: planned.created } : {}) };
}
