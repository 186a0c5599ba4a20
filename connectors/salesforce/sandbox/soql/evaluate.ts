/**
 * Query plan × records → rows: filtering (`matches`), ordering (`sortRecords`) and projection
 * (`projectRow`), against the records of a `SoqlContext`.
 */
import type { FieldDescribe, SandboxRecord } from '../types.ts';
import type { SoqlContext } from './api.ts';
import { parseInstant } from './instants.ts';
import type { ComparisonOp, Literal, OrderItem, SetOp } from './parse.ts';
import type { ResolvedCondition, ResolvedField } from './resolve.ts';

// ---------------------------------------------------------------------------------------------
// Evaluation

/** The record a reference field points at, via the context; undefined for an empty or dangling reference. */
function parentOf(record: SandboxRecord, hop: FieldDescribe, context: SoqlContext): { object: string; record: SandboxRecord } | undefined {
  const id = record[hop.name];
  return typeof id === 'string' && id !== '' ? context.recordById(id) : undefined;
}

/** A record's field by exact name, else case-insensitively (for names taken as written). */
function readField(record: SandboxRecord, name: string): unknown {
  if (Object.hasOwn(record, name)) return record[name];
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}

/** The resolved field's own value on the record that carries it. Checkboxes are never null in Salesforce: unset reads false. */
function leafValue(record: SandboxRecord, field: ResolvedField): unknown {
  const value = readField(record, field.name);
  return field.describe?.type === 'boolean' ? value ?? false : value;
}

/** The field's value on the record, through its parents; undefined when any parent is missing. */
function valueOf(record: SandboxRecord, field: ResolvedField, context: SoqlContext): unknown {
  let current: SandboxRecord | undefined = record;
  for (const hop of field.hops) {
    current = parentOf(current, hop, context)?.record;
    if (!current) return undefined;
  }
  return leafValue(current, field);
}

// Salesforce stores an empty text as null, so '' is null to filters (a store may hold either).
function isNull(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

type Domain = 'text' | 'id' | 'number' | 'boolean' | 'instant';

const DOMAIN_OF_TYPE: Readonly<Record<string, Domain>> = {
  id: 'id', reference: 'id',
  int: 'number', long: 'number', double: 'number', currency: 'number', percent: 'number',
  boolean: 'boolean', date: 'instant', datetime: 'instant',
};

/** How a field's values sort: by its describe type; for other types, by the value's own JS type. */
function sortDomain(describe: FieldDescribe | undefined, value: unknown): Domain {
  const byType = describe && DOMAIN_OF_TYPE[describe.type];
  if (byType) return byType;
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'text';
}

/** How a field compares with a literal: by its describe type; for other types, by the literal's kind. */
function literalDomain(field: ResolvedField, literal: Exclude<Literal, { kind: 'null' }>): Domain {
  const byType = field.describe && DOMAIN_OF_TYPE[field.describe.type];
  if (byType) return byType;
  switch (literal.kind) {
    case 'date':
    case 'datetime': return 'instant';
    case 'number': return 'number';
    case 'boolean': return 'boolean';
    case 'string': return 'text';
  }
}

/**
 * A non-null value in a form `<`/`===` order correctly: text lower-cased (SOQL compares text
 * case-insensitively), an 18-character id cut to its case-sensitive 15-character form (both forms
 * name the same record), instants as epoch ms. undefined when the value does not fit the domain.
 */
function comparable(value: unknown, domain: Domain): string | number | boolean | undefined {
  switch (domain) {
    case 'text': return String(value).toLowerCase();
    case 'id': { const id = String(value); return id.length === 18 ? id.slice(0, 15) : id; }
    case 'number': { const n = typeof value === 'number' ? value : Number(value); return Number.isNaN(n) ? undefined : n; }
    case 'boolean': return value === true || value === 'true';
    case 'instant': return typeof value === 'number' ? value : parseInstant(String(value));
  }
}

function literalComparable(literal: Exclude<Literal, { kind: 'null' }>, domain: Domain): string | number | boolean | undefined {
  if ('instant' in literal) return domain === 'instant' ? literal.instant : comparable(literal.text, domain);
  return comparable(literal.value, domain);
}

/** -1, 0 or 1 for two non-null values of the field; undefined when either cannot be compared. */
function compareToLiteral(value: unknown, literal: Exclude<Literal, { kind: 'null' }>, field: ResolvedField): number | undefined {
  const domain = literalDomain(field, literal);
  const left = comparable(value, domain);
  const right = literalComparable(literal, domain);
  if (left === undefined || right === undefined) return undefined;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** `=` in SOQL: `= null` tests for null; a null value equals no other literal. */
function equalsLiteral(value: unknown, literal: Literal, field: ResolvedField): boolean {
  if (literal.kind === 'null') return isNull(value);
  return !isNull(value) && compareToLiteral(value, literal, field) === 0;
}

/** A multi-select picklist's chosen values, lower-cased. */
function picklistSet(value: unknown): Set<string> {
  return new Set(String(value).split(';').map((v) => v.trim().toLowerCase()).filter((v) => v !== ''));
}

/** INCLUDES/EXCLUDES: a literal `'a;b'` asks for both a and b. */
function includesAny(value: unknown, literals: Literal[]): boolean {
  if (isNull(value)) return false;
  const chosen = picklistSet(value);
  return literals.some((literal) => literal.kind === 'string' && [...picklistSet(literal.value)].every((v) => chosen.has(v)));
}

/**
 * Whether a record satisfies a condition. SOQL's logic is two-valued: a null field fails `=`, `<`,
 * LIKE and IN, and passes `!=` and NOT IN.
 */
export function matches(condition: ResolvedCondition, record: SandboxRecord, context: SoqlContext): boolean {
  switch (condition.kind) {
    case 'and': return condition.items.every((item) => matches(item, record, context));
    case 'or': return condition.items.some((item) => matches(item, record, context));
    case 'not': return !matches(condition.item, record, context);
    case 'like': {
      const value = valueOf(record, condition.field, context);
      return !isNull(value) && condition.pattern.test(String(value));
    }
    case 'set': return matchesSet(valueOf(record, condition.field, context), condition.op, condition.values, condition.field);
    case 'compare': return matchesComparison(valueOf(record, condition.field, context), condition.op, condition.value, condition.field);
  }
}

function matchesSet(value: unknown, op: SetOp, literals: Literal[], field: ResolvedField): boolean {
  switch (op) {
    case 'IN': return literals.some((literal) => equalsLiteral(value, literal, field));
    case 'NOT IN': return !literals.some((literal) => equalsLiteral(value, literal, field));
    case 'INCLUDES': return includesAny(value, literals);
    case 'EXCLUDES': return !includesAny(value, literals);
  }
}

function matchesComparison(value: unknown, op: ComparisonOp, literal: Literal, field: ResolvedField): boolean {
  if (op === '=') return equalsLiteral(value, literal, field);
  if (op === '!=') return !equalsLiteral(value, literal, field);
  if (isNull(value) || literal.kind === 'null') return false;
  const order = compareToLiteral(value, literal, field);
  if (order === undefined) return false;
  switch (op) {
    case '<': return order < 0;
    case '>': return order > 0;
    case '<=': return order <= 0;
    case '>=': return order >= 0;
  }
}

/** Orders records by the ORDER BY items; ties keep the store's order (Array#sort is stable). */
export function sortRecords(records: SandboxRecord[], orderBy: Array<OrderItem<ResolvedField>>, context: SoqlContext): SandboxRecord[] {
  const keyed = records.map((record) => ({
    record,
    keys: orderBy.map(({ field }) => {
      const value = valueOf(record, field, context);
      return isNull(value) ? undefined : comparable(value, sortDomain(field.describe, value));
    }),
  }));
  keyed.sort((a, b) => {
    for (const [i, item] of orderBy.entries()) {
      const order = compareSortKeys(a.keys[i], b.keys[i], item);
      if (order !== 0) return order;
    }
    return 0;
  });
  return keyed.map(({ record }) => record);
}

function compareSortKeys(a: string | number | boolean | undefined, b: string | number | boolean | undefined, item: OrderItem<ResolvedField>): number {
  if (a === undefined || b === undefined) {
    if (a === b) return 0;
    // Where nulls go does not flip with DESC: NULLS FIRST/LAST says it outright.
    return (a === undefined) === item.nullsFirst ? -1 : 1;
  }
  const order = a < b ? -1 : a > b ? 1 : 0;
  return item.descending ? -order : order;
}

// ---------------------------------------------------------------------------------------------
// Rows

function attributesOf(type: string, id: string, version: string): { type: string; url: string } {
  return { type, url: `/services/data/v${version}/sobjects/${type}/${id}` };
}

/**
 * A result row: `attributes`, then each selected field under its describe name, parents nested as
 * Salesforce nests them (`Account: { attributes, Name, Owner: { attributes, Name } }`, or
 * `Account: null` when the reference is empty). Unset fields are `null`.
 */
export function projectRow(record: SandboxRecord, object: string, fields: ResolvedField[], context: SoqlContext, version: string): Record<string, unknown> {
  const row: Record<string, unknown> = { attributes: attributesOf(object, record.Id, version) };
  for (const field of fields) {
    let target = row;
    let current = record;
    let reached = true;
    for (const hop of field.hops) {
      const key = hop.relationshipName!;
      const existing = target[key];
      if (existing === null) { reached = false; break; }
      const parent = parentOf(current, hop, context);
      if (!parent) { target[key] = null; reached = false; break; }
      if (existing === undefined) {
        const type = context.describe(parent.object)?.name ?? parent.object;
        target[key] = { attributes: attributesOf(type, parent.record.Id, version) };
      }
      target = target[key] as Record<string, unknown>;
      current = parent.record;
    }
    if (reached) target[field.name] = leafValue(current, field) ?? null;
  }
  return row;
}
