import type { NewOperation } from '../../store/store.ts';

/** The write that went without a `later` reference, as the store keeps it. */
export interface UnboundWrite {
  operationId: string;
  field: string;
  eventId: string;
  object: string;
  recordKey: string | null;
  orderingKey: string;
}

/** The mapping id of the updates that set a `later` reference once its record is written. */
export const BIND_LATER_MAPPING = 'parley:bind-later';

/**
 * The update that sets a field a write went without (`bind: later`) once the referenced record has
 * its CRM id: queued behind whatever else is pending for that record, under a deterministic id
 * (`<operation>:<field>`) so binding the same reference twice queues it once. A write without a
 * record key cannot be updated: nothing is queued (the binding is simply forgotten).
 */
export function bindLaterOperation(destination: string, write: UnboundWrite, crmId: string): NewOperation | undefined {
  if (write.recordKey === null) return undefined;
  return {
    id: `${write.operationId}:${write.field}`, eventId: write.eventId, mappingId: BIND_LATER_MAPPING, destination,
    object: write.object, operation: 'update', recordKey: write.recordKey, orderingKey: write.orderingKey,
    fields: { [write.field]: crmId }, references: [],
  };
}
