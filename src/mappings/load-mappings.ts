import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ObjectCatalog } from '../connectors/destination.ts';
import type { KeyedIssue } from '../config/zod-issues.ts';
import { errors } from '../errors.ts';
import { examineMappingText, type CheckMappingOptions, type LocatedMapping } from './check-mapping.ts';
import { byPlace, type MappingCheckProblem } from './mapping-problem.ts';

/** A mapping file where loadMappings looks for it: `<root>/<destination>/<id>.yaml`. */
export interface MappingFileEntry {
  /** The absolute (or as given) path to read. */
  path: string;
  /** What the file's place says it must be. */
  expected: { id: string; destination: string };
}

/** The mapping files under `root`, in name order; none when the folder does not exist. */
export function listMappingFiles(root: string): MappingFileEntry[] {
  if (!existsSync(root)) return [];
  const entries: MappingFileEntry[] = [];
  for (const folder of readdirSync(root).sort()) {
    const dir = join(root, folder);
    if (!statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
      entries.push({ path: join(dir, name), expected: { id: name.replace(/\.ya?ml$/, ''), destination: folder } });
    }
  }
  return entries;
}

/** The result of checking several mapping files: what loaded, and every problem of every file. */
export interface MappingFilesCheck {
  mappings: LocatedMapping[];
  problems: MappingCheckProblem[];
  /** `details.issues` as PARLEY_MAPPING_INVALID has always had them, by file. */
  issues: Map<string, KeyedIssue[]>;
}

/**
 * Checks mapping files together: each on its own (checkMappingText), then across them (no id
 * twice). `file` labels a file's problems (a path relative to the working folder).
 */
export function checkMappingFiles(files: ReadonlyArray<{ file: string; text: string; expected?: CheckMappingOptions['expected'] }>, options: { catalogs?: ReadonlyMap<string, ObjectCatalog> | undefined } = {}): MappingFilesCheck {
  const result: MappingFilesCheck = { mappings: [], problems: [], issues: new Map() };
  const seen = new Map<string, string>();
  const add = (file: string, problems: MappingCheckProblem[], issues: KeyedIssue[]) => {
    result.problems.push(...problems);
    if (issues.length > 0) result.issues.set(file, [...(result.issues.get(file) ?? []), ...issues]);
  };
  for (const { file, text, expected } of files) {
    const examined = examineMappingText(text, file, { expected, catalogs: options.catalogs });
    add(file, examined.problems, examined.issues);
    // An id already refused (not the file's name) is not also reported as taken.
    const earlier = examined.problems.some((p) => p.key === 'id') ? undefined : seen.get(examined.mappingId);
    if (earlier) {
      const position = examined.locate?.('id', { at: 'value' }) ?? { line: 1, column: 1 };
      const message = `"${examined.mappingId}" is already the id of ${earlier}`;
      add(file, [{ file, ...position, mappingId: examined.mappingId, key: 'id', message }], [{ key: 'id', problem: message, line: position.line }]);
      continue;
    }
    if (!seen.has(examined.mappingId)) seen.set(examined.mappingId, file);
    if (examined.mapping) result.mappings.push(examined.mapping);
  }
  result.problems.sort(byPlace);
  return result;
}

/**
 * Reads every `mappings/<destination>/<id>.yaml` under `root`, validates and compiles it.
 * A missing folder means no mappings.
 * @throws PARLEY_MAPPING_INVALID naming the file(s), with every problem of every file: `details.problems`
 *   located (`{ file, line, column, mappingId, field?, key, message }`), `details.issues` as before
 *   (`{ key, problem, line }`, keys prefixed with the file when several files have problems)
 */
export function loadMappings(root: string): LocatedMapping[] {
  const files = listMappingFiles(root).map(({ path, expected }) => ({ file: relative(process.cwd(), path) || path, text: readFileSync(path, 'utf8'), expected }));
  const { mappings, problems, issues } = checkMappingFiles(files);
  if (problems.length > 0) throw invalid(problems, issues);
  return mappings;
}

/**
 * Parses one mapping file's text. `expected` is what its place says: the file name is the id and
 * the folder the destination.
 * @throws PARLEY_MAPPING_INVALID with `details.problems` and `details.issues` (see loadMappings)
 */
export function parseMapping(text: string, file: string, expected?: { id: string; destination: string }): LocatedMapping {
  const { mappings, problems, issues } = checkMappingFiles([{ file, text, expected }]);
  if (problems.length > 0 || !mappings[0]) throw invalid(problems, issues);
  return mappings[0];
}

function invalid(problems: MappingCheckProblem[], issues: Map<string, KeyedIssue[]>) {
  const files = [...issues.keys()];
  const prefix = (file: string, key: string) => (files.length > 1 ? `${file} ${key}` : key);
  return errors.MAPPING_INVALID({
    file: files.join(', '),
    issues: files.flatMap((file) => issues.get(file)!.map((issue) => ({ ...issue, key: prefix(file, issue.key) }))),
    problems,
  });
}
