import type { ObjectCatalog } from '../connectors/destination.ts';
import type { CompiledMapping } from './compiled-mapping.ts';
import type { MappedEvent, MappingProblem, PlannedOperation } from './plan-operations.ts';
import { runMapping, type TraceEntry, type WhenTrace } from './run-mapping.ts';

export type { TraceEntry, WhenTrace } from './run-mapping.ts';

/**
 * What a mapping would do with one event, and why: the answer of `POST /v1/mappings/:id/preview`.
 *
 * When `when` is not true, nothing would be written (`operations` and `problems` empty), but `trace`
 * still shows what each field would be if it were, beside `when` (expression, inputs, result) and
 * `skipped`. For an event of another kind or network, only `skipped` says why (the fields read paths
 * such an event does not have).
 */
export interface MappingPreview {
  mappingId: string;
  /** The mapping applies to this event: its kind, its network and `when` let it. */
  matched: boolean;
  /** The `when` condition, when the mapping has one and the event is of its kind and network. */
  when?: WhenTrace;
  /** Why it does not apply: `other kind: …`, `other network: …`, `when false`, `when failed: …`. */
  skipped?: string;
  /** The write it would queue: none when it does not apply or a problem stops it. */
  operations: PlannedOperation[];
  /** What would go to the dead letters instead (a value of the wrong type, a result not in a map). */
  problems: MappingProblem[];
  /** One entry per target field, then per reference, then the record key (when `target.recordKey` is given). */
  trace: TraceEntry[];
}

/**
 * Runs one mapping on one event as the planner would (run-mapping.ts: the same code), keeping a
 * trace of every expression. Writes nothing, reads no store and calls no CRM.
 * @param catalog the destination's catalog, to convert values to its field types as the planner
 *   does; without it values pass as they are (as for a destination not connected yet)
 * @example
 *   const preview = await previewMapping(mapping, { id: 'e1', source: 'x', data: event }, catalog);
 *   preview.trace.find((t) => t.field === 'Posted') // { expression: 'occurredAt', fast: true, coercion: 'string→datetime', … }
 */
export async function previewMapping(mapping: CompiledMapping, event: MappedEvent, catalog?: ObjectCatalog): Promise<MappingPreview> {
  const { id, target } = mapping.definition;
  const object = catalog?.objects.find((o) => o.name === target.object);
  const trace: TraceEntry[] = [];
  const run = await runMapping(mapping, event, object, trace);
  return {
    mappingId: id, matched: run.matched, ...(run.when ? { when: run.when } : {}), ...(run.skipped !== undefined ? { skipped: run.skipped } : {}),
    operations: [...(run.operation ? [run.operation] : []), ...(run.linkOperation ? [run.linkOperation] : [])], problems: run.problems, trace,
  };
}
