/**
 * Messages between `WorkerSqliteStore` (main thread) and store-worker.ts. A call names a `Store`
 * method, or `APPEND_PACKED` for `appendDeliveries` with its batch packed (see packed-deliveries.ts).
 * Replies carry the call's id; a ParleyError travels as its parts, since structured clone keeps
 * only an Error's name and message.
 */
export interface StoreCall { id: number; method: string; args: unknown[] }

/** The store's facets (sub-objects of `Store` kept in files of their own): a call names `<facet>.<method>`. */
export const FACETS = ['resyncs', 'people', 'erasures', 'mappings', 'incidents', 'consents', 'retention', 'provenance'] as const;
export type FacetName = typeof FACETS[number];
export type StoreReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { code?: string; status?: number; message: string; details?: Record<string, unknown> } };

/** `appendDeliveries` with its argument a `PackedDeliveries`. */
export const APPEND_PACKED = 'appendDeliveriesPacked';
