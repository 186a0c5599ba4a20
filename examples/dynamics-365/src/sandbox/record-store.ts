import { TABLES } from './tables.ts';

/** A record as the sandbox keeps it: columns by logical name, lookups as `_<column>_value`. */
export type Row = Record<string, unknown>;

/**
 * The sandbox's records, per table, in memory. A change set is rolled back by restoring the
 * snapshot taken before it (the data is small: a demo's or a test's).
 */
export class RecordStore {
  #tables = new Map<string, Map<string, Row>>(TABLES.map((t) => [t.logicalName, new Map()]));

  rows(table: string): Map<string, Row> {
    let rows = this.#tables.get(table);
    if (!rows) { rows = new Map(); this.#tables.set(table, rows); }
    return rows;
  }

  /** Live records per table, for `_stats.records`. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.#tables].map(([name, rows]) => [name, rows.size]));
  }

  snapshot(): Map<string, Map<string, Row>> {
    return new Map([...this.#tables].map(([name, rows]) => [name, new Map([...rows].map(([id, row]) => [id, structuredClone(row)]))]));
  }

  restore(snapshot: Map<string, Map<string, Row>>): void {
    this.#tables = snapshot;
  }
}
