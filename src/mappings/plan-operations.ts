import type { ObjectCatalog, WriteOperationKind } from '../connectors/destination.ts';
import type { CanonicalData } from '../model/index.ts';
import type { OperationReference } from '../store/store.ts';
import type { CompiledMapping } from './compiled-mapping.ts';
import { runMapping } from './run-mapping.ts';

// `coerce` lived here first; it is imported from this module elsewhere.
export { coerce } from './coerce.ts';

/** A canonical event as mappings see it: its data is the expressions' input. */
export interface MappedEvent {
  id: string;
  source: string;
  data: CanonicalData;
}

/** One CRM write a mapping asks for, before it is queued in the outbox. */
export interface PlannedOperation {
  mappingId: string;
  /** The event it came from. */
  eventId: string;
  destination: string;
  object: string;
  operation: WriteOperationKind;
  matchKey?: string;
  /** The match key's value (`ExternalPostId`'s), when there is a match key. */
  matchValue?: string;
  /** This record's key among Parley's links: `target.recordKey`, else the match value. */
  recordKey?: string;
  /** Field values, coerced to the catalog's types when a catalog is given. */
  fields: Record<string, unknown>;
  /** Fields bound at dispatch to the CRM id of another record (`PersonaId` → SocialPersona `x:42`). */
  references: OperationReference[];
  /** The fields of `fields` the mapping marks `personal: true` (consent rules may leave them out); absent when none. */
  personal?: string[];
}

/** A mapping that matched but could not produce its operation (a value of the wrong type): never silent. */
export interface MappingProblem {
  mappingId: string;
  eventId: string;
  /** `fields.Followers`, `when`, … */
  key: string;
  problem: string;
}

/**
 * Runs every mapping whose source matches the event: `when`, then each field and reference
 * (run-mapping.ts, the code a preview runs too).
 * Pure but for JSONata's promises: the same event and mappings always give the same operations.
 * @param catalogs per destination, to coerce values to field types; without one, values pass as they are
 */
export async function planOperations(
  mappings: readonly CompiledMapping[], event: MappedEvent, catalogs: ReadonlyMap<string, ObjectCatalog> = new Map(),
): Promise<{ operations: PlannedOperation[]; problems: MappingProblem[] }> {
  const operations: PlannedOperation[] = [];
  const problems: MappingProblem[] = [];
  for (const mapping of mappings) {
    const { target } = mapping.definition;
    const object = catalogs.get(target.destination)?.objects.find((o) => o.name === target.object);
    const run = await runMapping(mapping, event, object);
    problems.push(...run.problems);
    if (run.operation) operations.push(run.operation);
    if (run.linkOperation) operations.push(run.linkOperation);
  }
  return { operations, problems };
}
