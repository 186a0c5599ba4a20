/**
 * The pod's rows: per table (resource name, `messages` for the SR child) key → stored record, in
 * insertion order (offset paging relies on it). The tables, units of work (a failed call or batch is
 * undone whole, §4 all-or-nothing) and the file (committed changes journalled, replayed on start) are
 * the kit's SandboxTables; this file keeps Oracle's facts: the server's sequences and the attribute
 * indexes `findBy` answers from.
 */
import { SandboxTables } from '../../../src/connectors/index.ts';

/** One row: its attribute values (wire JSON values), its change indicator (the ETag), and for a child its parent's key. */
export interface StoredRecord {
  values: Record<string, unknown>;
  changeIndicator: string;
  parent?: string;
}

/** The server's sequences: int64 ids (one sequence for every table), SR numbers, party numbers, change indicators. */
interface Counters { id: number; sr: number; party: number; change: number }

/** The first server-assigned key (contract: int64 from 300000000000001, Fusion's id range). */
export const FIRST_ID = 300_000_000_000_001;

/** Reads data files from before the kit's format: `{ tables, counters }`, journal lines `{ table, key, record, counters }`. */
const LEGACY = {
  snapshot(raw: unknown) {
    const old = raw as { tables?: Record<string, Array<[string, StoredRecord]>>; counters?: Counters };
    if (typeof old.tables !== 'object' || old.tables === null || typeof old.counters !== 'object') throw new Error('not an Oracle CX sandbox data file');
    return { state: old.counters, tables: old.tables };
  },
  entry(raw: unknown) {
    const old = raw as { table: string; key: string; record: StoredRecord | null; counters: Counters };
    return { table: old.table, key: old.key, row: old.record, state: old.counters };
  },
};

/** All tables of the pod. */
export class RecordStore {
  readonly #tables: SandboxTables<StoredRecord, Counters>;
  /** Per table and indexed attribute: value (as text) → keys of the rows holding it, in indexing order. */
  readonly #indexes = new Map<string, Map<string, Map<string, Set<string>>>>();

  /**
   * @param options.file the snapshot file (journal beside it); in memory only when absent
   * @param options.indexes per table, attributes `findBy` answers without a scan (the look-ups every
   *   post or user write makes: a parent post by its network ID, an SR by SrId…)
   */
  constructor(options: { file?: string; indexes?: Readonly<Record<string, readonly string[]>> } = {}) {
    for (const [table, attributes] of Object.entries(options.indexes ?? {})) {
      this.#indexes.set(table, new Map(attributes.map((attribute) => [attribute, new Map<string, Set<string>>()])));
    }
    this.#tables = new SandboxTables<StoredRecord, Counters>({
      state: { id: FIRST_ID, sr: 1, party: 100_001, change: 1 },
      ...(options.file ? { file: options.file } : {}),
      onChange: ({ table, key, before, after }) => {
        if (before) this.#index(table, key, before, 'remove');
        if (after) this.#index(table, key, after, 'add');
      },
      upgrade: LEGACY,
    });
  }

  #index(table: string, key: string, row: StoredRecord, action: 'add' | 'remove'): void {
    for (const [attribute, byValue] of this.#indexes.get(table) ?? []) {
      const value = row.values[attribute];
      if (value === null || value === undefined) continue;
      const text = String(value);
      const keys = byValue.get(text) ?? new Set<string>();
      if (action === 'add') { keys.add(key); byValue.set(text, keys); continue; }
      keys.delete(key);
      if (keys.size === 0) byValue.delete(text);
    }
  }

  /** The rows of `table` whose `attribute` is `value` (strictly equal), through an index when there is one. */
  findBy(table: string, attribute: string, value: unknown): Array<[string, StoredRecord]> {
    const index = this.#indexes.get(table)?.get(attribute);
    const candidates = index
      ? [...(index.get(String(value)) ?? [])].map((key): [string, StoredRecord] => [key, this.get(table, key)!])
      : this.list(table);
    return candidates.filter(([, row]) => row.values[attribute] === value);
  }

  /** A new int64 key (any table). */
  nextId(): number { return this.#tables.state.id++; }

  /** A new SR number: `SR` + 10 digits. */
  nextSrNumber(): string { return `SR${String(this.#tables.state.sr++).padStart(10, '0')}`; }

  /** A new party number: `CDRM_` + digits. */
  nextPartyNumber(): string { return `CDRM_${this.#tables.state.party++}`; }

  /**
   * A new change indicator, unique per change: hex text in the style of ADF's (a serialized Java
   * object, "ACED0005…", reference §2), ending in the change's sequence number.
   */
  nextChangeIndicator(): string {
    return `ACED0005737200${(this.#tables.state.change++).toString(16).toUpperCase().padStart(16, '0')}`;
  }

  /** The row `key` of `table`. */
  get(table: string, key: string): StoredRecord | undefined {
    return this.#tables.get(table, key);
  }

  /** The rows of `table` in insertion order. */
  list(table: string): Array<[string, StoredRecord]> {
    return this.#tables.list(table);
  }

  /**
   * Creates or replaces a row.
   * @throws Error outside a transaction (every pod write is part of a unit)
   */
  put(table: string, key: string, record: StoredRecord): void { this.#inUnit(); this.#tables.put(table, key, record); }

  /**
   * Removes a row.
   * @throws Error outside a transaction
   */
  delete(table: string, key: string): void { this.#inUnit(); this.#tables.delete(table, key); }

  #inUnit(): void {
    if (!this.#tables.inTransaction) throw new Error('RecordStore: a write outside a transaction');
  }

  /**
   * Runs `work` as one unit: when it returns `commit: false` or throws, every write it made is
   * undone; on commit of the outermost unit the changes are journalled. A unit inside another is a
   * savepoint: it undoes only its own writes, and the outer unit can still undo them.
   */
  transaction<T>(work: () => { commit: boolean; value: T }): T {
    return this.#tables.transaction(work);
  }

  /** Live rows per table, for `_stats.records`. */
  counts(): Map<string, number> {
    return this.#tables.counts();
  }

  /** Writes the snapshot now (on close). */
  flush(): void {
    this.#tables.flush();
  }
}
