import type { DeliveryWrite } from '../store.ts';

/**
 * A batch of deliveries as sent to the store worker: the small fields as a plain array and every
 * body copied, back to back, into one ArrayBuffer that is transferred rather than cloned.
 *
 * Why: a request body is usually a view into a much larger buffer (the socket's read buffer, tens
 * of KB), and structured clone copies a view's whole underlying buffer. Cloning a batch of 1.5 KB
 * bodies cost more main-thread time than verifying and answering them.
 */
export interface PackedDeliveries {
  /** `[id, source, receivedAt (ms since epoch), contentType, body length (bytes), kept headers or null]` per delivery, in order. */
  meta: Array<[string, string, number, string, number, Record<string, string> | null]>;
  /** The bodies, concatenated in `meta` order. */
  bodies: ArrayBuffer;
}

/** Packs deliveries for `postMessage(packed, [packed.bodies])`. The input buffers are not touched. */
export function packDeliveries(deliveries: readonly DeliveryWrite[]): PackedDeliveries {
  let total = 0;
  for (const d of deliveries) total += d.body.byteLength;
  const bodies = new ArrayBuffer(total);
  const target = new Uint8Array(bodies);
  const meta: PackedDeliveries['meta'] = [];
  let offset = 0;
  for (const d of deliveries) {
    target.set(d.body, offset);
    offset += d.body.byteLength;
    meta.push([d.id, d.source, d.receivedAt.getTime(), d.contentType, d.body.byteLength, d.headers ?? null]);
  }
  return { meta, bodies };
}

/** The deliveries back, each body a Buffer view into the one transferred buffer (no copy). */
export function unpackDeliveries(packed: PackedDeliveries): DeliveryWrite[] {
  let offset = 0;
  return packed.meta.map(([id, source, receivedAtMs, contentType, length, headers]) => {
    const body = Buffer.from(packed.bodies, offset, length);
    offset += length;
    return { id, source, receivedAt: new Date(receivedAtMs), contentType, body, ...(headers ? { headers } : {}) };
  });
}
