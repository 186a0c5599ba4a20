import type { CanonicalData, EventKind, StoredEvent } from '../model/index.ts';
import type { NewOperation, OperationState, Page, PendingDelivery, StoredDeadLetter, StoredOperation } from './store.ts';

// The stores' rows, as SQLite and PostgreSQL return them (epoch ms as numbers, bodies as Buffers,
// JSON as text), and how each becomes what the Store interface promises (ISO dates, parsed JSON,
// absent rather than null). One mapping for both stores: they keep the same columns.

export interface DeliveryRow { seq: number; id: string; source: string; received_at: number; content_type: string; body: Buffer; headers: string | null }
export interface EventRow { id: string; source: string; kind: EventKind; event_key: string; delivery_id: string; received_at: number; data: string; seq: number }
export interface OperationRow {
  seq: number; id: string; event_id: string; mapping_id: string; destination: string; object: string; operation: NewOperation['operation'];
  match_key: string | null; match_value: string | null; record_key: string | null; ordering_key: string; fields: string; refs: string;
  state: OperationState; attempts: number; next_attempt_at: number; crm_id: string | null; last_error: string | null; created_at: number; updated_at: number;
  /** SQLite answers 0/1, PostgreSQL a boolean. */
  outcome_unknown: boolean | number;
  /** When the current lease's write was sent, NULL if not yet. */
  sent_at: number | null; lease_owner: string | null; lease_until: number | null;
  /** The resync job that queued it (migration 7 / PostgreSQL 4); absent in rows made by hand in tests. */
  resync_id?: string | null;
  /** The erasure that queued it (a delete; migration 9 / PostgreSQL 6). */
  erasure_id?: string | null;
  /** The mapping version that made it (migration 10 / PostgreSQL 7). */
  mapping_version?: number | null;
}
export interface DeadLetterRow {
  seq: number; id: string; stage: StoredDeadLetter['stage']; source: string; delivery_id: string; reason_code: string; reason: string;
  details: string; content_type: string; body: Buffer; created_at: number; operation_id: string | null; replayed_at: number | null;
}

/** A page of `limit` items from `limit + 1` rows: the extra row only says there is a next page. */
export function pageOf<R extends { seq: number }, T>(rows: R[], limit: number, map: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { items: page.map(map), next: more ? String(page.at(-1)!.seq) : null };
}

/** A `deliveries` row as `readPendingDeliveries` returns it. */
export function toPendingDelivery(r: DeliveryRow): PendingDelivery {
  return {
    position: r.seq, id: r.id, source: r.source, receivedAt: new Date(r.received_at), contentType: r.content_type, body: r.body,
    ...(r.headers ? { headers: JSON.parse(r.headers) as Record<string, string> } : {}),
  };
}

/** An `events` row as `Store` returns it. */
export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row.id, source: row.source, kind: row.kind, key: row.event_key, deliveryId: row.delivery_id,
    receivedAt: new Date(row.received_at).toISOString(), data: JSON.parse(row.data) as CanonicalData,
  };
}

/** An `operations` row as `Store` returns it. */
export function toStoredOperation(row: OperationRow): StoredOperation {
  return {
    id: row.id, eventId: row.event_id, mappingId: row.mapping_id, destination: row.destination, object: row.object, operation: row.operation,
    ...(row.match_key !== null ? { matchKey: row.match_key } : {}), ...(row.match_value !== null ? { matchValue: row.match_value } : {}),
    ...(row.record_key !== null ? { recordKey: row.record_key } : {}), orderingKey: row.ordering_key,
    fields: JSON.parse(row.fields) as Record<string, unknown>, references: JSON.parse(row.refs) as StoredOperation['references'],
    state: row.state, attempts: row.attempts, nextAttemptAt: new Date(row.next_attempt_at).toISOString(), outcomeUnknown: row.outcome_unknown === true || row.outcome_unknown === 1,
    ...(row.crm_id !== null ? { crmId: row.crm_id } : {}), ...(row.last_error !== null ? { lastError: JSON.parse(row.last_error) as Record<string, unknown> } : {}),
    createdAt: new Date(row.created_at).toISOString(), updatedAt: new Date(row.updated_at).toISOString(),
    ...(row.resync_id != null ? { resyncId: row.resync_id } : {}),
    ...(row.erasure_id != null ? { erasureId: row.erasure_id } : {}),
    ...(row.mapping_version != null ? { mappingVersion: Number(row.mapping_version) } : {}),
  };
}

/** A `dead_letters` row as `Store` returns it. */
export function toStoredDeadLetter(row: DeadLetterRow): StoredDeadLetter {
  return {
    id: row.id, stage: row.stage, source: row.source, deliveryId: row.delivery_id, reasonCode: row.reason_code,
    reason: row.reason, details: JSON.parse(row.details) as Record<string, unknown>, contentType: row.content_type,
    body: row.body.toString('utf8'), createdAt: new Date(row.created_at).toISOString(),
    ...(row.operation_id !== null ? { operationId: row.operation_id } : {}),
    ...(row.replayed_at !== null ? { replayedAt: new Date(row.replayed_at).toISOString() } : {}),
  };
}
