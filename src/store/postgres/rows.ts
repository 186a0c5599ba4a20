import type { OperationRow as AnyOperationRow } from '../rows.ts';

// The PostgreSQL store's rows (BIGINT parsed as numbers, BYTEA as Buffers): the shared shapes and
// mappings of ../rows.ts, with booleans where SQLite has 0/1.
export { pageOf, toPendingDelivery, toStoredDeadLetter, toStoredEvent, toStoredOperation, type DeadLetterRow, type DeliveryRow, type EventRow } from '../rows.ts';
export type OperationRow = AnyOperationRow & { outcome_unknown: boolean };
