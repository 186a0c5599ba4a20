import type { ObjectCatalog } from '../connectors/destination.ts';
import { checkMappingText, type LocatedMapping, type MappingCheckProblem } from './check-mapping.ts';

/** One problem of a mapping, located: what `details.problems[]` carries. */
export type LocatedProblem = MappingCheckProblem;

/**
 * Every check a mapping's text must pass before it is in force (src/mappings/check-mapping.ts):
 * YAML, schema, expressions, event paths, its place (`expected`: a file's name and folder, or the
 * id in a request's address), and its destination's catalog when one is given. All problems at once.
 */
export function checkMapping(text: string, file: string, expected: { id: string; destination?: string }, catalogs?: ReadonlyMap<string, ObjectCatalog>): { mapping?: LocatedMapping; problems: LocatedProblem[] } {
  const checked = checkMappingText(text, file, { expected, ...(catalogs ? { catalogs } : {}) });
  // In a request, the id must be the one in the address (a file's must be its name).
  const problems = expected.destination === undefined
    ? checked.problems.map((p) => (p.key === 'id' && /file name/.test(p.message) ? { ...p, message: `must be "${expected.id}", the id in the address` } : p))
    : checked.problems;
  return problems.length > 0 || !checked.mapping ? { problems } : { mapping: checked.mapping, problems };
}
