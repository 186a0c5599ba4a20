import type { StoredConsent } from './consent-store.ts';
import type { ProvenanceEntry } from './provenance-store.ts';
import { WAITING_CODES } from './store.ts';

// Rows of the consent and provenance reads as both stores answer them (PostgreSQL's BIGINT may
// come as text, SQLite's booleans as 0/1), and what the facets answer of them.

export interface ConsentRow {
  identity_key: string;
  granted: boolean | number;
  source: string | null;
  recorded_by: string;
  recorded_at: number | string;
}

export function toStoredConsent(row: ConsentRow): StoredConsent {
  return {
    identityKey: row.identity_key, granted: row.granted === true || row.granted === 1,
    ...(row.source !== null ? { source: row.source } : {}), recordedBy: row.recorded_by, recordedAt: new Date(Number(row.recorded_at)).toISOString(),
  };
}

export interface ProvenanceRow {
  id: string;
  event_id: string;
  source: string | null;
  mapping_id: string;
  mapping_version: number | string | null;
  object: string;
  operation: ProvenanceEntry['operation'];
  state: string;
  last_error: string | null;
  record_key: string | null;
  crm_id: string | null;
  resync_id: string | null;
  erasure_id: string | null;
  created_at: number | string;
  updated_at: number | string;
}

/** `waiting` as the outbox shows it: pending, held back by one of `WAITING_CODES`. */
function shownState(row: ProvenanceRow): ProvenanceEntry['state'] {
  if (row.state !== 'pending' || row.last_error === null) return row.state as ProvenanceEntry['state'];
  try {
    const code = (JSON.parse(row.last_error) as { code?: unknown }).code;
    return typeof code === 'string' && WAITING_CODES.includes(code) ? 'waiting' : 'pending';
  } catch {
    return 'pending';
  }
}

export function toProvenanceEntry(row: ProvenanceRow): ProvenanceEntry {
  return {
    operationId: row.id, eventId: row.event_id, ...(row.source !== null ? { source: row.source } : {}), mappingId: row.mapping_id,
    ...(row.mapping_version !== null ? { mappingVersion: Number(row.mapping_version) } : {}),
    object: row.object, operation: row.operation, state: shownState(row),
    ...(row.record_key !== null ? { recordKey: row.record_key } : {}), ...(row.crm_id !== null ? { crmId: row.crm_id } : {}),
    ...(row.resync_id !== null ? { resyncId: row.resync_id } : {}), ...(row.erasure_id !== null ? { erasureId: row.erasure_id } : {}),
    createdAt: new Date(Number(row.created_at)).toISOString(), updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}
