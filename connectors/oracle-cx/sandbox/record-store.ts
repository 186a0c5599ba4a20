/**
 * The pod's rows: per table (resource name, `messages` for the SR child) key → stored record, in
 * insertion order (offset paging relies on it). Writes run inside `transaction`, which logs the value
 * each write replaced so a failed call or batch is undone whole (§4 all-or-nothing). With a file,
 * committed changes are journalled (the kit's JournalFile) and replayed on start.
 */
import { JournalFile } from '../../../src/connectors/index.ts';

/** One row: its attribute values (wire JSON values), its change indicator (the ETag), and for a child its parent's key. */
export interface StoredRecord {
  values: Record<string, unknown>;
  changeIndicator: string;
  parent?: string;
}

/** The server's sequences: int64 ids (one sequence for every table), SR numbers, party numbers, change indicators. */
interface Counters { id: number; sr: number; party: number; change: number }
type Change = { table: string; key: string; record: StoredRecord | null; counters: Counters };
type Snapshot = { tables: Record<string, Array<[string, StoredRecord]>>; counters: Counters };

/** The first server-assigned key (contract: int64 from 300000000000001, Fusion's id range). */
export const FIRST_ID = 300_000_000_000_001;

/** All tables of the pod. */
export class RecordStore {
  readonly #tables = new Map<string, Map<string, StoredRecord>>();
  readonly #journal: JournalFile<Snapshot, Change> | undefined;
  #counters: Counters = { id: FIRST_ID, sr: 1, party: 100_001, change: 1 };
  /** The open transaction's undo log (value before each write), outermost first. */
  #undo: Change[] | undefined;
  /** Per table, its key order before the open transaction first deleted from it (a Map forgets where a deleted key stood). */
  #orders: Map<string, string[]> | undefined;
  /** Changes of the open transaction, journalled on commit. */
  #pending: Change[] = [];
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
    if (!options.file) return;
    this.#journal = new JournalFile<Snapshot, Change>({ file: options.file, snapshot: () => this.#snapshot() });
    const { snapshot, entries } = this.#journal.load();
    if (snapshot) {
      this.#counters = snapshot.counters;
      for (const [table, rows] of Object.entries(snapshot.tables)) {
        this.#tables.set(table, new Map(rows));
        for (const [key, row] of rows) this.#index(table, key, row, 'add');
      }
    }
    for (const change of entries) { this.#apply(change); this.#counters = change.counters; }
  }

  #snapshot(): Snapshot {
    return { counters: this.#counters, tables: Object.fromEntries([...this.#tables].map(([table, rows]) => [table, [...rows]])) };
  }

  #apply(change: Pick<Change, 'table' | 'key' | 'record'>): void {
    const rows = this.#tables.get(change.table) ?? new Map<string, StoredRecord>();
    this.#tables.set(change.table, rows);
    const before = rows.get(change.key);
    if (before) this.#index(change.table, change.key, before, 'remove');
    if (change.record) rows.set(change.key, change.record); else rows.delete(change.key);
    if (change.record) this.#index(change.table, change.key, change.record, 'add');
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

  #write(table: string, key: string, record: StoredRecord | null): void {
    if (!this.#undo) throw new Error('RecordStore: a write outside a transaction');
    if (!record && !this.#orders!.has(table)) this.#orders!.set(table, [...(this.#tables.get(table)?.keys() ?? [])]);
    this.#undo.push({ table, key, record: this.get(table, key) ?? null, counters: this.#counters });
    this.#apply({ table, key, record });
    this.#pending.push({ table, key, record, counters: { ...this.#counters } });
  }

  /** A new int64 key (any table). */
  nextId(): number { return this.#counters.id++; }

  /** A new SR number: `SR` + 10 digits. */
  nextSrNumber(): string { return `SR${String(this.#counters.sr++).padStart(10, '0')}`; }

  /** A new party number: `CDRM_` + digits. */
  nextPartyNumber(): string { return `CDRM_${this.#counters.party++}`; }

  /**
   * A new change indicator, unique per change: hex text in the style of ADF's (a serialized Java
   * object, "ACED0005…", reference §2), ending in the change's sequence number.
   */
  nextChangeIndicator(): string {
    return `ACED0005737200${(this.#counters.change++).toString(16).toUpperCase().padStart(16, '0')}`;
  }

  /** The row `key` of `table`. */
  get(table: string, key: string): StoredRecord | undefined {
    return this.#tables.get(table)?.get(key);
  }

  /** The rows of `table` in insertion order. */
  list(table: string): Array<[string, StoredRecord]> {
    return [...(this.#tables.get(table) ?? [])];
  }

  /** Creates or replaces a row (inside a transaction). */
  put(table: string, key: string, record: StoredRecord): void { this.#write(table, key, record); }

  /** Removes a row (inside a transaction). */
  delete(table: string, key: string): void { this.#write(table, key, null); }

  /**
   * Runs `work` as one unit: when it returns `commit: false` or throws, every write it made is
   * undone; on commit of the outermost unit the changes are journalled. A unit inside another is a
   * savepoint: it undoes only its own writes, and the outer unit can still undo them.
   */
  transaction<T>(work: () => { commit: boolean; value: T }): T {
    const outer = this.#undo !== undefined;
    const undo: Change[] = this.#undo ?? [];
    const orders = this.#orders ?? new Map<string, string[]>();
    const mark = undo.length;
    const pendingMark = this.#pending.length;
    this.#undo = undo;
    this.#orders = orders;
    const rollback = () => {
      for (const change of undo.splice(mark).reverse()) this.#apply(change);
      this.#pending.splice(pendingMark);
      for (const [table, order] of orders) this.#reorder(table, order);
    };
    try {
      const result = work();
      if (!result.commit) rollback();
      return result.value;
    } catch (error) {
      rollback(); // a failure half-way (a bug) must not leave half a change
      throw error;
    } finally {
      if (!outer) {
        this.#undo = undefined;
        this.#orders = undefined;
        for (const change of this.#pending) this.#journal?.append(change);
        this.#pending = [];
      }
    }
  }

  /** Puts a table's rows back in `order`; rows added since follow in their current order. */
  #reorder(table: string, order: readonly string[]): void {
    const rows = this.#tables.get(table);
    if (!rows) return;
    const sorted = new Map<string, StoredRecord>();
    for (const key of order) { const row = rows.get(key); if (row) sorted.set(key, row); }
    for (const [key, row] of rows) if (!sorted.has(key)) sorted.set(key, row);
    this.#tables.set(table, sorted);
  }

  /** Live rows per table, for `_stats.records`. */
  counts(): Map<string, number> {
    return new Map([...this.#tables].map(([table, rows]) => [table, rows.size]));
  }

  /** Writes the snapshot now (on close). */
  flush(): void {
    this.#journal?.flush();
  }
}
