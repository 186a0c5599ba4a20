import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { listMappingFiles } from './load-mappings.ts';

/** One mapping file as found on disk: `mappings/<destination>/<id>.yaml`. */
export interface MappingFileText {
  /** The file name without `.yaml`/`.yml`: the mapping's id. */
  id: string;
  /** The folder's name: the destination it must write to. */
  destination: string;
  /** The path as messages show it (relative to the working folder when inside it). */
  file: string;
  text: string;
  /** sha256 of the text, hex: tells an edited file from one read before. */
  digest: string;
}

/** A path as messages show it: relative inside the working folder, absolute outside it. */
function shown(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside === '' || inside.startsWith('..') || isAbsolute(inside) ? resolve(path) : inside;
}

/** sha256 hex of a mapping's text (a deletion's digest is the empty string). */
export function digestOf(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Every `<destination>/<id>.yaml` (or `.yml`) under `root`, folders and files in name order. A
 * missing root means no files. Reads only; validation is the caller's.
 */
export function readMappingFiles(root: string): MappingFileText[] {
  return listMappingFiles(root).map(({ path, expected }) => {
    const text = readFileSync(path, 'utf8');
    return { id: expected.id, destination: expected.destination, file: shown(path), text, digest: digestOf(text) };
  });
}
