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
 * Messages follow the texts Salesforce writes (reference §7 and the error texts it cites); they name
 * the field by its label where Salesforce does ("Social Handle: data value too large: …").
 */
import { SalesforceRequestError, type FieldDescribe, type SalesforceErrorItem, type SObjectDescribe } from './types.ts';

export type WriteKind = 'create' | 'update';

export interface ValidationContext {
  /** object name + record of an existing Id, or undefined */
  recordById(id: string): { object: string } | undefined;
}

// ---------------------------------------------------------------------------------------------
// Ids

/** Salesforce's base-62 digits, in its order. */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** The 32 characters of an 18-character id's suffix, indexed by a 5-bit uppercase mask. */
const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_15 = /^[0-9A-Za-z]{15}$/;
const ID_18 = /^[0-9A-Za-z]{18}$/;

/**
 * The 3-character suffix that makes a 15-character id case-insensitively unique: for each block of
 * 5 characters, a bit per uppercase letter (first character = lowest bit), as a letter of A–Z0–5.
 */
export function idSuffix(id15: string): string {
  let suffix = '';
  for (let block = 0; block < 3; block++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(block * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX_CHARS[bits];
  }
  return suffix;
}

/** Salesforce ids: 15 or 18 characters, base-62, 18-char checksum suffix valid. */
export function isSalesforceId(value: string): boolean {
  if (typeof value !== 'string') return false;
  if (ID_15.test(value)) return true;
  return ID_18.test(value) && value.slice(15) === idSuffix(value.slice(0, 15));
}

/**
 * The 18-character form of a Salesforce id (what Salesforce stores and returns).
 * @throws RangeError when `id` is not a Salesforce id
 */
export function toId18(id: string): string {
  if (!isSalesforceId(id)) throw new RangeError(`not a Salesforce id: ${id}`);
  return id.length === 18 ? id : id + idSuffix(id);
}

/** Counters fit in the 9 base-62 digits of an id's record part, and in a safe integer. */
const MAX_COUNTER = Number.MAX_SAFE_INTEGER;

/**
 * Makes an 18-character id with the object's key prefix and a correct checksum suffix from a counter:
 * `<prefix>` + `SB0` (a fixed "pod" part, so sandbox ids are recognisable) + 9 base-62 digits + suffix.
 * @throws RangeError when the prefix is not 3 base-62 characters or the counter not an integer ≥ 0
 */
export function makeSalesforceId(keyPrefix: string, counter: number): string {
  if (!/^[0-9A-Za-z]{3}$/.test(keyPrefix)) throw new RangeError(`key prefix must be 3 base-62 characters, got '${keyPrefix}'`);
  if (!Number.isSafeInteger(counter) || counter < 0 || counter > MAX_COUNTER) throw new RangeError(`id counter must be a safe integer ≥ 0, got ${counter}`);
  let digits = '';
  for (let n = counter; n > 0; n = Math.floor(n / 62)) digits = BASE62[n % 62] + digits;
  const id15 = keyPrefix + 'SB0' + digits.padStart(9, '0');
  return id15 + idSuffix(id15);
}

// ---------------------------------------------------------------------------------------------
// Request level: names and JSON types

/** Types stored as text; JSON numbers and booleans sent for them are taken as their text. */
const TEXT_TYPES = new Set(['string', 'textarea', 'picklist', 'multipicklist', 'url', 'email', 'phone', 'combobox', 'encryptedstring', 'id', 'reference']);
/** Text types with a maximum length checked on write (ids are checked as ids instead). */
const LENGTH_CHECKED = new Set(['string', 'textarea', 'picklist', 'multipicklist', 'url', 'email', 'phone', 'combobox', 'encryptedstring']);

/** Jackson's token name for a JSON value, as Salesforce quotes it in JSON_PARSER_ERROR. */
function jsonToken(value: unknown): string {
  if (typeof value === 'string') return 'VALUE_STRING';
  if (typeof value === 'number') return Number.isInteger(value) ? 'VALUE_NUMBER_INT' : 'VALUE_NUMBER_FLOAT';
  if (value === true) return 'VALUE_TRUE';
  if (value === false) return 'VALUE_FALSE';
  return Array.isArray(value) ? 'START_ARRAY' : 'START_OBJECT';
}

/** The value as Salesforce prints it after the token: the text itself, or the opening bracket. */
function jsonText(value: unknown): string {
  if (Array.isArray(value)) return '[';
  if (value !== null && typeof value === 'object') return '{';
  return String(value);
}

/**
 * The error Salesforce answers when a value does not deserialize into the field's Java type.
 * (Salesforce appends ` at [line:L, column:C]`; the sandbox has no parser positions and leaves it out.)
 */
function parserError(typeName: string, value: unknown): SalesforceRequestError {
  return new SalesforceRequestError(
    400,
    'JSON_PARSER_ERROR',
    `Cannot deserialize instance of ${typeName} from ${jsonToken(value)} value ${jsonText(value)} or request may be missing a required field`,
  );
}

const INTEGER_TEXT = /^[+-]?\d+$/;
const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_TEXT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Milliseconds since the epoch of a calendar date and time in UTC, or NaN when a part is out of range. */
function utcMillis(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const back = new Date(t);
  const same = back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d
    && back.getUTCHours() === h && back.getUTCMinutes() === mi && back.getUTCSeconds() === s;
  return same ? t : Number.NaN;
}

/** `YYYY-MM-DD` when `text` is a real calendar date, else undefined. */
function parseDate(text: string): string | undefined {
  const m = DATE_TEXT.exec(text);
  if (!m) return undefined;
  return Number.isNaN(utcMillis(Number(m[1]), Number(m[2]), Number(m[3]))) ? undefined : text;
}

/**
 * Salesforce's stored form of an ISO 8601 date-time, `2024-05-01T10:00:00.000+0000` (UTC), or
 * undefined when `text` is not one. No zone means UTC (GMT, as Salesforce reads it); a bare date is
 * midnight UTC.
 */
function parseDatetime(text: string): string | undefined {
  const m = DATETIME_TEXT.exec(text);
  if (!m) return undefined;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const local = utcMillis(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms);
  if (Number.isNaN(local)) return undefined;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const digits = zone.replace(':', '');
    const hours = Number(digits.slice(1, 3));
    const minutes = Number(digits.slice(3, 5));
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  return new Date(local - offsetMinutes * 60_000).toISOString().replace('Z', '+0000');
}

/**
 * One value coerced to what Salesforce stores for the field, or a JSON_PARSER_ERROR.
 * Salesforce's JSON binding is lenient the way Jackson's is: numeric text binds to numbers,
 * "true"/"false" to checkboxes, numbers and booleans to text. Empty text is stored as null, and a
 * checkbox is never null (null means false).
 * @throws SalesforceRequestError JSON_PARSER_ERROR when the value cannot bind to the field's type
 */
function coerceValue(field: FieldDescribe, value: unknown): unknown {
  const type = field.type;
  if (type === 'boolean') {
    if (value === null || typeof value === 'boolean') return value ?? false;
    if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
    throw parserError('boolean', value);
  }
  if (value === null) return null;
  if (typeof value === 'string' && value === '' && type !== 'address' && type !== 'location') return null;
  switch (type) {
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) return Number(value.trim());
      throw parserError('int', value);
    case 'double':
    case 'currency':
    case 'percent':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string' && NUMBER_TEXT.test(value.trim())) return Number(value.trim());
      throw parserError('double', value);
    case 'date': {
      const date = typeof value === 'string' ? parseDate(value) : undefined;
      if (date === undefined) throw parserError('date', value);
      return date;
    }
    case 'datetime': {
      const datetime = typeof value === 'string' ? parseDatetime(value) : undefined;
      if (datetime === undefined) throw parserError('datetime', value);
      return datetime;
    }
    default:
      if (!TEXT_TYPES.has(type)) return value; // compound (address, location) and other types: left to the record checks
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      if (typeof value !== 'string') throw parserError('string', value);
      // Ids are stored in their 18-character form; a malformed one is kept for MALFORMED_ID.
      if ((type === 'reference' || type === 'id') && isSalesforceId(value)) return toId18(value);
      return value;
  }
}

/** Name (lowercased) → field, and relationship name (lowercased) → its reference field. */
function nameIndex(describe: SObjectDescribe): { fields: Map<string, FieldDescribe>; relationships: Map<string, FieldDescribe> } {
  const fields = new Map<string, FieldDescribe>();
  const relationships = new Map<string, FieldDescribe>();
  for (const field of describe.fields) {
    fields.set(field.name.toLowerCase(), field);
    if (field.type === 'reference' && field.relationshipName) relationships.set(field.relationshipName.toLowerCase(), field);
  }
  return { fields, relationships };
}

/** True for a JSON object (not null, not an array). */
function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A record body's fields with names in the describe's spelling and values coerced to what Salesforce
 * stores (numbers from numeric text, checkboxes never null, empty text null, datetimes as
 * `2024-05-01T10:00:00.000+0000`, ids in 18 characters). `attributes` is dropped. A relationship
 * name holding an object (`"Persona": {"Key__c": "tw:42"}`, a parent by external id) is kept, under
 * the relationship's spelling, for the caller to resolve. Idempotent: normalized fields come back the same.
 * @throws SalesforceRequestError 400 INVALID_FIELD "No such column 'Foo' on sobject of type SocialPost"
 *   for an unknown name; 400 JSON_PARSER_ERROR for a value of the wrong JSON type
 */
export function normalizeFields(describe: SObjectDescribe, fields: Record<string, unknown>): Record<string, unknown> {
  if (!isObject(fields)) throw parserError(describe.name, fields);
  const index = nameIndex(describe);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'attributes') continue;
    const lower = name.toLowerCase();
    const field = index.fields.get(lower);
    if (field) {
      out[field.name] = coerceValue(field, value);
      continue;
    }
    const reference = index.relationships.get(lower);
    if (reference?.relationshipName) {
      if (!isObject(value)) throw parserError(reference.referenceTo[0] ?? 'SObject', value);
      out[reference.relationshipName] = value;
      continue;
    }
    throw new SalesforceRequestError(400, 'INVALID_FIELD', `No such column '${name}' on sobject of type ${describe.name}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Record level

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
