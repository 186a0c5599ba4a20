import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from 'pino';
import type { ObjectCatalog } from '../connectors/destination.ts';
import { errors } from '../errors.ts';
import type { StoredMappingVersion } from '../store/mapping-store.ts';
import type { Store } from '../store/store.ts';
import { checkMapping, type LocatedProblem } from './check-text.ts';
import type { CompiledMapping } from './compiled-mapping.ts';
import { digestOf, readMappingFiles, type MappingFileText } from './mapping-files.ts';
import type { VersionedMapping } from './mapping-set.ts';

/** A mapping in force: compiled, with the stored version it came from. */
export interface LiveMapping {
  mapping: CompiledMapping;
  version: StoredMappingVersion;
}

/** What a reload of the files did. */
export interface ReloadReport {
  /** Ids whose file was new or edited: a new version is in force. */
  changed: string[];
  /** Ids whose file is gone: deleted (a version that says so). */
  removed: string[];
  /** Files refused: their running version (if any) stays in force. */
  problems: LocatedProblem[];
}

export interface MappingRegistryOptions {
  store: Pick<Store, 'mappings'>;
  /** The mappings folder (`mappingsDir`): `<destination>/<id>.yaml`. */
  dir: string;
  /** Configured destinations: files for others are skipped (one warning each), API writes to others refused. */
  destinations: readonly string[];
  /** The catalogs destinations last answered: an edit is checked against its destination's, when known. */
  catalogs: () => ReadonlyMap<string, ObjectCatalog>;
  logger: Logger;
  now: () => Date;
  /** The set in force changed (the planner looks at once). */
  onChange?: () => void;
  /** How often another instance's edits are looked for, ms (default 5000). */
  refreshMs?: number;
}

/**
 * The mappings in force, versioned in the store (issue 21 item 4). Files are where mappings start:
 * at start-up and on every reload a new or edited file becomes a new version (author
 * `file:<path>`), a removed one a deletion; `PUT`/`DELETE /v1/mappings/:id` add versions too (author
 * the API key's name). The latest version of each id is in force; one that fails its checks never
 * replaces it. Every instance reads the same store, and looks for others' edits every `refreshMs`.
 */
export interface MappingRegistry {
  /** Reads the files into the store and builds the set in force. @throws PARLEY_MAPPING_INVALID when a file is invalid (start-up stops) */
  load(): Promise<void>;
  /** The compiled mappings in force now (the planner, dispatcher and resyncs read this). */
  current(): readonly CompiledMapping[];
  /** Every mapping in force, by id. */
  list(): readonly LiveMapping[];
  get(id: string): LiveMapping | undefined;
  /** The version in force of a mapping id (an operation records it). */
  versionOf(id: string): number | undefined;
  /**
   * Checks and stores a new version. `ifVersion` (from `If-Match`): only over exactly that version
   * (0: only when the id has none in force).
   * @throws PARLEY_API_MAPPING_REFUSED (422) with `details.problems[]` when it does not pass its checks
   * @throws PARLEY_API_MAPPING_VERSION_MISMATCH (412) when `ifVersion` is not the latest version
   * @throws PARLEY_API_MAPPING_CATALOG_UNKNOWN (409) when its destination has not answered its catalog yet
   */
  put(id: string, text: string, format: 'yaml' | 'json', by: { author: string; ifVersion?: number }): Promise<LiveMapping>;
  /**
   * Deletes a mapping: a version that says so; its operations already queued stay queued.
   * @throws PARLEY_API_MAPPING_NOT_FOUND (404), PARLEY_API_MAPPING_VERSION_MISMATCH (412)
   */
  remove(id: string, by: { author: string; ifVersion?: number }): Promise<StoredMappingVersion>;
  /** Reads the files again (`POST /v1/mappings/reload`, the file watcher). */
  reload(): Promise<ReloadReport>;
  /** Rebuilds the set from the store when another instance changed it; true when it did. */
  refresh(): Promise<boolean>;
  /** Starts watching the folder and the store; returns the stop. */
  watch(): () => void;
}

export function createMappingRegistry(options: MappingRegistryOptions): MappingRegistry {
  const log = options.logger;
  const facet = options.store.mappings;
  let live = new Map<string, LiveMapping>();
  let currentList: readonly CompiledMapping[] = [];
  let mark = -1;
  const warnedFolders = new Set<string>();

  const labelOf = (v: StoredMappingVersion) => (v.origin === 'file' && v.author.startsWith('file:') ? v.author.slice(5) : `${v.mappingId} (version ${v.version}, by ${v.author})`);

  /** Compiles a stored version; one that no longer compiles (a newer Parley's stricter checks) is logged and left out. */
  const compiled = (v: StoredMappingVersion): CompiledMapping | undefined => {
    const earlier = live.get(v.mappingId);
    if (earlier && earlier.version.version === v.version) return earlier.mapping;
    const checked = checkMapping(v.body ?? '', labelOf(v), { id: v.mappingId });
    // The version travels with the mapping: each operation it plans records it.
    if (checked.mapping) return { ...checked.mapping, version: v.version } as VersionedMapping;
    log.error({ mappingId: v.mappingId, version: v.version, problems: checked.problems }, 'a stored mapping version no longer passes its checks; it is not in force');
    return undefined;
  };

  const rebuild = async (): Promise<boolean> => {
    const seen = await facet.changeMark();
    if (seen === mark) return false;
    const next = new Map<string, LiveMapping>();
    for (const v of await facet.latest()) {
      if (v.deleted) continue;
      const mapping = compiled(v);
      if (!mapping || !options.destinations.includes(mapping.definition.target.destination)) continue;
      next.set(v.mappingId, { mapping: mapping as VersionedMapping, version: v });
    }
    const changed = next.size !== live.size || [...next].some(([id, m]) => live.get(id)?.version.version !== m.version.version);
    live = new Map([...next].sort(([a], [b]) => a.localeCompare(b)));
    currentList = [...live.values()].map((m) => m.mapping);
    mark = seen;
    if (changed) options.onChange?.();
    return changed;
  };

  const configuredFiles = (): MappingFileText[] => readMappingFiles(options.dir).filter((f) => {
    if (options.destinations.includes(f.destination)) return true;
    if (!warnedFolders.has(f.destination)) {
      warnedFolders.add(f.destination);
      log.warn({ destination: f.destination, configured: options.destinations }, `mappings for "${f.destination}" not loaded: it is not a configured destination`);
    }
    return false;
  });

  /** The last version that came from a file, for an id whose latest came over the API. */
  const lastFromFile = async (latest: StoredMappingVersion): Promise<StoredMappingVersion | undefined> => {
    if (latest.origin === 'file') return latest;
    for (let after: string | undefined; ;) {
      const page = await facet.versions(latest.mappingId, { limit: 100, ...(after !== undefined ? { after } : {}) });
      const found = page.items.find((v) => v.origin === 'file');
      if (found || page.next === null) return found;
      after = page.next;
    }
  };

  /**
   * Files → versions. A file new or edited since it was last read becomes a version (it wins over an
   * API edit made since: the file is what its owner changed last); one unchanged since leaves an API
   * edit in force; a file gone deletes what came from it. `strict`: an invalid file throws.
   */
  const syncFiles = async (strict: boolean): Promise<ReloadReport> => {
    const report: ReloadReport = { changed: [], removed: [], problems: [] };
    const files = configuredFiles();
    const latest = new Map((await facet.latest()).map((v) => [v.mappingId, v]));
    const seenIds = new Map<string, string>();
    const valid: MappingFileText[] = [];
    for (const file of files) {
      const checked = checkMapping(file.text, file.file, { id: file.id, destination: file.destination }, options.catalogs());
      const twin = seenIds.get(file.id);
      if (twin) checked.problems.push({ file: file.file, line: 1, column: 1, ...checked.mapping?.locate('id', { at: 'value' }), mappingId: file.id, key: 'id', message: `"${file.id}" is already the id of ${twin}` });
      seenIds.set(file.id, file.file);
      if (checked.problems.length > 0) { report.problems.push(...checked.problems); continue; }
      valid.push(file);
    }
    if (strict && report.problems.length > 0) {
      throw errors.MAPPING_INVALID({ file: [...new Set(report.problems.map((p) => p.file))].join(', '), issues: report.problems.map(issueOf), problems: report.problems });
    }
    for (const file of valid) {
      const before = latest.get(file.id);
      if (before && !before.deleted && before.digest === file.digest) continue;
      if (before && (await lastFromFile(before))?.digest === file.digest && !before.deleted) continue;
      if (before?.deleted && before.origin === 'api' && (await lastFromFile(before))?.digest === file.digest) continue;
      const saved = await facet.save({ mappingId: file.id, body: file.text, format: 'yaml', deleted: false, author: `file:${file.file}`, origin: 'file', digest: file.digest }, { now: options.now(), ifVersion: before?.version ?? 0 });
      if (!saved.conflict) report.changed.push(file.id);
    }
    for (const [id, v] of latest) {
      if (v.deleted || v.origin !== 'file' || seenIds.has(id)) continue;
      const saved = await facet.save({ mappingId: id, format: 'yaml', deleted: true, author: v.author, origin: 'file', digest: '' }, { now: options.now(), ifVersion: v.version });
      if (!saved.conflict) report.removed.push(id);
    }
    for (const p of report.problems) log.error(p, `mapping ${p.mappingId} in ${p.file} is invalid; its running version stays in force`);
    await rebuild();
    return report;
  };

  const mismatch = (id: string, latest: StoredMappingVersion | undefined, ifVersion: number) =>
    errors.API_MAPPING_VERSION_MISMATCH({ id, ifMatch: `"${ifVersion}"`, current: latest && !latest.deleted ? `"${latest.version}"` : null });

  return {
    load: async () => { await syncFiles(true); },
    current: () => currentList,
    list: () => [...live.values()],
    get: (id) => live.get(id),
    versionOf: (id) => live.get(id)?.version.version,
    async put(id, text, format, by) {
      const checked = checkMapping(text, `PUT /v1/mappings/${id}`, { id }, options.catalogs());
      const destination = checked.mapping?.definition.target.destination;
      if (destination !== undefined && !options.destinations.includes(destination)) {
        checked.problems.push({ file: `PUT /v1/mappings/${id}`, line: 1, column: 1, ...checked.mapping?.locate('target.destination', { at: 'value' }), mappingId: id, key: 'target.destination', message: `"${destination}" is not a configured destination (${options.destinations.join(', ') || 'none'})` });
      }
      if (!checked.mapping || checked.problems.length > 0) throw errors.API_MAPPING_REFUSED({ id, problems: checked.problems });
      // Unchecked against its CRM, a mapping that does not fit would stop the destination when it connects.
      if (!options.catalogs().has(checked.mapping.definition.target.destination)) throw errors.API_MAPPING_CATALOG_UNKNOWN({ id, destination: checked.mapping.definition.target.destination });
      const saved = await facet.save({ mappingId: id, body: text, format, deleted: false, author: by.author, origin: 'api', digest: digestOf(text) },
        { now: options.now(), ...(by.ifVersion !== undefined ? { ifVersion: by.ifVersion } : {}) });
      if (saved.conflict) throw mismatch(id, saved.latest, by.ifVersion ?? 0);
      await rebuild();
      return live.get(id) ?? { mapping: checked.mapping, version: saved.version };
    },
    async remove(id, by) {
      const running = live.get(id);
      if (!running) throw errors.API_MAPPING_NOT_FOUND({ id });
      const saved = await facet.save({ mappingId: id, format: running.version.format, deleted: true, author: by.author, origin: 'api', digest: '' },
        { now: options.now(), ifVersion: by.ifVersion ?? running.version.version });
      if (saved.conflict) throw mismatch(id, saved.latest, by.ifVersion ?? running.version.version);
      await rebuild();
      return saved.version;
    },
    reload: () => syncFiles(false),
    refresh: rebuild,
    watch() {
      let watcher: FSWatcher | undefined;
      let timer: NodeJS.Timeout | undefined;
      const reloadSoon = () => {
        clearTimeout(timer);
        // Editors write a file in several steps (truncate, write, rename): read once they settle.
        timer = setTimeout(() => { void syncFiles(false).then((r) => {
          if (r.changed.length > 0 || r.removed.length > 0) log.info({ changed: r.changed, removed: r.removed }, 'mapping files changed; the new versions are in force');
        }, (err: unknown) => log.warn({ err }, 'reading the mapping files again failed')); }, 300);
        timer.unref();
      };
      try {
        watcher = watch(options.dir, { recursive: true }, (_event, name) => { if (name && /\.ya?ml$/.test(name)) reloadSoon(); });
        watcher.on('error', (err) => log.warn({ err, dir: options.dir }, 'watching the mappings folder stopped; POST /v1/mappings/reload still reads it'));
      } catch (err) {
        log.warn({ err, dir: options.dir }, 'cannot watch the mappings folder; POST /v1/mappings/reload reads it');
      }
      const poll = setInterval(() => { void rebuild().catch((err: unknown) => log.warn({ err }, 'reading the mappings in force failed')); }, options.refreshMs ?? 5000);
      poll.unref();
      return () => { watcher?.close(); clearTimeout(timer); clearInterval(poll); };
    },
  };
}

const issueOf = (p: LocatedProblem) => ({ key: p.key, problem: p.message, ...(p.line !== undefined ? { line: p.line } : {}) });
