import type { CatalogObject, DestinationClient, WriteBatch } from '../connectors/destination.ts';
import { deadLetterReasons, errors, isParleyError } from '../errors.ts';
import type { StoredOperation } from '../store/store.ts';

// The dispatcher's pure steps: merging writes of one record, choosing how each is written, and
// naming what a failure was. No I/O beyond the connector's lookup that planWrite is handed.

/**
 * Merges consecutive upserts and updates of one record (claimed together, in plan order) into one
 * operation carrying the latest value of every field: the head, with the others as its followers.
 */
export function mergeByRecord(ops: StoredOperation[]): { heads: StoredOperation[]; followers: Map<string, string[]> } {
  const heads: StoredOperation[] = [];
  const followers = new Map<string, string[]>();
  const headOf = new Map<string, number>();
  for (const op of ops) {
    const key = op.recordKey !== undefined && (op.operation === 'upsert' || op.operation === 'update') ? `${op.object}\u0000${op.recordKey}` : undefined;
    const at = key === undefined ? undefined : headOf.get(key);
    if (at === undefined) {
      if (key !== undefined) headOf.set(key, heads.length);
      heads.push(op);
      continue;
    }
    const head = heads[at]!;
    const references = new Map(head.references.map((r) => [r.field, r]));
    for (const r of op.references) references.set(r.field, r);
    heads[at] = {
      ...head,
      fields: { ...head.fields, ...op.fields },
      references: [...references.values()],
      ...(op.matchValue !== undefined ? { matchValue: op.matchValue } : {}),
      // An upsert may create; an update after it only changes what it wrote.
      operation: head.operation === 'upsert' || op.operation === 'upsert' ? 'upsert' : 'update',
      outcomeUnknown: head.outcomeUnknown || op.outcomeUnknown,
    };
    followers.set(head.id, [...(followers.get(head.id) ?? []), op.id]);
  }
  return { heads, followers };
}

export type WritePlan =
  | { kind: 'send'; operation: WriteBatch['operation']; matchKey?: string; recordId?: string }
  | { kind: 'done'; crmId: string }
  /** Not sendable yet (an update of a record not in the CRM yet): retried for `error` (`PARLEY_OUTBOX_RECORD_NOT_FOUND`). */
  | { kind: 'wait'; error: { code: string; message: string } };

/**
 * How an operation is written, by ARCHITECTURE.md's idempotency rules: an upsert where the object
 * has a usable external id; otherwise the links table says whether the record exists, and only an
 * operation whose earlier attempt had an unknown outcome looks the record up by its natural key.
 */
export async function planWrite(op: StoredOperation, object: CatalogObject | undefined, linked: string | undefined, client: Pick<DestinationClient, 'lookup'>): Promise<WritePlan> {
  const keyField = op.matchKey ? object?.fields.find((f) => f.name === op.matchKey) : undefined;
  const lookup = async () => (op.matchKey && op.matchValue !== undefined && client.lookup ? client.lookup(op.object, op.matchKey, op.matchValue) : undefined);
  switch (op.operation) {
    case 'upsert': {
      if (keyField?.upsertKey) return { kind: 'send', operation: 'upsert', matchKey: op.matchKey! };
      const existing = linked ?? (op.outcomeUnknown ? await lookup() : undefined);
      return existing ? { kind: 'send', operation: 'update', recordId: existing } : { kind: 'send', operation: 'create' };
    }
    case 'create': {
      const existing = op.outcomeUnknown ? await lookup() : undefined;
      return existing ? { kind: 'done', crmId: existing } : { kind: 'send', operation: 'create' };
    }
    case 'update': {
      const existing = linked ?? await lookup();
      if (existing) return { kind: 'send', operation: 'update', recordId: existing };
      const notFound = errors.OUTBOX_RECORD_NOT_FOUND({ object: op.object, matchKey: String(op.matchKey), matchValue: String(op.matchValue) });
      return { kind: 'wait', error: { code: notFound.code, message: notFound.message } };
    }
    case 'delete': {
      const existing = linked ?? await lookup();
      // Nothing to delete is a delete done: the record is not there.
      return existing ? { kind: 'send', operation: 'delete', recordId: existing } : { kind: 'done', crmId: '' };
    }
  }
}

/** The record keys a round's operations and their references name (each once), for one read of the links table. */
export function linkKeysOf(ops: readonly StoredOperation[]): Array<{ object: string; key: string }> {
  const keys = new Map<string, { object: string; key: string }>();
  for (const op of ops) {
    if (op.recordKey !== undefined) keys.set(`${op.object}\u0000${op.recordKey}`, { object: op.object, key: op.recordKey });
    for (const ref of op.references) if (ref.key !== undefined) keys.set(`${ref.object}\u0000${ref.key}`, { object: ref.object, key: ref.key });
  }
  return [...keys.values()];
}

/**
 * The code and message of anything thrown: a Parley error's, a vendor error's `errorCode` or `code`,
 * else `UNKNOWN` (a dead-letter reason of the catalogue, should the operation go dead with it).
 */
export function errorSummary(error: unknown): { code: string; message: string } {
  if (isParleyError(error)) return { code: error.code, message: error.message };
  const e = (error ?? {}) as { code?: unknown; errorCode?: unknown; message?: unknown };
  const code = typeof e.errorCode === 'string' ? e.errorCode : typeof e.code === 'string' ? e.code : deadLetterReasons.UNKNOWN.code;
  return { code, message: typeof e.message === 'string' ? e.message : String(error) };
}
