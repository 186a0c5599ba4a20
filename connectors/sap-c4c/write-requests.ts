/**
 * One Parley operation as the requests of its own `$batch` change set, and its answers as one
 * result. Pure: the session (session.ts) supplies the entity sets, the ObjectIDs found, and sends.
 * Wire facts: ../shared/reference/sap-c4c.md §2 (writes, keys), §4 (`$batch`), §5 (entity sets).
 */
import type { VendorRecordResult } from '../../src/connectors/index.ts';
import { failureOf, UNREADABLE_ANSWER } from './classify.ts';
import { childPath, isLookupPath, UUID_REFERENCES, uuidOf } from './object-model.ts';
import type { BatchOperation } from './odata/batch-request.ts';
import type { BatchOperationResponse } from './odata/batch-response.ts';
import { readEntity } from './odata/json.ts';

/** Where an object's records and its child nodes live: `SocialMediaUserProfileCollection`, navigation → child set. */
export interface ObjectSets {
  object: string;
  set: string;
  children: ReadonlyMap<string, string>;
}

/** One operation, resolved: a create, or an update or delete of a known ObjectID. */
export type ResolvedWrite =
  | { kind: 'create'; fields: Readonly<Record<string, unknown>> }
  | { kind: 'update'; recordId: string; fields: Readonly<Record<string, unknown>>; childIds: ReadonlyMap<string, string> }
  | { kind: 'delete'; recordId: string };

/** What the change set of one operation holds, and what its answer means. */
export interface PlannedChangeSet {
  /** In order; empty when there is nothing to send (an update of look-up paths only). */
  requests: BatchOperation[];
  /** The ObjectID written (update, delete); a create's comes from its answer. */
  recordId?: string;
  created: boolean;
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

/** `Set('ObjectID')`, the quote doubled as OData v2 string literals need. */
export function entityUrl(set: string, id: string): string {
  return `${set}('${id.replace(/'/g, "''")}')`;
}

/**
 * A record's flat fields as C4C bodies: the root's own properties (`…UUID` references as hyphenated
 * GUIDs), and per child navigation the properties given as `<Navigation>/<Property>`. Look-up paths
 * are left out: they are never written.
 */
export function splitFields(object: string, fields: Readonly<Record<string, unknown>>): { root: Record<string, unknown>; children: Map<string, Record<string, unknown>> } {
  const references = UUID_REFERENCES[object] ?? {};
  const root: Record<string, unknown> = {};
  const children = new Map<string, Record<string, unknown>>();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || isLookupPath(object, name)) continue;
    const path = childPath(name);
    if (path) {
      const child = children.get(path.navigation) ?? children.set(path.navigation, {}).get(path.navigation)!;
      child[path.property] = value;
    } else {
      root[name] = references[name] ? uuidOf(value) : value;
    }
  }
  return { root, children };
}

/**
 * The change set of one operation:
 * - create: one POST with the child nodes deep-inserted (`{"Nav":[{…}]}`, §5.1);
 * - update: a PATCH of the root when it has fields, then per child node a PATCH of the child row
 *   found (`childIds`), or a POST of a new one to the child set with its `ParentObjectID`;
 * - delete: one DELETE (C4C removes a root's child nodes with it).
 * @throws RangeError when a child navigation has no entity set in `sets` (a catalog/metadata mismatch)
 */
export function planChangeSet(sets: ObjectSets, write: ResolvedWrite): PlannedChangeSet {
  if (write.kind === 'delete') return { requests: [{ method: 'DELETE', url: entityUrl(sets.set, write.recordId), headers: {} }], recordId: write.recordId, created: false };
  const { root, children } = splitFields(sets.object, write.fields);
  const childSet = (navigation: string) => {
    const set = sets.children.get(navigation);
    if (!set) throw new RangeError(`${sets.object} has no child node ${navigation} with an entity set`);
    return set;
  };
  if (write.kind === 'create') {
    const body: Record<string, unknown> = { ...root };
    for (const [navigation, child] of children) { childSet(navigation); body[navigation] = [child]; }
    return { requests: [{ method: 'POST', url: sets.set, headers: JSON_HEADERS, body: JSON.stringify(body) }], created: true };
  }
  const requests: BatchOperation[] = [];
  if (Object.keys(root).length > 0) requests.push({ method: 'PATCH', url: entityUrl(sets.set, write.recordId), headers: JSON_HEADERS, body: JSON.stringify(root) });
  for (const [navigation, child] of children) {
    const set = childSet(navigation);
    const childId = write.childIds.get(navigation);
    requests.push(childId !== undefined
      ? { method: 'PATCH', url: entityUrl(set, childId), headers: JSON_HEADERS, body: JSON.stringify(child) }
      : { method: 'POST', url: set, headers: JSON_HEADERS, body: JSON.stringify({ ...child, ParentObjectID: write.recordId }) });
  }
  return { requests, recordId: write.recordId, created: false };
}

/**
 * A change set's answers as the operation's result. A failed change set is one error part (§4): its
 * status and OData error. A create's ObjectID is read from its body (either single-entity envelope,
 * §2) or its `location` header.
 */
export function changeSetResult(planned: PlannedChangeSet, answers: readonly BatchOperationResponse[]): VendorRecordResult {
  const failed = answers.find((a) => a.status >= 300);
  if (failed) return { ok: false, error: failureOf(failed) };
  if (answers.length < planned.requests.length) {
    return { ok: false, error: { code: UNREADABLE_ANSWER, message: `C4C answered ${answers.length} of the change set's ${planned.requests.length} requests`, httpStatus: answers[0]?.status ?? 0 } };
  }
  if (planned.recordId !== undefined) return { ok: true, recordId: planned.recordId, created: false };
  const answer = answers[0]!;
  const id = readEntity(parseJson(answer.body))?.ObjectID;
  const fromLocation = /\('([^']+)'\)\s*$/.exec(answer.headers.location ?? '')?.[1];
  const recordId = typeof id === 'string' && id !== '' ? id : fromLocation;
  if (recordId === undefined) return { ok: false, error: { code: UNREADABLE_ANSWER, message: `C4C answered ${answer.status} to a create without an ObjectID`, httpStatus: answer.status } };
  return { ok: true, recordId, created: true };
}

/** JSON text as a value, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return undefined; }
}
