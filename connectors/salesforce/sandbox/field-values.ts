/**
 * Write validation, request level (`SalesforceRequestError`, the whole request answers 400): the body
 * does not deserialize — an unknown field name (INVALID_FIELD) or a value of the wrong JSON type
 * (JSON_PARSER_ERROR). Salesforce binds JSON to the sObject before it looks at any record, so one bad
 * record fails the lot. `normalizeFields` does this part; the record level is in validate.ts.
 */
import { isSalesforceId, toId18 } from './ids.ts';
import { SalesforceRequestError, type FieldDescribe, type SObjectDescribe } from './types.ts';

/** Types stored as text; JSON numbers and booleans sent for them are taken as their text. */
const TEXT_TYPES = new Set(['string', 'textarea', 'picklist', 'multipicklist', 'url', 'email', 'phone', 'combobox', 'encryptedstring', 'id', 'reference']);

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
export function nameIndex(describe: SObjectDescribe): { fields: Map<string, FieldDescribe>; relationships: Map<string, FieldDescribe> } {
  const fields = new Map<string, FieldDescribe>();
  const relationships = new Map<string, FieldDescribe>();
  for (const field of describe.fields) {
    fields.set(field.name.toLowerCase(), field);
    if (field.type === 'reference' && field.relationshipName) relationships.set(field.relationshipName.toLowerCase(), field);
  }
  return { fields, relationships };
}

/** True for a JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
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
