import type { CatalogField, CatalogObject } from '../connectors/destination.ts';
import type { OperationReference } from '../store/store.ts';
import type { CompiledExpression, CompiledMapping, CompiledReference } from './compiled-mapping.ts';
import { fieldValue } from './field-value.ts';
import type { MappedEvent, MappingProblem, PlannedOperation } from './plan-operations.ts';

/**
 * One mapping on one event: the evaluation planOperations runs for every mapping and a preview runs
 * for one, so what a preview shows is what the planner does. Pure but for JSONata's promises.
 */

/** What one target field, reference or record key gave, for a preview. */
export interface TraceEntry {
  /** The target field (`Name`), reference (`PersonaId`), `target.recordKey` or `link.key`. */
  field: string;
  kind: 'field' | 'reference' | 'recordKey' | 'link';
  /** The expression as written (a reference's key, or its match rules' values joined by `; `). */
  expression: string;
  /** Evaluated without JSONata (fast-path.ts). */
  fast: boolean;
  /** Each event path the expression reads → its value in this event (undefined: absent). */
  inputs: Record<string, unknown>;
  /** What the expression gave, before default, map and conversion. */
  result: unknown;
  /** What is written: a field's value, or the reference planned; absent when nothing is. */
  value?: unknown;
  /** What changed the result on its way (`default used, string→datetime, truncated to 255`). */
  coercion?: string;
  /** Why it gave no value: the same text as the problem reported. */
  problem?: string;
}

/** The `when` of a mapping on an event. */
export interface WhenTrace {
  expression: string;
  inputs: Record<string, unknown>;
  result: unknown;
  /** Only `true` passes: `"yes"`, `1` or nothing do not. */
  passed: boolean;
}

/** One mapping's outcome on one event. */
export interface MappingRun {
  /** Its source (kind, network) and `when` let it apply to this event. */
  matched: boolean;
  /** Why it did not apply: `other kind`, `other network`, `when false`, `when failed`. */
  skipped?: string;
  when?: WhenTrace;
  /** The write it asks for; absent when it did not apply or a problem stopped it. */
  operation?: PlannedOperation;
  /** With `link`: the update of the event's linked record that sets its reference to this one. */
  linkOperation?: PlannedOperation;
  problems: MappingProblem[];
}

/**
 * Runs `when`, then every field and reference, then the record key. A field or reference that fails
 * is a problem and the mapping writes nothing for this event (a partial record would be worse);
 * the other fields are still evaluated, so one pass reports every problem.
 * @param object the target object's catalog entry, to convert values to its field types; without
 *   it values pass as they are
 * @param trace when given, one entry per field, reference, record key and link is pushed to it:
 *   also when `when` is not true (what the mapping would write if it were; no operation, and no
 *   problems, as nothing would be written), not when the event is of another kind or network
 */
export async function runMapping(mapping: CompiledMapping, event: MappedEvent, object: CatalogObject | undefined, trace?: TraceEntry[]): Promise<MappingRun> {
  const { source, target, id } = mapping.definition;
  const data = event.data;
  const problems: MappingProblem[] = [];
  if (source.kind !== data.kind) return { matched: false, skipped: `other kind: it takes ${source.kind} events`, problems };
  if (source.network && source.network !== data.network) return { matched: false, skipped: `other network: it takes ${source.network} events`, problems };
  // Made after the checks above: most mappings do not take most events, and under tsx each named closure costs a defineProperty.
  const problem = (key: string, text: string) => problems.push({ mappingId: id, eventId: event.id, key, problem: text });
  let when: WhenTrace | undefined;
  if (mapping.when) {
    let result: unknown;
    try {
      result = await mapping.when.evaluate(data);
    } catch (error) {
      problem('when', (error as Error).message);
      return { matched: false, skipped: `when failed: ${(error as Error).message}`, problems, ...(trace ? { when: { expression: mapping.when.source, inputs: inputsOf(mapping.when, data), result: undefined, passed: false } } : {}) };
    }
    when = trace ? { expression: mapping.when.source, inputs: inputsOf(mapping.when, data), result: result === undefined ? undefined : plainResult(result), passed: result === true } : undefined;
    if (result !== true) {
      if (!trace) return { matched: false, skipped: 'when false', problems };
      // A preview still shows what each field would be: authors see their fields while the condition is off.
      await runMapping({ ...mapping, when: undefined } as CompiledMapping, event, object, trace);
      return { matched: false, skipped: 'when false', problems, ...(when ? { when } : {}) };
    }
  }
  const fields: Record<string, unknown> = {};
  let failed = false;
  for (const f of mapping.fields) {
    let result: unknown;
    try {
      result = await f.expression.evaluate(data);
    } catch (error) {
      problem(`fields.${f.name}`, (error as Error).message);
      failed = true;
      if (trace) trace.push({ ...traced(f.name, 'field', f.expression, data), result: undefined, problem: (error as Error).message });
      continue;
    }
    const made = fieldValue(f, result, object ? fieldsOf(object).get(f.name) : undefined);
    if (made.problem) {
      problem(made.problem.key, made.problem.text);
      failed = true;
    } else if (made.value !== undefined) {
      fields[f.name] = made.value;
    }
    if (trace) {
      trace.push({
        ...traced(f.name, 'field', f.expression, data), result: plainResult(result),
        ...(made.value !== undefined ? { value: made.value } : {}), ...(made.steps.length > 0 ? { coercion: made.steps.join(', ') } : {}),
        ...(made.problem ? { problem: made.problem.text } : {}),
      });
    }
  }
  const references: OperationReference[] = [];
  for (const r of mapping.references) {
    const expressions = referenceExpressions(r);
    try {
      const { reference, result } = await planReference(r, data);
      if (reference) references.push(reference);
      if (trace) trace.push({ ...tracedAll(r.name, expressions, data), result, ...(reference ? { value: reference } : {}) });
    } catch (error) {
      problem(`references.${r.name}`, (error as Error).message);
      failed = true;
      if (trace) trace.push({ ...tracedAll(r.name, expressions, data), result: undefined, problem: (error as Error).message });
    }
  }
  if (failed) return { matched: true, problems, ...(when ? { when } : {}) };
  const matchValue = target.matchKey !== undefined && fields[target.matchKey] !== undefined && fields[target.matchKey] !== null ? String(fields[target.matchKey]) : undefined;
  let recordKey = matchValue;
  if (mapping.recordKey) {
    let key: unknown;
    let failure: string | undefined;
    try {
      key = await mapping.recordKey.evaluate(data);
    } catch (error) {
      failure = (error as Error).message;
      problem('target.recordKey', failure);
    }
    recordKey = key === undefined || key === null ? undefined : String(key);
    if (trace) {
      trace.push({
        ...traced('target.recordKey', 'recordKey', mapping.recordKey, data), result: plainResult(key),
        ...(recordKey !== undefined ? { value: recordKey } : {}), ...(failure !== undefined ? { problem: failure } : {}),
      });
    }
  }
  if (target.matchKey && matchValue === undefined && target.operation !== 'create') {
    problem(`fields.${target.matchKey}`, `the match key ${target.matchKey} has no value for this event`);
    return { matched: true, problems, ...(when ? { when } : {}) };
  }
  const personal = mapping.personalFields.filter((name) => name in fields);
  const operation: PlannedOperation = {
    mappingId: id, eventId: event.id, destination: target.destination, object: target.object, operation: target.operation,
    ...(target.matchKey ? { matchKey: target.matchKey } : {}), ...(matchValue !== undefined ? { matchValue } : {}),
    ...(recordKey !== undefined ? { recordKey } : {}), fields, references, ...(personal.length > 0 ? { personal } : {}),
  };
  const linkOperation = mapping.link && recordKey !== undefined ? await planLink(mapping, event, recordKey, problem, trace) : undefined;
  return { matched: true, operation, ...(linkOperation ? { linkOperation } : {}), problems, ...(when ? { when } : {}) };
}

/**
 * The `link` write: an update of the event's record of `link.object` (found by its match key) that
 * sets `link.field` to this mapping's record once that is written (a reference that waits for it).
 * Nothing when the key gives nothing for this event.
 */
async function planLink(mapping: CompiledMapping, event: MappedEvent, recordKey: string, problem: (key: string, text: string) => void, trace?: TraceEntry[]): Promise<PlannedOperation | undefined> {
  const link = mapping.link!;
  const { target, id } = mapping.definition;
  let key: unknown;
  try {
    key = await link.key.evaluate(event.data);
  } catch (error) {
    problem('link.key', (error as Error).message);
    if (trace) trace.push({ ...traced(link.field, 'link', link.key, event.data), result: undefined, problem: (error as Error).message });
    return undefined;
  }
  const matchValue = key === undefined || key === null || key === '' ? undefined : String(key);
  const reference = { field: link.field, object: target.object, key: recordKey, bind: 'wait' as const };
  if (trace) trace.push({ ...traced(link.field, 'link', link.key, event.data), result: plainResult(key), ...(matchValue !== undefined ? { value: { [link.matchKey]: matchValue, ...reference } } : {}) });
  if (matchValue === undefined) return undefined;
  return {
    mappingId: id, eventId: event.id, destination: target.destination, object: link.object, operation: 'update',
    matchKey: link.matchKey, matchValue, recordKey: matchValue, fields: { [link.matchKey]: matchValue }, references: [reference],
  };
}

const fieldIndex = new WeakMap<CatalogObject, Map<string, CatalogField>>();

/** An object's fields by name, built once per catalog object (an object has dozens; every event looks up each mapped one). */
function fieldsOf(object: CatalogObject): Map<string, CatalogField> {
  let index = fieldIndex.get(object);
  if (!index) {
    index = new Map(object.fields.map((f) => [f.name, f]));
    fieldIndex.set(object, index);
  }
  return index;
}

/** A reference's planned form for this event, and what its expressions gave (the key, or the match values). */
async function planReference(r: CompiledReference, data: unknown): Promise<{ reference?: OperationReference; result: unknown }> {
  if (r.key) {
    const key = await r.key.evaluate(data);
    // The matched parent of a record is linked under `<object>.parent` (see the dispatcher).
    const reference = key === undefined || key === null ? undefined : { field: r.name, object: r.parentOf ? `${r.object}.parent${r.parentObject ? `.${r.parentObject}` : ''}` : r.object, key: String(key), bind: r.bind };
    return { ...(reference ? { reference } : {}), result: plainResult(key) };
  }
  const match: Array<{ object: string; field: string; value: string }> = [];
  const values: unknown[] = [];
  for (const m of r.match) {
    const value = await m.value.evaluate(data);
    values.push(plainResult(value));
    if (value !== undefined && value !== null && value !== '') match.push({ object: m.object, field: m.field, value: String(value) });
  }
  const person = r.person ? await r.person.evaluate(data) : undefined;
  if (r.person) values.push(plainResult(person));
  // Match rules alone: with no rule value for this event there is nothing to look up; the field stays empty.
  if (!r.firstOfIdentity && match.length === 0) return { result: values };
  const reference: OperationReference = {
    field: r.name, object: r.object, ...(r.firstOfIdentity ? { firstOfIdentity: true } : {}), bind: r.bind, ...(match.length > 0 ? { match } : {}),
    ...(typeof person === 'string' && person !== '' ? { person } : {}),
  };
  return { reference, result: values };
}

/** A reference's expressions: its key, or its match rules' values and its person. */
function referenceExpressions(r: CompiledReference): CompiledExpression[] {
  return r.key ? [r.key] : [...r.match.map((m) => m.value), ...(r.person ? [r.person] : [])];
}

function traced(field: string, kind: TraceEntry['kind'], expression: CompiledExpression, data: unknown): Pick<TraceEntry, 'field' | 'kind' | 'expression' | 'fast' | 'inputs'> {
  return { field, kind, expression: expression.source, fast: expression.fast, inputs: inputsOf(expression, data) };
}

function tracedAll(field: string, expressions: CompiledExpression[], data: unknown): Pick<TraceEntry, 'field' | 'kind' | 'expression' | 'fast' | 'inputs'> {
  const inputs = Object.assign({}, ...expressions.map((e) => inputsOf(e, data))) as Record<string, unknown>;
  // A reference by firstOfIdentity alone reads nothing from the event.
  const expression = expressions.length > 0 ? expressions.map((e) => e.source).join('; ') : 'firstOfIdentity: true';
  return { field, kind: 'reference', expression, fast: expressions.every((e) => e.fast), inputs };
}

/** Each path an expression reads → its value in the event, read through lists as JSONata does (`mentions.handle`: every handle). */
export function inputsOf(expression: CompiledExpression, data: unknown): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const path of expression.paths) inputs[path] = plainResult(valueAt(data, path.split('.')));
  return inputs;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  if (path.length === 0) return value;
  if (Array.isArray(value)) {
    const items = value.flatMap((item) => {
      const found = valueAt(item, path);
      return found === undefined ? [] : Array.isArray(found) ? found : [found];
    });
    return items.length === 0 ? undefined : items.length === 1 ? items[0] : items;
  }
  if (value === null || typeof value !== 'object' || !Object.hasOwn(value, path[0]!)) return undefined;
  return valueAt((value as Record<string, unknown>)[path[0]!], path.slice(1));
}

/** A JSONata result as plain JSON (its sequences are arrays with extra properties). */
function plainResult(value: unknown): unknown {
  return value === null || value === undefined || typeof value !== 'object' ? value : JSON.parse(JSON.stringify(value)) as unknown;
}
