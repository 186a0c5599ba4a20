/**
 * Provenance: which operations wrote a CRM record, read from the outbox (operations, their event,
 * and links from a record's key to its CRM id). Nothing new is kept for it.
 */

/** A record at a destination: by its CRM id, or by its object and record key among links. */
export type RecordRef =
  | { destination: string; crmId: string }
  | { destination: string; object: string; recordKey: string };

/** One operation that wrote (or will write) the record. */
export interface ProvenanceEntry {
  operationId: string;
  /** The event it was planned from; its source while the event is kept (retention may have deleted it). */
  eventId: string;
  source?: string;
  mappingId: string;
  /** The version of the mapping that made it; absent when no stored version did. */
  mappingVersion?: number;
  object: string;
  operation: 'create' | 'update' | 'upsert' | 'delete';
  state: 'pending' | 'waiting' | 'leased' | 'done' | 'dead' | 'superseded';
  recordKey?: string;
  crmId?: string;
  /** The resync job or erasure that queued it, if one did. */
  resyncId?: string;
  erasureId?: string;
  /** ISO 8601: when it was planned and when it last changed. */
  createdAt: string;
  updatedAt: string;
}

export interface ProvenanceStore {
  /**
   * The operations of `record`, newest first, at most `limit`: those with its record key (the links
   * give the key of a CRM id) or its CRM id, at its destination.
   */
  ofRecord(record: RecordRef, options: { limit: number }): Promise<ProvenanceEntry[]>;
}
