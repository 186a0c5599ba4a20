import { z } from 'zod';
import { Erasure } from './erasure.ts';
import { Identity } from './identity.ts';
import { Interaction } from './interaction.ts';

/** The three kinds of canonical event. */
export const EventKind = z.enum(['identity', 'interaction', 'erasure']);
export type EventKind = z.infer<typeof EventKind>;

/** The canonical payload of an event, told apart by `kind`. */
export const CanonicalData = z.discriminatedUnion('kind', [Identity, Interaction, Erasure]);
export type CanonicalData = z.infer<typeof CanonicalData>;

/**
 * What a source connector's `parse` returns for one delivery: canonical data plus the event key
 * that deduplicates it within the source (`tweet:1065035365336141825`).
 */
export const ParsedEvent = z.object({
  key: z.string().min(1).max(512),
  data: CanonicalData,
});
export type ParsedEvent = z.infer<typeof ParsedEvent>;

/** An event as stored and served by `GET /v1/events/:id`. */
export interface StoredEvent {
  /** Parley's id (UUIDv7). */
  id: string;
  /** Source id (`x`). */
  source: string;
  kind: EventKind;
  key: string;
  /** The delivery (webhook POST) that carried it. */
  deliveryId: string;
  /** When Parley committed it, ISO-8601. */
  receivedAt: string;
  data: CanonicalData;
}
