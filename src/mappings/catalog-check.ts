import type { CatalogField, CatalogObject, ObjectCatalog } from '../connectors/destination.ts';
import type { KeyedIssue } from '../config/zod-issues.ts';
import type { CompiledMapping } from './compiled-mapping.ts';
import { closestWord } from '../config/did-you-mean.ts';

/**
 * Checks a mapping against its destination's object catalog: the object, the operation, the match
 * key, every field (exists, writable for the operation, a literal of the right type, a value a
 * restricted picklist allows) and every reference (a reference field to the named object).
 * @returns the problems, keyed as in the file (`fields.Content`); empty when it fits
 */
export function checkAgainstCatalog(mapping: CompiledMapping, catalog: ObjectCatalog): KeyedIssue[] {
  const { target } = mapping.definition;
  const object = catalog.objects.find((o) => o.name === target.object);
  if (!object) {
    const near = catalog.objects.find((o) => o.name.toLowerCase() === target.object.toLowerCase());
    return [{ key: 'target.object', problem: `${target.destination} has no object "${target.object}"${near ? ` (did you mean "${near.name}"?)` : ''}; known: ${catalog.objects.map((o) => o.name).join(', ')}` }];
  }
  const issues: KeyedIssue[] = [];
  const allowed = { create: object.createable, update: object.updateable, upsert: object.createable && object.updateable, delete: object.deletable }[target.operation];
  if (!allowed) issues.push({ key: 'target.operation', problem: `${object.name} does not allow ${target.operation}` });
  if (target.matchKey && !field(object, target.matchKey)) issues.push({ key: 'target.matchKey', problem: unknownField(object, target.matchKey) });
  for (const { name, expression } of mapping.fields) {
    const f = field(object, name);
    if (!f) { issues.push({ key: `fields.${name}`, problem: unknownField(object, name) }); continue; }
    const writable = target.operation === 'update' ? f.updateable : target.operation === 'create' ? f.createable : f.createable || f.updateable;
    if (!writable && name !== target.matchKey) issues.push({ key: `fields.${name}`, problem: `${object.name}.${name} cannot be written on ${target.operation}` });
    const literal = literalOf(expression.source);
    if (literal !== undefined) {
      const problem = literalProblem(f, literal.value);
      if (problem) issues.push({ key: `fields.${name}`, problem });
    }
  }
  // A create needs every required field; an upsert may create. (Defaulted fields are not required.)
  if (target.operation === 'create' || target.operation === 'upsert') {
    const given = new Set([...mapping.fields.map((f) => f.name), ...mapping.references.map((r) => r.name)]);
    const missing = object.fields.filter((f) => f.required && !given.has(f.name)).map((f) => f.name);
    if (missing.length > 0) issues.push({ key: 'fields', problem: `${object.name} requires ${missing.join(', ')} on ${target.operation}; map ${missing.length > 1 ? 'them' : 'it'} (or reference ${missing.length > 1 ? 'them' : 'it'})` });
  }
  for (const reference of mapping.references) {
    for (const [i, m] of reference.match.entries()) {
      const matched = catalog.objects.find((o) => o.name === m.object);
      if (!matched) issues.push({ key: `references.${reference.name}.match.${i}.object`, problem: `${target.destination} has no object "${m.object}"` });
      else if (!field(matched, m.field)) issues.push({ key: `references.${reference.name}.match.${i}.field`, problem: unknownField(matched, m.field) });
      else if (!(field(object, reference.name)?.referenceTo ?? []).includes(m.object)) issues.push({ key: `references.${reference.name}.match.${i}.object`, problem: `${object.name}.${reference.name} cannot refer to ${m.object}` });
    }
    const f = field(object, reference.name);
    if (!f) { issues.push({ key: `references.${reference.name}`, problem: unknownField(object, reference.name) }); continue; }
    if (reference.parentOf) {
      if (f.valueType !== 'reference') issues.push({ key: `references.${reference.name}`, problem: `${object.name}.${reference.name} is not a reference field` });
      continue;
    }
    if (f.valueType !== 'reference' || !(f.referenceTo ?? []).includes(reference.object)) {
      issues.push({ key: `references.${reference.name}`, problem: `${object.name}.${reference.name} does not refer to ${reference.object}${f.referenceTo ? ` (it refers to ${f.referenceTo.join(', ')})` : ''}` });
    }
  }
  return issues;
}

function field(object: CatalogObject, name: string): CatalogField | undefined {
  return object.fields.find((f) => f.name === name);
}

function unknownField(object: CatalogObject, name: string): string {
  const near = object.fields.find((f) => f.name.toLowerCase() === name.toLowerCase())?.name ?? closestWord(name, object.fields.map((f) => f.name));
  return `${object.name} has no field "${name}"${near ? ` (did you mean "${near}"?)` : ''}`;
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
