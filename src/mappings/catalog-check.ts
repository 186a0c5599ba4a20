import type { CatalogField, CatalogObject, ObjectCatalog } from '../connectors/destination.ts';
import type { KeyedIssue } from '../config/zod-issues.ts';
import type { CompiledMapping } from './compiled-mapping.ts';
import { closestWord } from '../config/did-you-mean.ts';
import { byPlace, locateProblems, type FoundProblem, type MappingCheckProblem, type MappingLocate } from './mapping-problem.ts';

/**
 * What the catalog check reads of a mapping: names and expression texts, no compiled expression.
 * So a file whose expressions or schema have problems is still checked against the catalog, in the
 * same pass (`checkMappingText`). `operation` is undefined when the file's is not a valid one: then
 * only what does not depend on it is checked.
 */
export interface CatalogCheckView {
  target: { destination: string; object: string; operation?: string | undefined; matchKey?: string | undefined };
  /** `source`: the expression's text, for a literal's type; undefined when not known. */
  fields: ReadonlyArray<{ name: string; source?: string | undefined }>;
  references: ReadonlyArray<{ name: string; object: string; parentOf: boolean; parentObject?: string; match: ReadonlyArray<{ object: string; field: string }> }>;
  /** `link`: the event's record of `object`, found by `matchKey`, whose `field` is set to the target. */
  link?: { object: string; matchKey: string; field: string } | undefined;
}

/**
 * Checks a mapping against its destination's object catalog: the object, the operation, the match
 * key, every field (exists, writable for the operation, a literal of the right type, a value a
 * restricted picklist allows) and every reference (a reference field to the named object).
 * @returns the problems, keyed as in the file (`fields.Content`); empty when it fits
 */
export function checkAgainstCatalog(mapping: CompiledMapping, catalog: ObjectCatalog): KeyedIssue[] {
  return catalogProblems(catalogViewOf(mapping), catalog).map((p) => ({ key: p.key, problem: p.message }));
}

/**
 * As `checkAgainstCatalog`, each problem placed in the mapping's file (`file:line:column`) as
 * `parley mappings check` and `details.problems[]` give them: for the check made when a
 * destination connects. A mapping without `locate` (not parsed from text) has its problems at 1:1.
 * @example
 * checkMappingAgainstCatalog(parseMapping(text, file), catalog)
 * // [{ file, line: 12, column: 3, mappingId: 'sf-x-post', field: 'Contnet', key: 'fields.Contnet', message: 'SocialPost has no field "Contnet" (did you mean "Content"?)' }]
 */
export function checkMappingAgainstCatalog(mapping: CompiledMapping & { locate?: MappingLocate | undefined }, catalog: ObjectCatalog): MappingCheckProblem[] {
  const found = catalogProblems(catalogViewOf(mapping), catalog);
  return locateProblems(found, { file: mapping.file, mappingId: mapping.definition.id, ...(mapping.locate ? { locate: mapping.locate } : {}) }).sort(byPlace);
}

/** The catalog check's view of a compiled mapping. */
export function catalogViewOf(mapping: CompiledMapping): CatalogCheckView {
  return {
    target: mapping.definition.target,
    // A mapped field writes the map's values, not its expression's: no literal to check.
    fields: mapping.fields.map((f) => ({ name: f.name, source: (f as { map?: unknown }).map === undefined ? f.expression.source : undefined })),
    references: mapping.references.map((r) => ({ name: r.name, object: r.object, parentOf: r.parentOf, ...(r.parentObject ? { parentObject: r.parentObject } : {}), match: r.match })),
    ...(mapping.link ? { link: { object: mapping.link.object, matchKey: mapping.link.matchKey, field: mapping.link.field } } : {}),
  };
}

// The documented operation names (`create-only`, `update-only`) mean what the short ones do.
const OPERATION: Readonly<Record<string, 'create' | 'update' | 'upsert' | 'delete'>> = {
  create: 'create', 'create-only': 'create', update: 'update', 'update-only': 'update', upsert: 'upsert', delete: 'delete',
};

/**
 * As `checkAgainstCatalog`, each problem saying whether its key or its value is wrong and which
 * field it is about, for `checkMappingText` to place it in the file.
 */
export function catalogProblems(view: CatalogCheckView, catalog: ObjectCatalog): FoundProblem[] {
  const { target } = view;
  const object = catalog.objects.find((o) => o.name === target.object);
  if (!object) return [{ key: 'target.object', at: 'value', ...unknownObject(target.destination, target.object, catalog) }];
  const problems: FoundProblem[] = [];
  const operation = target.operation === undefined ? undefined : OPERATION[target.operation];
  if (operation) {
    const allowed = { create: object.createable, update: object.updateable, upsert: object.createable && object.updateable, delete: object.deletable }[operation];
    if (!allowed) problems.push({ key: 'target.operation', at: 'value', message: `${object.name} does not allow ${target.operation}` });
  }
  if (target.matchKey && !field(object, target.matchKey)) problems.push({ key: 'target.matchKey', at: 'value', field: target.matchKey, ...unknownField(object, target.matchKey) });
  for (const { name, source } of view.fields) {
    const f = field(object, name);
    if (!f) { problems.push({ key: `fields.${name}`, ...unknownField(object, name) }); continue; }
    const writable = operation === 'update' ? f.updateable : operation === 'create' ? f.createable : f.createable || f.updateable;
    if (!writable && name !== target.matchKey) problems.push({ key: `fields.${name}`, message: `${object.name}.${name} cannot be written on ${target.operation ?? 'any operation'}` });
    const literal = source === undefined ? undefined : literalOf(source);
    if (literal !== undefined) {
      const message = literalProblem(f, literal.value);
      if (message) problems.push({ key: `fields.${name}`, at: 'value', message });
    }
  }
  // A create needs every required field; an upsert may create. (Defaulted fields are not required.)
  if (operation === 'create' || operation === 'upsert') {
    const given = new Set([...view.fields.map((f) => f.name), ...view.references.map((r) => r.name)]);
    const missing = object.fields.filter((f) => f.required && !given.has(f.name)).map((f) => f.name);
    if (missing.length > 0) problems.push({ key: 'fields', message: `${object.name} requires ${missing.join(', ')} on ${target.operation}; map ${missing.length > 1 ? 'them' : 'it'} (or reference ${missing.length > 1 ? 'them' : 'it'})` });
  }
  for (const reference of view.references) problems.push(...referenceProblems(reference, object, view, catalog));
  if (view.link) problems.push(...linkProblems(view.link, view, catalog));
  return problems;
}

/** `link`: its object exists and can be updated, its match key is a field, its field refers to the target's object. */
function linkProblems(link: NonNullable<CatalogCheckView['link']>, view: CatalogCheckView, catalog: ObjectCatalog): FoundProblem[] {
  const linked = catalog.objects.find((o) => o.name === link.object);
  if (!linked) return [{ key: 'link.object', at: 'value', ...unknownObject(view.target.destination, link.object, catalog) }];
  const problems: FoundProblem[] = [];
  if (!linked.updateable) problems.push({ key: 'link.object', at: 'value', message: `${linked.name} does not allow update: its ${link.field} cannot be set` });
  if (!field(linked, link.matchKey)) problems.push({ key: 'link.matchKey', at: 'value', ...unknownField(linked, link.matchKey) });
  const f = field(linked, link.field);
  if (!f) problems.push({ key: 'link.field', at: 'value', ...unknownField(linked, link.field) });
  else if (f.valueType !== 'reference' || !(f.referenceTo ?? []).includes(view.target.object)) {
    problems.push({ key: 'link.field', at: 'value', message: `${linked.name}.${link.field} does not refer to ${view.target.object}${f.referenceTo ? ` (it refers to ${f.referenceTo.join(', ')})` : ''}` });
  } else if (!f.updateable) problems.push({ key: 'link.field', at: 'value', message: `${linked.name}.${link.field} cannot be written on update` });
  return problems;
}

function referenceProblems(reference: CatalogCheckView['references'][number], object: CatalogObject, view: CatalogCheckView, catalog: ObjectCatalog): FoundProblem[] {
  const problems: FoundProblem[] = [];
  const key = `references.${reference.name}`;
  for (const [i, m] of reference.match.entries()) {
    const matched = catalog.objects.find((o) => o.name === m.object);
    if (!matched) problems.push({ key: `${key}.match.${i}.object`, at: 'value', message: `${view.target.destination} has no object "${m.object}"` });
    else if (!field(matched, m.field)) problems.push({ key: `${key}.match.${i}.field`, at: 'value', ...unknownField(matched, m.field) });
    else if (!(field(object, reference.name)?.referenceTo ?? []).includes(m.object)) problems.push({ key: `${key}.match.${i}.object`, at: 'value', message: `${object.name}.${reference.name} cannot refer to ${m.object}` });
  }
  const f = field(object, reference.name);
  if (!f) return [...problems, { key, ...unknownField(object, reference.name) }];
  if (!catalog.objects.some((o) => o.name === reference.object)) return [...problems, { key: `${key}.object`, at: 'value', ...unknownObject(view.target.destination, reference.object, catalog) }];
  if (reference.parentOf) {
    if (f.valueType !== 'reference') problems.push({ key, message: `${object.name}.${reference.name} is not a reference field` });
    else if (reference.parentObject && !(f.referenceTo ?? []).includes(reference.parentObject)) problems.push({ key: `${key}.parentOf`, at: 'value', message: `${object.name}.${reference.name} does not refer to ${reference.parentObject} (it refers to ${(f.referenceTo ?? []).join(', ')})` });
    return problems;
  }
  if (f.valueType !== 'reference' || !(f.referenceTo ?? []).includes(reference.object)) {
    problems.push({ key, message: `${object.name}.${reference.name} does not refer to ${reference.object}${f.referenceTo ? ` (it refers to ${f.referenceTo.join(', ')})` : ''}` });
  }
  return problems;
}

function field(object: CatalogObject, name: string): CatalogField | undefined {
  return object.fields.find((f) => f.name === name);
}

function unknownObject(destination: string, name: string, catalog: ObjectCatalog): { message: string; suggestion?: string } {
  const names = catalog.objects.map((o) => o.name);
  const near = names.find((n) => n.toLowerCase() === name.toLowerCase()) ?? closestWord(name, names);
  return { message: `${destination} has no object "${name}"${near ? ` (did you mean "${near}"?)` : ''}; known: ${names.join(', ')}`, ...(near ? { suggestion: near } : {}) };
}

function unknownField(object: CatalogObject, name: string): { message: string; suggestion?: string } {
  const near = object.fields.find((f) => f.name.toLowerCase() === name.toLowerCase())?.name ?? closestWord(name, object.fields.map((f) => f.name));
  return { message: `${object.name} has no field "${name}"${near ? ` (did you mean "${near}"?)` : ''}`, ...(near ? { suggestion: near } : {}) };
}

/** The value of an expression that is only a JSON literal (`"Twitter"`, `true`, `42`). */
function literalOf(source: string): { value: unknown } | undefined {
  const text = source.trim();
  if (!/^(?:"(?:[^"\\]|\\.)*"|true|false|null|-?\d+(?:\.\d+)?)$/.test(text)) return undefined;
  return { value: JSON.parse(text) as unknown };
}

function literalProblem(f: CatalogField, value: unknown): string | undefined {
  if (value === null) return undefined;
  const expected = { string: 'string', integer: 'number', number: 'number', boolean: 'boolean', datetime: 'string', date: 'string', reference: 'string', other: typeof value }[f.valueType];
  if (typeof value !== expected) return `${f.name} is a ${f.vendorType} field; the literal ${JSON.stringify(value)} is a ${typeof value}`;
  if (f.valueType === 'integer' && !Number.isInteger(value)) return `${f.name} takes whole numbers; got ${String(value)}`;
  if (f.picklist?.restricted && !f.picklist.values.includes(value as string)) return `${JSON.stringify(value)} is not a value of ${f.name} (${f.picklist.values.join(', ')})`;
  if (typeof value === 'string' && f.length !== undefined && value.length > f.length) return `${f.name} holds at most ${f.length} characters`;
  return undefined;
}
