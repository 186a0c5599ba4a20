import type { YamlPosition } from '../config/yaml-lines.ts';

/**
 * One thing wrong with a mapping file, placed where a person fixes it: what `parley mappings
 * check` prints (`file:line:column  mappingId  message`) and what `details.problems[]` of
 * PARLEY_MAPPING_INVALID holds.
 *
 * @example
 * { file: 'mappings/salesforce/sf-x-post.yaml', line: 12, column: 3, mappingId: 'sf-x-post',
 *   field: 'Contnet', key: 'fields.Contnet', message: 'SocialPost has no field "Contnet" (did you mean "Content"?)' }
 */
export interface MappingCheckProblem {
  file: string;
  /** 1-based line of the offending key, or of the value when the value is what is wrong. */
  line: number;
  /** 1-based column, as `line`; inside an expression written on one line, the mistake's own column. */
  column: number;
  mappingId: string;
  /** The target field or reference the problem is about (`Content`, `PersonaId`), when it is about one. */
  field?: string;
  /** The YAML key path (`fields.Contnet`, `target.operation`, `(file)` for YAML syntax). */
  key: string;
  /** What is wrong, in words for the person who writes mappings rather than for a developer. */
  message: string;
  /** For an event path the model does not have: the path (`occuredAt`) and the nearest real one. */
  path?: string;
  suggestion?: string;
}

/**
 * A problem as a check finds it, before it is placed in the file. `at: 'value'` places it on the
 * key's value (a wrong type, an unknown object) rather than on the key (an unknown field);
 * `offset` is the 0-based character of the value it is about (a mistake in an expression).
 * `legacy` is the wording `details.issues[]` has always had, where it differs from `message`.
 */
export interface FoundProblem {
  key: string;
  message: string;
  at?: 'key' | 'value';
  offset?: number;
  field?: string;
  path?: string;
  suggestion?: string;
  legacy?: string;
}

/** Where a key of a mapping file is: see YamlKeyFinder.positionOf. */
export type MappingLocate = (key: string, options?: { at?: 'key' | 'value'; offset?: number }) => YamlPosition | undefined;

/** The target field or reference a key is about: `Content` for `fields.Content.expr`. */
export function fieldOfKey(key: string): string | undefined {
  const match = /^(?:fields|references)\.([^.]+)/.exec(key);
  return match?.[1];
}

/** Places found problems in their file. */
export function locateProblems(found: readonly FoundProblem[], where: { file: string; mappingId: string; locate?: MappingLocate }): MappingCheckProblem[] {
  return found.map((p) => {
    const position = where.locate?.(p.key, { ...(p.at ? { at: p.at } : {}), ...(p.offset === undefined ? {} : { offset: p.offset }) }) ?? { line: 1, column: 1 };
    const field = p.field ?? fieldOfKey(p.key);
    return {
      file: where.file, line: position.line, column: position.column, mappingId: where.mappingId,
      ...(field === undefined ? {} : { field }), key: p.key, message: p.message,
      ...(p.path === undefined ? {} : { path: p.path }), ...(p.suggestion === undefined ? {} : { suggestion: p.suggestion }),
    };
  });
}

/** Problems in file order: by file, line, then column. */
export function byPlace(a: MappingCheckProblem, b: MappingCheckProblem): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
}
