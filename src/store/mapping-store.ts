import type { Page } from './store.ts';

/**
 * Mappings as the store keeps them: every version of every mapping, append-only, so that a change
 * made through the API or a reloaded file is a version with an author and a time, an `If-Match`
 * can refuse a lost update, and each operation can name the version that made it
 * (`NewOperation.mappingVersion`).
 */

/** One version of one mapping. */
export interface StoredMappingVersion {
  mappingId: string;
  /** 1, 2, 3… per mapping id, without gaps. */
  version: number;
  /** The text as given (YAML or JSON); absent on a deletion. */
  body?: string;
  format: 'yaml' | 'json';
  /** A deletion: the mapping is gone from this version on (a tombstone; a later save brings it back). */
  deleted: boolean;
  /** Who: the API key's name, or `file:<path>` for a file loaded or reloaded. */
  author: string;
  origin: 'file' | 'api';
  /** sha256 (hex) of `body`, '' when deleted: lets the loader skip a file that did not change. */
  digest: string;
  /** ISO 8601. */
  createdAt: string;
}

/** A version about to be saved: the store numbers and dates it. */
export type NewMappingVersion = Omit<StoredMappingVersion, 'version' | 'createdAt'>;

/** What `save` answers: the version stored, or, on an `ifVersion` mismatch, the latest (absent when the id has none). */
export type MappingSaveResult =
  | { conflict: false; version: StoredMappingVersion }
  | { conflict: true; latest?: StoredMappingVersion };

export interface MappingStore {
  /**
   * Appends a version of `v.mappingId`, numbered one above its latest, dated `now`. With
   * `ifVersion`, only when the latest version of that id is exactly this number (0: the id has no
   * version yet); otherwise it stores nothing and answers `{ conflict: true, latest }`. Atomic: of
   * two concurrent saves with the same `ifVersion` exactly one wins (a unique (mapping id, version)
   * key decides). Without `ifVersion` it always appends.
   */
  save(v: NewMappingVersion, options: { now: Date; ifVersion?: number }): Promise<MappingSaveResult>;
  /** The latest version of every mapping id, by id; deleted ones included, so a caller sees the tombstone. */
  latest(): Promise<StoredMappingVersion[]>;
  /** Every version of one id, newest first; `after` is a `next` token of an earlier page. */
  versions(mappingId: string, query: { limit: number; after?: string }): Promise<Page<StoredMappingVersion>>;
  get(mappingId: string, version: number): Promise<StoredMappingVersion | undefined>;
  /**
   * A number that grows with every save, whichever id and whichever instance saved: instances poll
   * it to learn a mapping changed elsewhere, then read `latest()`. Versions are never removed, so
   * it is their count (see the stores for why not the highest sequence number).
   */
  changeMark(): Promise<number>;
}
