import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ObjectCatalog } from '../connectors/destination.ts';

// Mappings are planned with their destination's catalog, always (values coerced to the field
// types): the planner waits for it rather than plan some events with coercion and some without.
// So that a CRM down at start-up does not hold planning back, the catalog each destination last
// answered is kept in the data folder (`catalogs/<destination>.json`) and used until it answers again.

const FOLDER = 'catalogs';

/** What a logger must take for the cache's one warning. */
interface WarnLogger { warn(obj: object, msg?: string): void }

/**
 * The catalogs kept in `<dataDir>/catalogs/`, by destination name. A file that cannot be read or is
 * not a catalog is skipped (logged once): its destination's next answer replaces it.
 */
export function loadCatalogCache(dataDir: string, logger: WarnLogger): Map<string, ObjectCatalog> {
  const catalogs = new Map<string, ObjectCatalog>();
  let files: string[];
  try {
    files = readdirSync(join(dataDir, FOLDER)).filter((f) => f.endsWith('.json'));
  } catch {
    return catalogs;
  }
  for (const file of files) {
    const destination = file.slice(0, -'.json'.length);
    try {
      const catalog = JSON.parse(readFileSync(join(dataDir, FOLDER, file), 'utf8')) as ObjectCatalog;
      if (!isCatalog(catalog)) throw new Error('not an object catalog');
      catalogs.set(destination, catalog);
    } catch (error) {
      logger.warn({ destination, file: join(FOLDER, file), reason: (error as Error).message }, 'a kept catalog cannot be read; planning for this destination waits for it to connect');
    }
  }
  return catalogs;
}

/**
 * Keeps a destination's catalog for the next start (written to a temporary file, then renamed, so
 * a crash never leaves half a file).
 * @throws the file system's error (the caller logs it; planning goes on with the catalog in memory)
 */
export function saveCatalog(dataDir: string, destination: string, catalog: ObjectCatalog): void {
  const folder = join(dataDir, FOLDER);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${destination}.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify(catalog));
  renameSync(`${file}.tmp`, file);
}

function isCatalog(value: unknown): value is ObjectCatalog {
  const objects = (value as { objects?: unknown } | null)?.objects;
  return Array.isArray(objects) && objects.every((o) => typeof (o as { name?: unknown }).name === 'string' && Array.isArray((o as { fields?: unknown }).fields));
}
