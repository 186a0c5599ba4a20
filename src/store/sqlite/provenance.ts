import { toProvenanceEntry, type ProvenanceRow } from '../policy-rows.ts';
import type { ProvenanceEntry, ProvenanceStore, RecordRef } from '../provenance-store.ts';
import type { SqliteFacetContext } from './facet.ts';

const COLUMNS = `o.id, o.event_id, e.source, o.mapping_id, o.mapping_version, o.object, o.operation, o.state, o.last_error, o.record_key, o.crm_id,
  o.resync_id, o.erasure_id, o.created_at, o.updated_at`;

/** The embedded store's provenance reads (`Store.provenance`). */
export class SqliteProvenance implements ProvenanceStore {
  readonly #context: SqliteFacetContext;

  constructor(context: SqliteFacetContext) {
    this.#context = context;
  }

  async ofRecord(record: RecordRef, options: { limit: number }): Promise<ProvenanceEntry[]> {
    const db = this.#context.db();
    // A CRM id names the record's keys through its links (a record written by key) and its
    // operations' ids (one written without a key); a key names its CRM id through its link.
    const keys = 'crmId' in record
      ? db.prepare('SELECT object, record_key FROM links WHERE destination = ? AND crm_id = ?').all(record.destination, record.crmId) as Array<{ object: string; record_key: string }>
      : [{ object: record.object, record_key: record.recordKey }];
    const crmIds = 'crmId' in record
      ? [record.crmId]
      : (db.prepare('SELECT crm_id FROM links WHERE destination = ? AND object = ? AND record_key = ?').all(record.destination, record.object, record.recordKey) as Array<{ crm_id: string }>).map((r) => r.crm_id);
    const byKey = db.prepare(`SELECT o.seq, ${COLUMNS} FROM operations o LEFT JOIN events e ON e.id = o.event_id
      WHERE o.destination = ? AND o.object = ? AND o.record_key = ? ORDER BY o.seq DESC LIMIT ?`);
    const byCrmId = db.prepare(`SELECT o.seq, ${COLUMNS} FROM operations o LEFT JOIN events e ON e.id = o.event_id
      WHERE o.destination = ? AND o.crm_id = ? AND o.crm_id IS NOT NULL ORDER BY o.seq DESC LIMIT ?`);
    const rows = new Map<string, ProvenanceRow & { seq: number }>();
    for (const k of keys) for (const r of byKey.all(record.destination, k.object, k.record_key, options.limit) as Array<ProvenanceRow & { seq: number }>) rows.set(r.id, r);
    for (const id of crmIds) for (const r of byCrmId.all(record.destination, id, options.limit) as Array<ProvenanceRow & { seq: number }>) rows.set(r.id, r);
    return [...rows.values()].sort((a, b) => b.seq - a.seq).slice(0, options.limit).map(toProvenanceEntry);
  }
}
