import { z } from 'zod';
import type { ParsedEvent } from '../../../src/connectors/index.ts';
import { payloadErrorOf } from '../parse/json-path.ts';
import type { Scope } from '../parse/shared.ts';
import { XaaId } from './id.ts';
import { readIncludes, type Includes } from './includes.ts';
import { isObject } from './user.ts';

/**
 * One X Activity API event: `{"data": {event_uuid, filter, event_type, tag?, payload, includes?}}`
 * (docs.x.com/x-api/activity/event-payloads, "Event envelope"). Tolerant where the samples and the
 * OpenAPI schema disagree (reference U3, U6): `event_uuid` may be a negative number string, a
 * UUID, or absent (the quickstart stream sample); `filter` may be `{}` (oauth.revoke) or absent
 * (the XChat page sample); `tag` and `includes` are optional. `payload` is read by the family
 * parser the `event_type` selects.
 */
export const XActivityEnvelope = z.object({
  // Opaque: only ever used whole, as the last resort of an id-less item's key.
  event_uuid: z.union([z.string(), z.number().int().transform(String)]).nullish().catch(undefined),
  filter: z.object({
    user_id: XaaId.nullish(),
    keyword: z.string().nullish(),
    // Documented for like.create (and, per the 2026-03-18 changelog, DM and chat events).
    direction: z.enum(['inbound', 'outbound']).nullish().catch(undefined),
  }).nullish(),
  event_type: z.string().min(1),
  tag: z.string().nullish().catch(undefined),
  payload: z.unknown(),
  includes: z.unknown().optional(),
});

/** What a family parser gets: one event of the envelope, its includes read, its scope set. */
export interface ActivityEvent {
  eventType: string;
  eventUuid: string | undefined;
  /** The matched filter's `user_id`: the subscribed account, and so the brand (`scope.brand`). */
  filterUserId: string | undefined;
  /** The filter's `direction` (like.create): `outbound` when the filtered user did it. */
  direction: 'inbound' | 'outbound' | undefined;
  payload: unknown;
  includes: Includes;
  /** `brand` = `filter.user_id`; `receivedAt` for events without a time of their own. */
  scope: Scope;
  /** Where this event sits in the body, for error paths: `['data']` or `['data', 2]`. */
  path: readonly PropertyKey[];
}

/** Parses one family's payload with `schema`, or throws a PayloadError naming the path (`data.payload.source.id`). */
export function readPayload<T extends z.ZodType>(schema: T, event: ActivityEvent): z.output<T> {
  const result = schema.safeParse(event.payload);
  if (!result.success) throw payloadErrorOf(result.error, [...event.path, 'payload']);
  return result.data;
}

/** An envelope's event as a family parser's input, or a PayloadError naming what is wrong. */
export function readEnvelope(value: unknown, path: readonly PropertyKey[], receivedAt: Date): ActivityEvent {
  const result = XActivityEnvelope.safeParse(value);
  if (!result.success) throw payloadErrorOf(result.error, path);
  const envelope = result.data;
  const brand = envelope.filter?.user_id ?? undefined;
  return {
    eventType: envelope.event_type,
    eventUuid: envelope.event_uuid ?? undefined,
    filterUserId: brand,
    direction: envelope.filter?.direction ?? undefined,
    payload: envelope.payload,
    includes: readIncludes(envelope.includes),
    scope: { brand, receivedAt },
    path,
  };
}

/** A family parser: one event's canonical events. */
export type FamilyParser = (event: ActivityEvent) => ParsedEvent[];

/**
 * True when `body` is an X Activity API delivery: a top-level `data` object with a string
 * `event_type` (or, should X ever batch, an array of them). Account Activity bodies have no
 * `data` key (`for_user_id` + `*_events` arrays), so the two never overlap.
 */
export function isActivityDelivery(body: unknown): body is { data: unknown } {
  if (!isObject(body) || !Object.hasOwn(body, 'data')) return false;
  const isEvent = (value: unknown) => isObject(value) && typeof value.event_type === 'string';
  const data = body.data;
  return Array.isArray(data) ? data.length > 0 && data.every(isEvent) : isEvent(data);
}
