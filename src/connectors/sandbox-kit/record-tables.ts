/**
 * A sandbox's records, written once for every vendor: keyed rows per table in insertion order (offset
 * and server paging rely on it), units of work with savepoints that undo a failed unit whole, and
 * persistence through the kit's JournalFile. A vendor keeps only its facts: its row shape, its small
 * `State` (sequences: ids, numbers, change indicators) and, through `onChange`, whatever it derives
 * from rows (attribute indexes, counters read from row IDs).
 *
 * Only committed changes reach the journal: a rolled-back unit never touches the file, so a restart
 * gives the committed rows in their committed order. (The rejected alternative journals every write
 * plus its undo entries; replaying a restored row appends it, so it then needs a snapshot after every
 * rollback that disturbed an order. Journalling on commit needs neither.)
 */
import { JournalFile } from './journal-file.ts';

/** One row change as the tables saw it; `undefined` means "no row" (before a create, after a delete). */
export interface TableChange<Row> {
  table: string;
  key: string;
  before: Row | undefined;
  after: Row | undefined;
}

/** The snapshot file's JSON: every table's rows in order, and the vendor's state. */
export interface TablesSnapshot<Row, State> {
  format: typeof FORMAT;
  tables: Record<string, Array<[string, Row]>>;
  state: State;
}

/** One journal line: a committed row change (`row: null` deletes) and the vendor's state at its commit. */
export interface TablesEntry<Row, State> {
  table: string;
  key: string;
  row: Row | null;
  state: State;
}

/** Reads files an older store wrote in its own shape. `state` may be left out of an entry: the current one stays. */
export interface TablesUpgrade<Row, State> {
  /** @throws Error when `raw` is no snapshot of this vendor's */
  snapshot(raw: unknown): Omit<TablesSnapshot<Row, State>, 'format'>;
  entry(raw: unknown): Omit<TablesEntry<Row, State>, 'state'> & { state?: State };
}

/** How a vendor sets its tables up. */
export interface SandboxTablesOptions<Row, State> {
  /** The state of a new, empty store (JSON-safe: it is copied into every journal line). */
  state: State;
  /** The snapshot file (journal beside it, `<file>.journal`); in memory only when absent. */
  file?: string;
  /** Longest wait between a change and the next snapshot, ms (JournalFile's default when absent). */
  flushMs?: number;
  /**
   * Called on every row change, also while loading, undoing or replaying, with the live state: the
   * place for indexes or counters derived from rows. Not called for a pure reorder.
   */
  onChange?: (change: TableChange<Row>, state: State) => void;
  /** Reads files written before the kit's format (see `TablesUpgrade`). */
  upgrade?: TablesUpgrade<Row, State>;
}

const FORMAT = 'sandbox-tables/1';

/** An open unit: where its undo entries and pending changes start, and per table its order before its first delete. */
interface Unit {
  undoMark: number;
  pendingMark: number;
  orders: Map<string, string[]>;
}

type Write<Row> = { table: string; key: string; row: Row | null };

/** All tables of one sandbox. `Row` is the vendor's stored row, `State` its sequences. */
export class SandboxTables<Row, State> {
  readonly #tables = new Map<string, Map<string, Row>>();
  readonly #journal: JournalFile<TablesSnapshot<Row, State>, unknown> | undefined;
  readonly #onChange: SandboxTablesOptions<Row, State>['onChange'];
  #state: State;
  /** Open units, outermost first: empty outside `transaction`. */
  readonly #units: Unit[] = [];
  /** Values before each write of the open units (`null`: there was no row). */
  #undo: Array<Write<Row>> = [];
  /** Writes of the open units, journalled when the outermost commits. */
  #pending: Array<Write<Row>> = [];

  /**
   * Loads the file's snapshot and journal when there is a file.
   * @throws Error when the snapshot is in no known format; SyntaxError when it is not JSON
   */
  constructor(options: SandboxTablesOptions<Row, State>) {
    this.#state = options.state;
    this.#onChange = options.onChange;
    if (!options.file) return;
    this.#journal = new JournalFile<TablesSnapshot<Row, State>, unknown>({
      file: options.file,
      snapshot: () => this.#snapshot(),
      ...(options.flushMs === undefined ? {} : { flushMs: options.flushMs }),
    });
    const { snapshot, entries } = this.#journal.load();
    if (snapshot !== undefined) {
      const current = (snapshot as { format?: unknown }).format === FORMAT;
      if (!current && !options.upgrade) throw new Error(`${options.file}: not a sandbox tables snapshot`);
      const read = current ? snapshot : options.upgrade!.snapshot(snapshot);
      this.#state = read.state;
      for (const [table, rows] of Object.entries(read.tables)) {
        this.#tables.set(table, new Map());
        for (const [key, row] of rows) this.#apply({ table, key, row });
      }
    }
    for (const raw of entries) {
      const entry = raw !== null && typeof raw === 'object' && 'row' in raw ? raw as TablesEntry<Row, State> : options.upgrade?.entry(raw);
      if (!entry) continue; // a line of an unknown shape and nothing to read it with: a foreign file's tail
      this.#apply(entry);
      if (entry.state !== undefined) this.#state = entry.state;
    }
  }

  /** The vendor's live state: mutate its fields (`tables.state.nextId++`); changes are journalled with the next commit. Not undone by a rollback, as a database's sequences are not. */
  get state(): State {
    return this.#state;
  }

  /** True inside `transaction`. */
  get inTransaction(): boolean {
    return this.#units.length > 0;
  }

  /** The row `key` of `table`. */
  get(table: string, key: string): Row | undefined {
    return this.#tables.get(table)?.get(key);
  }

  /** The rows of `table` in insertion order (a replaced row keeps its place). */
  list(table: string): Array<[string, Row]> {
    return [...(this.#tables.get(table) ?? [])];
  }

  /** Creates or replaces a row. Outside a transaction it commits (and is journalled) at once. */
  put(table: string, key: string, row: Row): void {
    this.#write({ table, key, row });
  }

  /** Removes a row (no-op on a missing one, but the table then exists). Outside a transaction it commits at once. */
  delete(table: string, key: string): void {
    // A Map forgets where a deleted key stood: every open unit keeps the order it may have to restore.
    for (const unit of this.#units) if (!unit.orders.has(table)) unit.orders.set(table, [...(this.#tables.get(table)?.keys() ?? [])]);
    this.#write({ table, key, row: null });
  }

  /**
   * Runs `work` as one unit: when it returns `commit: false` or throws, every write it made is undone
   * and each table it deleted from gets its order back; when the outermost unit ends, its surviving
   * writes are journalled. A unit inside another is a savepoint: it undoes only its own writes, and
   * the outer unit can still undo them. Units run one at a time (synchronous `work`).
   * @throws whatever `work` throws, after the undo
   */
  transaction<T>(work: () => { commit: boolean; value: T }): T {
    const unit: Unit = { undoMark: this.#undo.length, pendingMark: this.#pending.length, orders: new Map() };
    this.#units.push(unit);
    const rollback = () => {
      for (const write of this.#undo.splice(unit.undoMark).reverse()) this.#apply(write);
      this.#pending.splice(unit.pendingMark);
      for (const [table, order] of unit.orders) this.#reorder(table, order);
    };
    try {
      const result = work();
      if (!result.commit) rollback();
      return result.value;
    } catch (error) {
      rollback(); // a failure half-way (a bug, an I/O error) must not leave half a unit
      throw error;
    } finally {
      this.#units.pop();
      if (this.#units.length === 0) {
        const committed = this.#pending;
        this.#pending = [];
        this.#undo = [];
        for (const write of committed) this.#append(write);
      }
    }
  }

  /** Live rows per table (a table once written to stays, possibly at 0), for `_stats.records`. */
  counts(): Map<string, number> {
    return new Map([...this.#tables].map(([table, rows]) => [table, rows.size]));
  }

  /** Writes the snapshot now and empties the journal (on close). No-op in memory. */
  flush(): void {
    this.#journal?.flush();
  }

  #write(write: Write<Row>): void {
    if (this.#units.length === 0) {
      this.#apply(write);
      this.#append(write);
      return;
    }
    this.#undo.push({ table: write.table, key: write.key, row: this.get(write.table, write.key) ?? null });
    this.#apply(write);
    this.#pending.push(write);
  }

  #apply(write: Write<Row>): void {
    const rows = this.#tables.get(write.table) ?? new Map<string, Row>();
    this.#tables.set(write.table, rows);
    const before = rows.get(write.key);
    if (write.row === null) rows.delete(write.key); else rows.set(write.key, write.row);
    this.#onChange?.({ table: write.table, key: write.key, before, after: write.row ?? undefined }, this.#state);
  }

  #append(write: Write<Row>): void {
    this.#journal?.append({ ...write, state: structuredClone(this.#state) } satisfies TablesEntry<Row, State>);
  }

  /** Puts a table's rows back in `order`; rows added since follow in their current order. */
  #reorder(table: string, order: readonly string[]): void {
    const rows = this.#tables.get(table);
    if (!rows) return;
    const sorted = new Map<string, Row>();
    for (const key of order) { const row = rows.get(key); if (row !== undefined) sorted.set(key, row); }
    for (const [key, row] of rows) if (!sorted.has(key)) sorted.set(key, row);
    this.#tables.set(table, sorted);
  }

  #snapshot(): TablesSnapshot<Row, State> {
    return { format: FORMAT, state: this.#state, tables: Object.fromEntries([...this.#tables].map(([table, rows]) => [table, [...rows]])) };
  }
}
