/**
 * The sandbox's records: per entity set, ObjectID → stored entity (its properties and the change time
 * its ETag derives from). Child-node rows are records of their own entity set, like C4C's (see
 * child-nodes.ts). Change sets run inside `transaction`: every change is logged with the value it
 * replaced, so a failed change set is undone alone. With a file, changes are journaled (the kit's
 * JournalFile) and replayed on start.
 */
import { randomBytes } from 'node:crypto';
import { JournalFile } from '../../../src/connectors/index.ts';

/** One stored entity. `properties` hold wire values (strings, booleans, numbers, `/Date(ms)/`). */
export interface StoredEntity {
  properties: Record<string, unknown>;
  /** Epoch ms of the last change: the ETag. */
  changedAt: number;
}

type Change = { set: string; id: string; entity: StoredEntity | null };
type Snapshot = { sets: Record<string, Record<string, StoredEntity>>; nextId: number };

/** A new ObjectID: 32 upper-case hex digits (C4C's `00163E…` style). */
export function newObjectId(random: () => Buffer = () => randomBytes(13)): string {
  return ('00163E' + random().toString('hex')).toUpperCase().slice(0, 32);
}

/** The records of all entity sets. */
export class EntityStore {
  readonly #sets = new Map<string, Map<string, StoredEntity>>();
  readonly #journal: JournalFile<Snapshot, Change> | undefined;
  #undo: Change[] | undefined;
  /**
   * Per set, its row order when the open change set first deleted from it. A Map forgets where a
   * deleted key stood, so a rollback that puts rows back re-sorts the set by this (insertion order is
   * what `list`, and so server paging, promise). Taken only on a delete: other changes keep the order.
   */
  #orders: Map<string, string[]> | undefined;
  #nextId = 5000;
  #lastChange = 0;

  constructor(options: { file?: string } = {}) {
    if (!options.file) return;
    this.#journal = new JournalFile<Snapshot, Change>({ file: options.file, snapshot: () => this.#snapshot() });
    const { snapshot, entries } = this.#journal.load();
    if (snapshot) {
      this.#nextId = snapshot.nextId;
      for (const [set, rows] of Object.entries(snapshot.sets)) this.#sets.set(set, new Map(Object.entries(rows)));
    }
    for (const change of entries) this.#apply(change);
  }

  #snapshot(): Snapshot {
    return { nextId: this.#nextId, sets: Object.fromEntries([...this.#sets].map(([set, rows]) => [set, Object.fromEntries(rows)])) };
  }

  #apply(change: Change): void {
    const rows = this.#sets.get(change.set) ?? new Map<string, StoredEntity>();
    this.#sets.set(change.set, rows);
    if (change.entity) rows.set(change.id, change.entity); else rows.delete(change.id);
    if (change.entity && /^\d+$/.test(String(change.entity.properties.ID ?? ''))) this.#nextId = Math.max(this.#nextId, Number(change.entity.properties.ID) + 1);
  }

  #write(change: Change): void {
    this.#undo?.push({ set: change.set, id: change.id, entity: this.get(change.set, change.id) ?? null });
    this.#apply(change);
    this.#journal?.append(change);
  }

  /** The next readable `ID` (`"5197"`-style, per sandbox). */
  nextReadableId(): string {
    return String(this.#nextId++);
  }

  /** A change time strictly after the last one, so every change gives a new ETag. */
  changeTime(now: number): number {
    this.#lastChange = Math.max(now, this.#lastChange + 1);
    return this.#lastChange;
  }

  get(set: string, id: string): StoredEntity | undefined {
    return this.#sets.get(set)?.get(id);
  }

  /** Live entities of a set, in insertion order. */
  list(set: string): Array<[string, StoredEntity]> {
    return [...(this.#sets.get(set) ?? [])];
  }

  put(set: string, id: string, entity: StoredEntity): void {
    this.#write({ set, id, entity });
  }

  delete(set: string, id: string): void {
    if (this.#orders && !this.#orders.has(set)) this.#orders.set(set, [...(this.#sets.get(set)?.keys() ?? [])]);
    this.#write({ set, id, entity: null });
  }

  /**
   * Runs `work` as one change set: when it returns `commit: false` or throws, every change it made is
   * undone. A call inside another one is a savepoint: it undoes only its own changes, and the outer
   * change set can still undo them too (a deep insert inside a `$batch` change set). The caller runs
   * change sets one at a time (a `$batch` holds off other calls meanwhile).
   */
  transaction<T>(work: () => { commit: boolean; value: T }): T {
    const outer = this.#undo;
    const undo: Change[] = outer ?? [];
    const orders = this.#orders ?? new Map<string, string[]>();
    const mark = undo.length;
    this.#undo = undo;
    this.#orders = orders;
    const rollback = () => {
      this.#undo = undefined; // undoing must not log undo entries of its own
      const undone = undo.splice(mark).reverse();
      for (const change of undone) { this.#apply(change); this.#journal?.append(change); }
      const restored = new Set(undone.filter((c) => c.entity !== null).map((c) => c.set));
      const reordered = [...orders.keys()].filter((set) => restored.has(set));
      for (const set of reordered) this.#reorder(set, orders.get(set)!);
      // The journal replays puts, which append: only a snapshot keeps the restored order.
      if (reordered.length > 0) this.#journal?.flush();
    };
    try {
      const result = work();
      if (!result.commit) rollback();
      return result.value;
    } catch (error) {
      rollback(); // a failure mid change set (a bug, an I/O error) must not leave half of it
      throw error;
    } finally {
      this.#undo = outer;
      this.#orders = outer ? orders : undefined;
    }
  }

  /** Puts a set's rows back in `order`; rows added since it was taken follow, in their current order. */
  #reorder(set: string, order: readonly string[]): void {
    const rows = this.#sets.get(set);
    if (!rows) return;
    const sorted = new Map<string, StoredEntity>();
    for (const id of order) { const entity = rows.get(id); if (entity) sorted.set(id, entity); }
    for (const [id, entity] of rows) if (!sorted.has(id)) sorted.set(id, entity);
    this.#sets.set(set, sorted);
  }

  /** Live records per entity set, for `_stats.records`. */
  counts(): Map<string, number> {
    return new Map([...this.#sets].map(([set, rows]) => [set, rows.size]));
  }

  /** Writes the last snapshot (on close). */
  flush(): void {
    this.#journal?.flush();
  }
}
