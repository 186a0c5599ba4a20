import type { CatalogField } from '../connectors/destination.ts';

/**
 * Converting a mapped value to what its CRM field takes (the catalog's `valueType`): numbers from
 * numeric text, booleans from `"true"`/`"false"`, instants to ISO-8601, restricted picklists
 * checked, and text longer than the field reported or cut (`tooLong`).
 */

/** JSONata sequences are arrays with extra properties; copy them into plain JSON. */
export function plain(value: unknown): unknown {
  return value === null || typeof value !== 'object' ? value : JSON.parse(JSON.stringify(value)) as unknown;
}

/**
 * Converts a value to what the field takes. Length is not checked here: see `fitLength`.
 * @throws Error saying what was expected, when the value cannot be converted
 */
export function coerce(value: unknown, field: CatalogField): unknown {
  if (value === null) return null;
  switch (field.valueType) {
    case 'string': case 'reference': {
      if (typeof value === 'object') cannotTake(value, field);
      const text = String(value);
      if (field.picklist?.restricted && !field.picklist.values.includes(text)) throw new Error(`${JSON.stringify(text)} is not a value of ${field.name} (${field.picklist.values.join(', ')})`);
      return text;
    }
    case 'integer': case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n) || (field.valueType === 'integer' && !Number.isInteger(n))) cannotTake(value, field);
      return n;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return cannotTake(value, field);
    case 'datetime': case 'date': {
      const instant = typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined;
      if (!instant || Number.isNaN(instant.getTime())) cannotTake(value, field);
      const iso = instant!.toISOString();
      return field.valueType === 'date' ? iso.slice(0, 10) : iso;
    }
    default:
      return plain(value);
  }
}

/**
 * @throws Error saying what the field takes. A function of the module rather than a closure made on
 * each call: under tsx (bench:plan), every named closure costs a defineProperty (esbuild's keepNames).
 */
function cannotTake(value: unknown, field: CatalogField): never {
  throw new Error(`${field.name} takes a value of type ${field.vendorType}; got ${JSON.stringify(plain(value))?.slice(0, 80)}`);
}

/**
 * Applies a text field's `length` (in UTF-16 units, as Salesforce and OData count): text that fits
 * is returned as it is; longer text is cut at the length, never between the two halves of a
 * surrogate pair (an emoji), with `truncate`, and refused with `error`.
 * @returns the value and, when cut, what was done (`truncated to 255`); with `error`, a problem
 *   naming the field, its length and the value's
 */
export function fitLength(value: unknown, field: CatalogField, tooLong: 'error' | 'truncate'): { value: unknown; truncated?: string; problem?: string } {
  if (typeof value !== 'string' || field.length === undefined || field.valueType !== 'string' || value.length <= field.length) return { value };
  if (tooLong === 'error') return { value: undefined, problem: `${field.name} holds at most ${field.length} characters; this value has ${value.length} (tooLong: truncate would cut it)` };
  const cutsPair = isHighSurrogate(value.charCodeAt(field.length - 1)) && isLowSurrogate(value.charCodeAt(field.length));
  return { value: value.slice(0, cutsPair ? field.length - 1 : field.length), truncated: `truncated to ${field.length}` };
}

/**
 * How `coerce` changed a value's type, for a preview's trace (`string→datetime`, `number→string`);
 * undefined when it kept the type and the value.
 */
export function coercionOf(before: unknown, after: unknown, field: CatalogField): string | undefined {
  if (field.valueType === 'other' || before === null) return undefined;
  const from = typeName(before);
  const to = field.valueType === 'reference' ? 'string' : field.valueType;
  const same = from === to || (from === 'number' && to === 'integer');
  return same && before === after ? undefined : `${from}→${field.valueType}`;
}

function typeName(value: unknown): string {
  return Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
