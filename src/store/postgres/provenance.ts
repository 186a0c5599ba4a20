import { toProvenanceEntry, type ProvenanceRow } from '../policy-rows.ts';
import type { ProvenanceEntry, ProvenanceStore, RecordRef } from '../provenance-store.ts';
import type { PostgresFacetContext } from './facet.ts';

const COLUMNS = `o.seq, o.id, o.event_id, e.source, o.mapping_id, o.mapping_version, o.object, o.operation, o.state, o.last_error, o.record_key, o.crm_id,
  o.resync_id, o.erasure_id, o.created_at, o.updated_at`;

/** PostgreSQL's provenance reads (`Store.provenance`; sqlite/provenance.ts says how a record is found). */
export class PostgresProvenance implements ProvenanceStore {
  readonly #context: PostgresFacetContext;

  constructor(context: PostgresFacetContext) {
    this.#context = context;
  }

  async ofRecord(record: RecordRef, options: { limit: number }): Promise<ProvenanceEntry[]> {
    const db = this.#context.db();
    const { rows: links } = 'crmId' in record
      ? await db.query<{ object: string; record_key: string; crm_id: string }>('SELECT object, record_key, crm_id FROM links WHERE destination = $1 AND crm_id = $2', [record.destination, record.crmId])
      : await db.query<{ object: string; record_key: string; crm_id: string }>('SELECT object, record_key, crm_id FROM links WHERE destination = $1 AND object = $2 AND record_key = $3', [record.destination, record.object, record.recordKey]);
    const objects = 'crmId' in record ? links.map((l) => l.object) : [record.object];
    const keys = 'crmId' in record ? links.map((l) => l.record_key) : [record.recordKey];
    const crmIds = 'crmId' in record ? [record.crmId] : links.map((l) => l.crm_id);
    const { rows } = await db.query<ProvenanceRow & { seq: string }>(`SELECT ${COLUMNS} FROM operations o LEFT JOIN events e ON e.id = o.event_id
      WHERE o.id IN (
        -- Two indexed look-ups (operations_by_record, operations_by_crm_id) rather than one OR, which scans the outbox.
        SELECT k.id FROM operations k JOIN unnest($2::text[], $3::text[]) AS r(object, record_key)
          ON k.destination = $1 AND k.object = r.object AND k.record_key = r.record_key
        UNION
        SELECT c.id FROM operations c WHERE c.destination = $1 AND c.crm_id = ANY($4::text[]) AND c.crm_id IS NOT NULL)
      ORDER BY o.seq DESC LIMIT $5`, [record.destination, objects, keys, crmIds, options.limit]);
    return rows.map(toProvenanceEntry);
  }
}
