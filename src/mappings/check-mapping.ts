import { basename } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { ObjectCatalog } from '../connectors/destination.ts';
import { yamlKeyFinder } from '../config/yaml-lines.ts';
import type { KeyedIssue, LineOf } from '../config/zod-issues.ts';
import { EventKind } from '../model/event.ts';
import { catalogProblems, type CatalogCheckView } from './catalog-check.ts';
import { compileMapping, type CompiledMapping } from './compiled-mapping.ts';
import { expressionProblem } from './expression-problems.ts';
import { byPlace, locateProblems, type FoundProblem, type MappingCheckProblem, type MappingLocate } from './mapping-problem.ts';
import { MappingFile } from './mapping-schema.ts';
import { schemaProblems } from './schema-problems.ts';

export type { MappingCheckProblem } from './mapping-problem.ts';

/**
 * A compiled mapping that still knows its file's positions. (`locate` belongs on CompiledMapping
 * beside `lineOf`; until it is there, this type adds it.)
 */
export type LocatedMapping = CompiledMapping & { lineOf: LineOf; locate: MappingLocate };

/** What a mapping is checked with besides its text. */
export interface CheckMappingOptions {
  /**
   * What the file's place says: its name is the id, its folder the destination
   * (`mappings/<destination>/<id>.yaml`). Without `destination` (a mapping PUT by id), any.
   */
  expected?: { id: string; destination?: string | undefined } | undefined;
  /** Object catalogs by destination name: a mapping whose destination has one is checked against it. */
  catalogs?: ReadonlyMap<string, ObjectCatalog> | undefined;
}

/**
 * Checks one mapping file's text, every check in one pass: YAML syntax, the schema, the file's
 * place, every expression (JSONata syntax, the event paths it reads) and, given its destination's
 * catalog, the object, operation, fields, literals and references. A schema problem does not hide
 * the others: what can still be read of the file is checked too.
 *
 * Pure: reads no file, calls no CRM.
 * @param file the file's path, for the problems (`mappings/salesforce/sf-x-post.yaml`)
 * @returns the compiled mapping when there is no problem; the problems in file order
 * @example
 * const { problems } = checkMappingText(text, 'mappings/salesforce/post.yaml', { catalogs: new Map([['salesforce', catalog]]) });
 * // [{ file, line: 9, column: 3, mappingId: 'post', field: 'Contnet', key: 'fields.Contnet', message: 'SocialPost has no field "Contnet" (did you mean "Content"?)' }]
 */
export function checkMappingText(text: string, file: string, options: CheckMappingOptions = {}): { mapping?: LocatedMapping; problems: MappingCheckProblem[] } {
  const { mapping, problems } = examineMappingText(text, file, options);
  return { ...(mapping ? { mapping } : {}), problems };
}

/** As `checkMappingText`, also giving the problems as PARLEY_MAPPING_INVALID's `details.issues` has them. */
export function examineMappingText(text: string, file: string, options: CheckMappingOptions = {}): { mapping?: LocatedMapping; mappingId: string; locate?: MappingLocate; problems: MappingCheckProblem[]; issues: KeyedIssue[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const fallbackId = options.expected?.id ?? basename(file).replace(/\.ya?ml$/, '');
  if (document.errors.length > 0) {
    const problems = document.errors.map((error): MappingCheckProblem => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return { file, line, column: col, mappingId: fallbackId, key: '(file)', message: `the file is not valid YAML: ${error.message.split('\n')[0]!}` };
    });
    const first = document.errors[0]!;
    return { mappingId: fallbackId, problems, issues: [{ key: '(file)', problem: first.message.split('\n')[0]!, line: lineCounter.linePos(first.pos[0]).line }] };
  }
  const raw: unknown = document.toJS();
  const finder = yamlKeyFinder(document, lineCounter);
  // A problem with an `{ expr: … }` field's value is placed on its expression, not on the braces.
  const locate: MappingLocate = (key, at) => finder.positionOf(at?.at === 'value' && typeof (valueAt(raw, key) as { expr?: unknown } | undefined)?.expr === 'string' ? `${key}.expr` : key, at);

  const found: FoundProblem[] = [];
  const parsed = MappingFile.safeParse(raw, { reportInput: true });
  if (!parsed.success) found.push(...schemaProblems(parsed.error, MappingFile));
  const definition = parsed.success ? parsed.data : salvage(raw, parsed.error.issues.map((i) => i.path.map(String)));
  const mappingId = typeof definition.id === 'string' && definition.id !== '' ? definition.id : fallbackId;
  // A value the schema refused already has its problem: its place is not a second one.
  found.push(...placeProblems(definition, options.expected).filter((p) => !found.some((f) => f.key === p.key)));

  const kind = EventKind.safeParse(definition.source.kind);
  let compiled: CompiledMapping | undefined;
  if (kind.success) {
    const result = compileParts(definition, file, parsed.success);
    compiled = result.mapping;
    for (const issue of result.issues) found.push(expressionProblem(issue, expressionAt(raw, issue.key), kind.data));
  }

  const catalog = definition.target.destination ? options.catalogs?.get(definition.target.destination) : undefined;
  if (catalog && definition.target.object) found.push(...catalogProblems(catalogView(definition), catalog));

  const problems = locateProblems(found, { file, mappingId, locate }).sort(byPlace);
  const issues = found.map((p): KeyedIssue & { path?: string; suggestion?: string } => {
    const line = finder.lineOf(p.key);
    return { key: p.key, problem: p.legacy ?? p.message, ...(line === undefined ? {} : { line }), ...(p.path === undefined ? {} : { path: p.path }), ...(p.suggestion === undefined || p.path === undefined ? {} : { suggestion: p.suggestion }) };
  });
  if (found.length > 0 || !compiled) return { mappingId, locate, problems, issues };
  return { mapping: { ...compiled, lineOf: finder.lineOf, locate }, mappingId, locate, problems, issues };
}

/**
 * The expression problems of a definition. A salvaged one is only partly what compileMapping
 * expects: should compiling it fail, its schema problems are reported alone (they are what to fix
 * first), rather than the check failing with no problem placed at all.
 */
function compileParts(definition: MappingFile, file: string, valid: boolean): ReturnType<typeof compileMapping> {
  if (valid) return compileMapping(definition, file);
  try {
    return compileMapping(definition, file);
  } catch {
    return { issues: [] };
  }
}

/** The problems of a file in the wrong place: its id is its name, its folder its destination. */
function placeProblems(definition: MappingFile, expected: CheckMappingOptions['expected']): FoundProblem[] {
  if (!expected) return [];
  const problems: FoundProblem[] = [];
  if (definition.id !== expected.id) problems.push({ key: 'id', at: 'value', message: `must be the file name without .yaml ("${expected.id}")` });
  if (expected.destination !== undefined && definition.target.destination && definition.target.destination !== expected.destination) {
    problems.push({ key: 'target.destination', at: 'value', message: `must be the folder's name ("${expected.destination}"): mappings/<destination>/<id>.yaml` });
  }
  return problems;
}

/**
 * What can still be checked of a file the schema refused: its parts the schema did not object to.
 * A part that is wrong is left out (a field whose value is not a field spec), and a wrong
 * operation is left unknown, so later checks neither repeat the schema's problem nor trip on it.
 * The result is only read by the checks, never run.
 */
function salvage(raw: unknown, wrong: string[][]): MappingFile {
  const isWrong = (...path: string[]) => wrong.some((w) => path.every((segment, i) => w[i] === segment) && w.length >= path.length);
  const record = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {});
  const text = (value: unknown, ...path: string[]) => (typeof value === 'string' && value !== '' && !isWrong(...path) ? value : undefined);
  const top = record(raw);
  const target = record(top.target);
  const keep = (name: 'fields' | 'references') => Object.fromEntries(Object.entries(record(top[name])).filter(([key]) => !isWrong(name, key)));
  const operation = text(target.operation, 'target', 'operation');
  return {
    id: typeof top.id === 'string' ? top.id : '',
    source: { kind: record(top.source).kind },
    ...(text(top.when, 'when') ? { when: top.when } : {}),
    target: {
      destination: text(target.destination, 'target', 'destination') ?? '',
      object: text(target.object, 'target', 'object') ?? '',
      ...(operation ? { operation } : {}),
      ...(text(target.matchKey, 'target', 'matchKey') ? { matchKey: target.matchKey } : {}),
      ...(text(target.recordKey, 'target', 'recordKey') ? { recordKey: target.recordKey } : {}),
    },
    fields: keep('fields'),
    references: keep('references'),
  } as unknown as MappingFile;
}

/** What the catalog check reads of a definition (a salvaged one's wrong operation is undefined). */
function catalogView(definition: MappingFile): CatalogCheckView {
  const { target } = definition;
  return {
    target: { destination: target.destination, object: target.object, operation: target.operation as string | undefined, matchKey: target.matchKey },
    fields: Object.entries(definition.fields).map(([name, spec]) => ({ name, source: literalSource(spec) })),
    references: Object.entries(definition.references).map(([name, spec]) => ({
      name, object: spec.object, parentOf: spec.parentOf !== undefined, ...(typeof spec.parentOf === 'string' ? { parentObject: spec.parentOf } : {}), match: (spec.match ?? []).map((m) => ({ object: m.object, field: m.field })),
    })),
    ...(definition.link ? { link: { object: definition.link.object, matchKey: definition.link.matchKey, field: definition.link.field } } : {}),
  };
}

/**
 * The text whose literal value a field writes, for the catalog's type check: the expression, or a
 * `value` given as is; none for a value map (what is written is the map's, not the expression's).
 */
function literalSource(spec: unknown): string | undefined {
  if (typeof spec === 'string') return spec;
  const object = spec as { expr?: unknown; value?: unknown; map?: unknown };
  if (object.map !== undefined) return undefined;
  if ('value' in object) return JSON.stringify(object.value);
  return typeof object.expr === 'string' ? object.expr : undefined;
}

/** The value at a dotted key of the parsed YAML. */
function valueAt(raw: unknown, key: string): unknown {
  let node = raw;
  for (const segment of key.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** The expression text at a key (`fields.Name` whether written `Name: text` or `Name: { expr: text }`). */
function expressionAt(raw: unknown, key: string): string | undefined {
  const value = valueAt(raw, key);
  if (typeof value === 'string') return value;
  const expr = (value as { expr?: unknown } | undefined)?.expr;
  return typeof expr === 'string' ? expr : undefined;
}
