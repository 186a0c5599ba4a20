import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

/**
 * A mappings folder (`<dir>/<destination>/<id>.yaml`, as src/mappings/load-mappings.ts reads it)
 * holding the shipped Salesforce mappings for `salesforce` and a copy of each for every other
 * destination in `copies`: the same fields and references, `target.destination` set to that
 * destination, and the id (which is the file name, unique across all folders) prefixed with its
 * name instead of `sf` (`sf-x-post` → `crm2-x-post`). Comments are kept.
 * @param root the project root (where `mappings/salesforce/` is)
 * @param dir an empty folder to write into
 * @returns the ids written, per destination
 */
export function salesforceMappingsFor(root: string, dir: string, copies: readonly string[]): Record<string, string[]> {
  const shipped = join(root, 'mappings', 'salesforce');
  const files = readdirSync(shipped).filter((f) => f.endsWith('.yaml')).sort();
  const written: Record<string, string[]> = {};
  for (const destination of ['salesforce', ...copies]) {
    mkdirSync(join(dir, destination), { recursive: true });
    for (const file of files) {
      const document = parseDocument(readFileSync(join(shipped, file), 'utf8'));
      const id = String(document.get('id'));
      const copyId = destination === 'salesforce' ? id : id.replace(/^sf-/, `${destination}-`);
      if (copyId === id && destination !== 'salesforce') throw new Error(`${file}: an id that does not start with "sf-" cannot be copied for ${destination}`);
      document.set('id', copyId);
      document.setIn(['target', 'destination'], destination);
      writeFileSync(join(dir, destination, `${copyId}.yaml`), document.toString());
      (written[destination] ??= []).push(copyId);
    }
  }
  return written;
}
