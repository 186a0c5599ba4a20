import type { CatalogField } from '../connectors/destination.ts';
import { coerce, coercionOf, fitLength, plain } from './coerce.ts';
import type { CompiledField } from './compiled-mapping.ts';

/** What became of an expression's result on its way to the field. */
export interface FieldValue {
  /** The value written; undefined when the field is left out (nothing, and no default) or on a problem. */
  value: unknown;
  /** The steps that changed it, in order (`default used`, `mapped "x"→"Twitter"`, `string→datetime`, `truncated to 255`). */
  steps: string[];
  /** Why there is no value: the key it is about (`fields.Provider.map`) and a sentence. */
  problem?: { key: string; text: string };
}

/**
 * Turns an expression's result into the field's value, in the order docs/mappings.md gives:
 * `default` when the result is nothing (and then no map: a default is already the CRM's value),
 * `map`, conversion to the catalog field's type, then `tooLong`. Without a catalog field, the
 * value passes as it is (a copy of it).
 * A result not in the map (and no `mapDefault`), a value the field cannot take, or text too long
 * with `tooLong: error` is a `problem`, not an exception: one bad event must not stop the others.
 */
export function fieldValue(field: CompiledField, result: unknown, catalogField: CatalogField | undefined): FieldValue {
  const steps: string[] = [];
  let value = result;
  if (value === undefined) {
    if (!field.hasDefault) return { value: undefined, steps };
    value = field.default;
    steps.push('default used');
  } else if (field.map) {
    const entry = mapped(field, value);
    if ('problem' in entry) return { value: undefined, steps, problem: entry.problem };
    steps.push(entry.step);
    value = entry.value;
  }
  if (value === undefined) return { value: undefined, steps };
  if (!catalogField) return { value: plain(value), steps };
  let coerced: unknown;
  try {
    coerced = coerce(value, catalogField);
  } catch (error) {
    return { value: undefined, steps, problem: { key: `fields.${field.name}`, text: (error as Error).message } };
  }
  const coercion = coercionOf(value, coerced, catalogField);
  if (coercion) steps.push(coercion);
  const fitted = fitLength(coerced, catalogField, field.tooLong);
  if (fitted.problem !== undefined) return { value: undefined, steps, problem: { key: `fields.${field.name}`, text: fitted.problem } };
  if (fitted.truncated) steps.push(fitted.truncated);
  return { value: fitted.value, steps };
}

/** The map's value for a result: strings, numbers and booleans are looked up by their text. */
function mapped(field: CompiledField, result: unknown): { value: unknown; step: string } | { problem: { key: string; text: string } } {
  const map = field.map!;
  const text = typeof result === 'string' || typeof result === 'number' || typeof result === 'boolean' ? String(result) : undefined;
  if (text !== undefined && Object.hasOwn(map, text)) return { value: map[text], step: `mapped ${JSON.stringify(text)}→${JSON.stringify(map[text])}` };
  const shown = JSON.stringify(plain(result))?.slice(0, 80);
  if (field.hasMapDefault) return { value: field.mapDefault, step: `${shown} not in map: mapDefault used` };
  return { problem: { key: `fields.${field.name}.map`, text: `${shown} is not in the map of ${field.name} (${Object.keys(map).join(', ')}): add it, or give mapDefault` } };
}
