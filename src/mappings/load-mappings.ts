import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { withLines } from '../config/load-config.ts';
import { keyedIssues, type KeyedIssue } from '../config/zod-issues.ts';
import { errors } from '../errors.ts';
import { compileMapping, type CompiledMapping } from './compiled-mapping.ts';
import { MappingFile } from './mapping-schema.ts';

/**
 * Reads every `mappings/<destination>/<id>.yaml` under `root`, validates and compiles it.
 * A missing folder means no mappings.
 * @throws PARLEY_MAPPING_INVALID naming the file, with every problem's key and line
 */
export function loadMappings(root: string): CompiledMapping[] {
  if (!existsSync(root)) return [];
  const mappings: CompiledMapping[] = [];
  const seen = new Map<string, string>();
  for (const folder of readdirSync(root).sort()) {
    const dir = join(root, folder);
    if (!statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
      const path = join(dir, name);
      const file = relative(process.cwd(), path) || path;
      const mapping = parseMapping(readFileSync(path, 'utf8'), file, { id: basename(name).replace(/\.ya?ml$/, ''), destination: folder });
      const earlier = seen.get(mapping.definition.id);
      if (earlier) throw errors.MAPPING_INVALID({ file, issues: [{ key: 'id', problem: `"${mapping.definition.id}" is already the id of ${earlier}` }] });
      seen.set(mapping.definition.id, file);
      mappings.push(mapping);
    }
  }
  return mappings;
}

/**
 * Parses one mapping file's text. `expected` is what its place says: the file name is the id and
 * the folder the destination.
 * @throws PARLEY_MAPPING_INVALID
 */
export function parseMapping(text: string, file: string, expected?: { id: string; destination: string }): CompiledMapping {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntax = document.errors[0];
  if (syntax) {
    const line = syntax.pos?.[0] === undefined ? undefined : lineCounter.linePos(syntax.pos[0]).line;
    throw errors.MAPPING_INVALID({ file, issues: [{ key: '(file)', problem: syntax.message.split('\n')[0]!, ...(line ? { line } : {}) }] });
  }
  const parsed = MappingFile.safeParse(document.toJS(), { reportInput: true });
  if (!parsed.success) throw errors.MAPPING_INVALID({ file, issues: withLines(keyedIssues(parsed.error), document, lineCounter) });
  const issues: KeyedIssue[] = [];
  if (expected && parsed.data.id !== expected.id) issues.push({ key: 'id', problem: `must be the file name without .yaml ("${expected.id}")` });
  if (expected && parsed.data.target.destination !== expected.destination) {
    issues.push({ key: 'target.destination', problem: `must be the folder's name ("${expected.destination}"): mappings/<destination>/<id>.yaml` });
  }
  const compiled = compileMapping(parsed.data, file);
  issues.push(...compiled.issues);
  if (issues.length > 0 || !compiled.mapping) throw errors.MAPPING_INVALID({ file, issues: withLines(issues, document, lineCounter) });
  return { ...compiled.mapping, lineOf: (key) => withLines([{ key, problem: '' }], document, lineCounter)[0]?.line };
}
