/**
 * The sandbox's records: per entity set, ObjectID → stored entity (its properties and the change time
 * its ETag derives from). Child-node rows are records of their own entity set, like C4C's (see
 * child-nodes.ts). The tables, change sets (`transaction`, savepoints, undo, row order) and the file
 * are the kit's SandboxTables; this file keeps C4C's facts: readable IDs derived from rows, and change
 * times for ETags.
 */
import { randomBytes } from 'node:crypto';
import { SandboxTables } from '../../../src/connectors/index.ts';

/** One stored entity. `properties` hold wire values (strings, booleans, numbers, `/Date(ms)/`). */
export interface StoredEntity {
  properties: Record<string, unknown>;
  /** Epoch ms of the last change: the ETag. */
  changedAt: number;
}

/** The sandbox's sequence: the next readable `ID`. */
interface Sequences { nextId: number }

/** A new ObjectID: 32 upper-case hex digits (C4C's `00163E…` style). */
export function newObjectId(random: () => Buffer = () => randomBytes(13)): string {
  return ('00163E' + random().toString('hex')).toUpperCase().slice(0, 32);
}

/** A numeric `ID` a row holds raises the sequence past it, so IDs stay unique whatever a file or client brought. */
function raiseNextId(after: StoredEntity | undefined, state: Sequences): void {
  const id = String(after?.properties.ID ?? '');
  if (/^\d+$/.test(id)) state.nextId = Math.max(state.nextId, Number(id) + 1);
}

/** Reads data files from before the kit's format: `{ nextId, sets: { set: { id: entity } } }`, journal lines `{ set, id, entity }`. */
const LEGACY = {
  snapshot(raw: unknown) {
    const old = raw as { nextId?: unknown; sets?: Record<string, Record<string, StoredEntity>> };
    if (typeof old.nextId !== 'number' || typeof old.sets !== 'object' || old.sets === null) throw new Error('not a SAP C4C sandbox data file');
    return { state: { nextId: old.nextId }, tables: Object.fromEntries(Object.entries(old.sets).map(([set, rows]) => [set, Object.entries(rows)])) };
  },
  entry(raw: unknown) {
    const old = raw as { set: string; id: string; entity: StoredEntity | null };
    return { table: old.set, key: old.id, row: old.entity };
  },
};

/** The records of all entity sets. */
export class EntityStore {
  readonly #tables: SandboxTables<StoredEntity, Sequences>;
  #lastChange = 0;

  /** @param options.file the data file (journal beside it); in memory only when absent */
  constructor(options: { file?: string } = {}) {
    this.#tables = new SandboxTables<StoredEntity, Sequences>({
      state: { nextId: 5000 },
      ...(options.file ? { file: options.file } : {}),
      onChange: (change, state) => raiseNextId(change.after, state),
      upgrade: LEGACY,
    });
  }

  /** The next readable `ID` (`"5197"`-style, per sandbox). */
  nextReadableId(): string {
    return String(this.#tables.state.nextId++);
  }

  /** A change time strictly after the last one, so every change gives a new ETag. */
  changeTime(now: number): number {
    this.#lastChange = Math.max(now, this.#lastChange + 1);
    return this.#lastChange;
  }

  /** The entity `id` of `set`. */
  get(set: string, id: string): StoredEntity | undefined {
    return this.#tables.get(set, id);
  }

  /** Live entities of a set, in insertion order. */
  list(set: string): Array<[string, StoredEntity]> {
    return this.#tables.list(set);
  }

  /** Creates or replaces an entity (outside a change set it is kept at once). */
  put(set: string, id: string, entity: StoredEntity): void {
    this.#tables.put(set, id, entity);
  }

  /** Removes an entity (outside a change set it is kept at once). */
  delete(set: string, id: string): void {
    this.#tables.delete(set, id);
  }

  /**
   * Runs `work` as one change set: when it returns `commit: false` or throws, every change it made is
   * undone. A call inside another one is a savepoint: it undoes only its own changes, and the outer
   * change set can still undo them too (a deep insert inside a `$batch` change set). The caller runs
   * change sets one at a time (a `$batch` holds off other calls meanwhile).
   */
  transaction<T>(work: () => { commit: boolean; value: T }): T {
    return this.#tables.transaction(work);
  }

  /** Live records per entity set, for `_stats.records`. */
  counts(): Map<string, number> {
    return this.#tables.counts();
  }

  /** Writes the last snapshot (on close). */
  flush(): void {
    this.#tables.flush();
  }
}
