import { mappingInput } from '../mappings/enrich-event.ts';
import type { ObjectCatalog } from '../connectors/destination.ts';
import type { CompiledMapping } from '../mappings/compiled-mapping.ts';
import { planOperations } from '../mappings/plan-operations.ts';
import type { StoredEvent } from '../model/index.ts';
import { identityOf } from '../outbox/planner.ts';
import type { NewOperation } from '../store/store.ts';

/** The mapping id of the updates that move a persona's parent when its person changes. */
export const PERSON_PARENT_MAPPING = 'parley:person-parent';

/** Mappings with a reference that follows the person (`person:`): only their records have a parent to move. */
export function personFollowing(mappings: readonly CompiledMapping[]): CompiledMapping[] {
  return mappings.filter((m) => m.definition.source.kind === 'identity' && Object.values(m.definition.references).some((r) => r.person !== undefined));
}

/**
 * The updates that move an identity's records' parents after its person changed (a link, an
 * unmerge): the person-following mappings run on the identity's newest full profile event, each
 * operation turned into an `update` of its record carrying only the references that follow the
 * person (fields none: nothing else changed). The dispatcher binds them as for any write: to the
 * person's primary identity's parent, or, alone again, the identity's own match or first record.
 * Queued behind the identity's other writes (same ordering key). A mapping that fails or does not
 * apply to the event gives nothing. Pure but for the mappings' expressions.
 */
export async function parentUpdates(event: StoredEvent, mappings: readonly CompiledMapping[], catalogs: ReadonlyMap<string, ObjectCatalog>, newId: () => string): Promise<NewOperation[]> {
  const { operations } = await planOperations(personFollowing(mappings), { id: event.id, source: event.source, data: mappingInput(event.data) }, catalogs);
  return operations.flatMap((op) => {
    const references = op.references.filter((r) => r.person !== undefined);
    if (references.length === 0 || op.recordKey === undefined) return [];
    return [{
      id: newId(), eventId: op.eventId, mappingId: PERSON_PARENT_MAPPING, destination: op.destination, object: op.object, operation: 'update' as const,
      ...(op.matchKey !== undefined ? { matchKey: op.matchKey } : {}), ...(op.matchValue !== undefined ? { matchValue: op.matchValue } : {}),
      recordKey: op.recordKey, orderingKey: `${op.destination}:${identityOf(event.data)}`, fields: {}, references,
    }];
  });
}
