import { deadLetterReasons } from '../../errors.ts';
import type { NewOperation } from '../../store/store.ts';

/** A dead operation's letter (stage `delivery`), as the store keeps it. */
export interface DeliveryDeadLetter {
  /** `dl-<operation id>`: replaying the operation and seeing it die again reuses the same letter. */
  id: string;
  reasonCode: string;
  reason: string;
  details: Record<string, unknown>;
  /** The write as planned: fields, references and match, as JSON. */
  body: Buffer;
}

/**
 * A dead operation is a dead letter too (stage `delivery`), listed with the others; its reason is
 * the CRM's error code and message (`UNKNOWN` when the error has none).
 */
export function deliveryDeadLetter(op: Pick<NewOperation, 'id' | 'destination' | 'object' | 'operation' | 'mappingId' | 'eventId' | 'fields' | 'references' | 'matchKey' | 'matchValue'>, error: Record<string, unknown>): DeliveryDeadLetter {
  const reasonCode = String(error.code ?? deadLetterReasons.UNKNOWN.code);
  return {
    id: `dl-${op.id}`, reasonCode, reason: String(error.message ?? reasonCode),
    details: { destination: op.destination, object: op.object, operation: op.operation, mappingId: op.mappingId, eventId: op.eventId, error },
    body: Buffer.from(JSON.stringify({ fields: op.fields, references: op.references, matchKey: op.matchKey ?? null, matchValue: op.matchValue ?? null })),
  };
}
