import { JournalFile } from '../../../src/connectors/index.ts';
import type { SandboxRecord } from './types.ts';

/** What `checkpoint` returns; opaque to callers. */
export interface StoreCheckpoint {
  readonly live: Map<string, Map<string, SandboxRecord>>;
  readonly deleted: Map<string, Map<string, SandboxRecord>>;
  readonly objectOfId: Map<string, string>;
  readonly counter: number;
}

interface Snapshot {
  version: 1;
  counter: number;
  records: Record<string, SandboxRecord[]>;
  deleted: Record<string, SandboxRecord[]>;
}

/** One journalled change. */
interface JournalEntry { op: 'put' | 'remove' | 'erase'; object: string; record?: SandboxRecord; id?: string; counter: number }

/**
 * The sandbox org's records, per object, in memory; optionally kept in a file so the demo's CRM
 * survives a restart, even a killed one, through the sandbox kit's journal file: every change is
 * journalled before the call that made it is answered; the snapshot is rewritten at start-up and
 * close and at most once per `flushMs` otherwise.
 */
export class RecordStore {
  readonly #live = new Map<string, Map<string, SandboxRecord>>();
  readonly #deleted = new Map<string, Map<string, SandboxRecord>>();
  readonly #objectOfId = new Map<string, string>();
  #counter = 0;
  readonly #journal: JournalFile<Snapshot, JournalEntry> | undefined;

  /**
   * @param file JSON file to load from and save to; undefined keeps records in memory only
   * @throws Error when the file exists but is not a snapshot this sandbox wrote
   */
  constructor(options: { file?: string; flushMs?: number } = {}) {
    if (!options.file) return;
    const file = options.file;
    this.#journal = new JournalFile<Snapshot, JournalEntry>({ file, flushMs: options.flushMs, snapshot: () => this.#snapshot() });
    const { snapshot, entries } = this.#journal.load();
    if (snapshot) this.#load(file, snapshot);
    for (const entry of entries) {
      if (entry.op === 'put' && entry.record) this.#apply('put', entry.object, entry.record);
      if (entry.op === 'remove' && entry.id) this.#apply('remove', entry.object, undefined, entry.id);
      if (entry.op === 'erase' && entry.id) this.#apply('erase', entry.object, undefined, entry.id);
      this.#counter = Math.max(this.#counter, entry.counter);
    }
    this.flush();
  }

  /** The next number for a new record id (ids are made from it by the caller). */
  nextCounter(): number {
    return ++this.#counter;
  }

  live(object: string): Map<string, SandboxRecord> {
    let map = this.#live.get(object);
    if (!map) this.#live.set(object, map = new Map());
    return map;
  }

  deleted(object: string): Iterable<SandboxRecord> {
    return this.#deleted.get(object)?.values() ?? [];
  }

  /** A live record by id (15 or 18 characters), with its object. */
  byId(id: string): { object: string; record: SandboxRecord } | undefined {
    const object = this.#objectOfId.get(id.slice(0, 15));
    if (!object) return undefined;
    const record = this.#live.get(object)?.get(id.slice(0, 15));
    return record ? { object, record } : undefined;
  }

  /** True when the id belonged to a record that was deleted. */
  wasDeleted(id: string): boolean {
    const object = this.#objectOfId.get(id.slice(0, 15));
    return object !== undefined && (this.#deleted.get(object)?.has(id.slice(0, 15)) ?? false);
  }

  put(object: string, record: SandboxRecord): void {
    this.#apply('put', object, record);
    this.#append({ op: 'put', object, record, counter: this.#counter });
  }

  remove(object: string, id: string): SandboxRecord | undefined {
    const record = this.#apply('remove', object, undefined, id);
    if (record) this.#append({ op: 'remove', object, id, counter: this.#counter });
    return record;
  }

  /**
   * Removes a record for good, live or in the recycle bin: a Bulk API `hardDelete` (reference §9),
   * which leaves nothing for `queryAll` to show. `remove` is the soft delete every other API does.
   * @returns the record as it was, or undefined when there was none
   */
  erase(object: string, id: string): SandboxRecord | undefined {
    const record = this.#apply('erase', object, undefined, id);
    if (record) this.#append({ op: 'erase', object, id, counter: this.#counter });
    return record;
  }

  #apply(op: 'put' | 'remove' | 'erase', object: string, record?: SandboxRecord, id?: string): SandboxRecord | undefined {
    if (op === 'put') {
      this.live(object).set(record!.Id.slice(0, 15), record!);
      this.#objectOfId.set(record!.Id.slice(0, 15), object);
      return record;
    }
    const key = id!.slice(0, 15);
    if (op === 'erase') {
      const gone = this.#live.get(object)?.get(key) ?? this.#deleted.get(object)?.get(key);
      this.#live.get(object)?.delete(key);
      this.#deleted.get(object)?.delete(key);
      // The id stays known (objectOfId), so a later write names it as deleted, not as malformed.
      return gone;
    }
    const existing = this.#live.get(object)?.get(key);
    if (!existing) return undefined;
    this.#live.get(object)!.delete(key);
    let bin = this.#deleted.get(object);
    if (!bin) this.#deleted.set(object, bin = new Map());
    bin.set(key, { ...existing, IsDeleted: true });
    return existing;
  }

  #append(entry: JournalEntry): void {
    this.#journal?.append(entry);
  }

  /**
   * A point to roll back to (Composite with allOrNone, Composite Graph). Records are replaced on
   * every write, never mutated, so copying the maps is enough.
   */
  checkpoint(): StoreCheckpoint {
    const copy = (maps: Map<string, Map<string, SandboxRecord>>) => new Map([...maps].map(([o, m]) => [o, new Map(m)] as const));
    return { live: copy(this.#live), deleted: copy(this.#deleted), objectOfId: new Map(this.#objectOfId), counter: this.#counter };
  }

  /** Returns to a checkpoint: writes made since are undone (the id counter keeps going, as Salesforce's does). */
  rollback(checkpoint: StoreCheckpoint): void {
    for (const [target, source] of [[this.#live, checkpoint.live], [this.#deleted, checkpoint.deleted]] as const) {
      target.clear();
      for (const [o, m] of source) target.set(o, new Map(m));
    }
    this.#objectOfId.clear();
    for (const [k, v] of checkpoint.objectOfId) this.#objectOfId.set(k, v);
    // The journal holds the writes just undone: replace it with a snapshot now.
    this.flush();
  }

  /** Live records per object. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.#live].map(([object, map]) => [object, map.size]));
  }

  /** Writes a pending change now (on close). */
  flush(): void {
    this.#journal?.flush();
  }

  #snapshot(): Snapshot {
    return {
      version: 1,
      counter: this.#counter,
      records: Object.fromEntries([...this.#live].map(([o, m]) => [o, [...m.values()]])),
      deleted: Object.fromEntries([...this.#deleted].map(([o, m]) => [o, [...m.values()]])),
    };
  }

  #load(file: string, snapshot: Snapshot): void {
    if (snapshot.version !== 1 || typeof snapshot.records !== 'object') throw new Error(`${file} is not a Salesforce sandbox snapshot`);
    this.#counter = snapshot.counter;
    for (const [object, records] of Object.entries(snapshot.records)) {
      for (const record of records) { this.live(object).set(record.Id.slice(0, 15), record); this.#objectOfId.set(record.Id.slice(0, 15), object); }
    }
    for (const [object, records] of Object.entries(snapshot.deleted ?? {})) {
      const bin = new Map(records.map((r) => [r.Id.slice(0, 15), r] as const));
      this.#deleted.set(object, bin);
      for (const record of records) this.#objectOfId.set(record.Id.slice(0, 15), object);
    }
  }
}
