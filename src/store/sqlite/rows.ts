import type { OperationRow as AnyOperationRow } from '../rows.ts';

// The SQLite store's rows: the shared shapes and mappings of ../rows.ts, with 0/1 where
// PostgreSQL has booleans.
export { pageOf, toPendingDelivery, toStoredDeadLetter, toStoredEvent, toStoredOperation, type DeadLetterRow, type DeliveryRow, type EventRow } from '../rows.ts';
export type OperationRow = AnyOperationRow & { outcome_unknown: number };
