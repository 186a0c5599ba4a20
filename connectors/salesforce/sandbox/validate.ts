/**
 * Write validation as Salesforce does it, for the sandbox's create and update endpoints (single
 * records, sObject Collections, composite subrequests).
 *
 * Two levels, as in Salesforce:
 * - request level (`SalesforceRequestError`, the whole request answers 400): the body does not
 *   deserialize — an unknown field name (INVALID_FIELD) or a value of the wrong JSON type
 *   (JSON_PARSER_ERROR). Salesforce binds JSON to the sObject before it looks at any record, so one
 *   bad record fails the lot. `normalizeFields` does this part.
 * - record level (`SalesforceErrorItem[]`, `statusCode` items): required fields, read-only fields,
 *   lengths, restricted picklists, e-mail format, references. `validateRecord` returns all of a
 *   record's errors, as Salesforce reports several at once.
 *
 * Ids are in ids.ts and the request level (`normalizeFields`) in field-values.ts; this file is the
 * record level and the entry the sandbox imports all three from.
 *
 * Messages follow the texts Salesforce writes (reference §7 and the error texts it cites); they name
 * the field by its label where Salesforce does ("Social Handle: data value too large: …").
 */
import { isObject, nameIndex, normalizeFields } from './field-values.ts';
import { isSalesforceId, toId18 } from './ids.ts';
import type { FieldDescribe, SalesforceErrorItem, SObjectDescribe } from './types.ts';

export { idSuffix, isSalesforceId, makeSalesforceId, toId18 } from './ids.ts';
export { normalizeFields } from './field-values.ts';

export type WriteKind = 'create' | 'update';

export interface ValidationContext {
  /** object name + record of an existing Id, or undefined */
  recordById(id: string): { object: string } | undefined;
}

// ---------------------------------------------------------------------------------------------
// Record level

/** Text types with a maximum length checked on write (ids are checked as ids instead). */
const LENGTH_CHECKED = new Set(['string', 'textarea', 'picklist', 'multipicklist', 'url', 'email', 'phone', 'combobox', 'encryptedstring']);

/** One per-record error item. */
function item(statusCode: string, message: string, fields: string[]): SalesforceErrorItem {
  return { statusCode, message, fields };
}

/** True when the field may be written by this kind of write. */
function writable(field: FieldDescribe, kind: WriteKind): boolean {
  return kind === 'create' ? field.createable : field.updateable;
}

/** Salesforce refuses an insert that names the Id (the record has none yet). */
function idOnInsert(values: Record<string, unknown>, kind: WriteKind): SalesforceErrorItem[] {
  if (kind !== 'create' || values.Id === undefined || values.Id === null) return [];
  return [item('INVALID_FIELD_FOR_INSERT_UPDATE', 'cannot specify Id in an insert call', ['Id'])];
}

/**
 * The fields the write names but may not set (not createable on create, not updateable on update),
 * by their field name; a relationship key stands for its reference field. Id is left to `idOnInsert`
 * (on update it is the record's key, not a change).
 */
function readOnlyNames(describe: SObjectDescribe, values: Record<string, unknown>, kind: WriteKind): string[] {
  const index = nameIndex(describe);
  const names: string[] = [];
  for (const key of Object.keys(values)) {
    if (key === 'Id') continue;
    const field = index.fields.get(key.toLowerCase()) ?? index.relationships.get(key.toLowerCase());
    if (field && !writable(field, kind) && !names.includes(field.name)) names.push(field.name);
  }
  return names;
}

/** INVALID_FIELD_FOR_INSERT_UPDATE for fields the caller may not write, all in one item. */
function readOnlyErrors(names: string[]): SalesforceErrorItem[] {
  if (names.length === 0) return [];
  return [item(
    'INVALID_FIELD_FOR_INSERT_UPDATE',
    `Unable to create/update fields: ${names.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
    names,
  )];
}

/**
 * Required fields the write leaves empty, in describe order. On create: non-nillable, createable,
 * not defaulted by Salesforce, and absent or null (a parent given by relationship counts as set).
 * On update: a non-nillable updateable field set to null. (Checkboxes are never missing: normalizeFields
 * turned null into false.)
 */
function missingRequired(describe: SObjectDescribe, values: Record<string, unknown>, kind: WriteKind): string[] {
  const missing: string[] = [];
  for (const field of describe.fields) {
    if (field.nillable) continue;
    const byRelationship = field.relationshipName !== null && isObject(values[field.relationshipName]);
    if (kind === 'create') {
      if (field.createable && !field.defaultedOnCreate && values[field.name] == null && !byRelationship) missing.push(field.name);
    } else if (field.updateable && field.name in values && values[field.name] === null && !byRelationship) {
      missing.push(field.name);
    }
  }
  return missing;
}

/** The active values of a picklist. */
function activeValues(field: FieldDescribe): Set<string> {
  return new Set(field.picklistValues.filter((p) => p.active).map((p) => p.value));
}

/** A deliberately plain e-mail check: local part, one @, a dotted domain of letters, digits and hyphens. */
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/**
 * The errors of one set value: restricted picklist, length, e-mail format, reference.
 * Lengths count UTF-16 code units, as Salesforce (Java) does.
 */
function valueErrors(field: FieldDescribe, value: unknown, context: ValidationContext): SalesforceErrorItem[] {
  if (value === null || value === undefined || typeof value !== 'string') return [];
  const errors: SalesforceErrorItem[] = [];
  const { name, label } = field;
  if ((field.type === 'picklist' || field.type === 'multipicklist') && field.restrictedPicklist) {
    const allowed = activeValues(field);
    const chosen = field.type === 'multipicklist' ? value.split(';') : [value];
    const bad = chosen.find((v) => !allowed.has(v));
    if (bad !== undefined) errors.push(item('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${label}: bad value for restricted picklist field: ${bad}`, [name]));
  }
  if (LENGTH_CHECKED.has(field.type) && field.length > 0 && value.length > field.length) {
    errors.push(item('STRING_TOO_LONG', `${label}: data value too large: ${value} (max length=${field.length})`, [name]));
  }
  if (field.type === 'email' && !EMAIL.test(value)) {
    errors.push(item('INVALID_EMAIL_ADDRESS', `${label}: invalid email address: ${value}`, [name]));
  }
  if (field.type === 'reference') errors.push(...referenceErrors(field, value, context));
  return errors;
}

/**
 * A reference must be a well-formed id (MALFORMED_ID), of an existing record
 * (INVALID_CROSS_REFERENCE_KEY, which Salesforce reports without fields) of an object the field
 * points to (FIELD_INTEGRITY_EXCEPTION).
 */
function referenceErrors(field: FieldDescribe, id: string, context: ValidationContext): SalesforceErrorItem[] {
  if (!isSalesforceId(id)) return [item('MALFORMED_ID', `${field.label}: id value of incorrect type: ${id}`, [field.name])];
  const target = context.recordById(toId18(id));
  if (!target) return [item('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [])];
  if (!field.referenceTo.includes(target.object)) {
    return [item('FIELD_INTEGRITY_EXCEPTION', `${field.label}: id value of incorrect type: ${id}`, [field.name])];
  }
  return [];
}

/**
 * Checks one record's fields for a create or update. Returns per-record errors (statusCode items);
 * throws SalesforceRequestError for request-level problems.
 *
 * `fields` may be the raw body (names in any case, `attributes` included) or `normalizeFields`'
 * output. Relationship keys (`"Persona": {…}`) are not resolved here: the caller turns them into ids
 * and may validate again. For a Collections request, call `normalizeFields` on every record first so
 * that a request-level error stops the request before any record is written.
 * @throws SalesforceRequestError INVALID_FIELD or JSON_PARSER_ERROR (see normalizeFields)
 */
export function validateRecord(describe: SObjectDescribe, fields: Record<string, unknown>, kind: WriteKind, context: ValidationContext): SalesforceErrorItem[] {
  const values = normalizeFields(describe, fields);
  const readOnly = readOnlyNames(describe, values, kind);
  const missing = missingRequired(describe, values, kind);
  const errors = [...idOnInsert(values, kind), ...readOnlyErrors(readOnly)];
  if (missing.length > 0) {
    errors.push(item('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing));
  }
  const byName = new Map(describe.fields.map((f) => [f.name, f] as const));
  for (const [name, value] of Object.entries(values)) {
    const field = byName.get(name);
    // Read-only fields were reported already; Id is the key on update and refused on create.
    if (!field || name === 'Id' || readOnly.includes(name)) continue;
    errors.push(...valueErrors(field, value, context));
  }
  return errors;
}

/** The default a field takes when a create leaves it out, or undefined when it has none. */
function createDefault(field: FieldDescribe): unknown {
  if (field.type === 'boolean') return field.defaultValue === true;
  if (!field.createable || field.defaultValueFormula) return undefined;
  if (field.type === 'picklist' || field.type === 'multipicklist') {
    const preset = field.picklistValues.find((p) => p.active && p.defaultValue);
    if (preset) return preset.value;
  }
  return field.defaultValue ?? undefined;
}

/**
 * Applies Salesforce's write coercions/defaults for create: boolean defaults false, picklist default
 * values, etc. Returns a new object: the fields normalized (see `normalizeFields`), then every field
 * left out or null that has a default — checkboxes (read-only ones too: IsDeleted false), the
 * picklist value marked default (Case Status 'New'), a constant `defaultValue`. Audit fields, Id and
 * OwnerId are the caller's to set.
 * @throws SalesforceRequestError as normalizeFields does
 */
export function applyCreateDefaults(describe: SObjectDescribe, fields: Record<string, unknown>): Record<string, unknown> {
  const values = normalizeFields(describe, fields);
  for (const field of describe.fields) {
    if (values[field.name] != null) continue;
    const preset = createDefault(field);
    if (preset !== undefined && preset !== null) values[field.name] = preset;
  }
  return values;
}
