import { z } from 'zod';
import type { Interaction, ParsedEvent } from '../../../src/connectors/index.ts';
import { accountContext, activityEvents, directionOf } from '../parse/activity.ts';
import { NETWORK, compact, personRef } from '../parse/shared.ts';
import { readPayload, type ActivityEvent } from './envelope.ts';
import { XaaUser } from './user.ts';

/** The relationship event types and the activity each is. */
const ACTIVITY_OF_TYPE: ReadonlyMap<string, Interaction['activity']> = new Map([
  ['follow.follow', 'follow'],
  ['follow.unfollow', 'unfollow'],
  ['mute.mute', 'mute'],
  ['mute.unmute', 'unmute'],
  ['block.block', 'block'],
  ['block.unblock', 'unblock'],
]);

/** The event types this file parses. */
export const RELATIONSHIP_EVENT_TYPES: readonly string[] = [...ACTIVITY_OF_TYPE.keys()];

/**
 * `{source, target}`: `source` follows (mutes, blocks, or undoes it to) `target`. Users come
 * wrapped as `{"data": {…}}` in the follow samples, bare in the OpenAPI (reference U6); mute and
 * block have no sample, only "a `source` / `target` user pair similar to follow events"
 * (docs.x.com/x-api/activity/event-payloads).
 */
const XaaRelationship = z.object({ source: XaaUser, target: XaaUser });

/**
 * A follow/unfollow/mute/unmute/block/unblock as an interaction from `source` to `target`, plus
 * identities for both.
 *
 * The key: these events carry no id and no time, so nothing in the item tells one follow from a
 * later re-follow of the same pair. Keying on the pair alone would silently drop every re-follow
 * after an unfollow; so the delivery's `event_uuid`, the dedup key X's docs recommend, ends the key
 * (`follow:<source>:<target>:<event_uuid>`), and without one (stream samples) the receive time does.
 * The Account Activity key of a follow ends with its `created_timestamp` instead, which XAA does
 * not send: the two APIs' deliveries of one follow do not dedup together.
 */
export function parseRelationshipEvent(event: ActivityEvent): ParsedEvent[] {
  const activity = ACTIVITY_OF_TYPE.get(event.eventType)!;
  const { source, target } = readPayload(XaaRelationship, event);
  const occurrence = event.eventUuid ?? `received-${event.scope.receivedAt.getTime()}`;
  const networkId = `${source.userId}:${target.userId}:${occurrence}`;
  const interaction: Interaction = compact({
    kind: 'interaction' as const,
    network: NETWORK,
    networkId,
    activity,
    direction: directionOf(source.userId, event.scope.brand),
    author: personRef(source.userId, source.screen_name),
    recipient: personRef(target.userId, target.screen_name),
    occurredAt: event.scope.receivedAt.toISOString(),
    context: accountContext(event.scope.brand),
  });
  return activityEvents(`${activity}:${networkId}`, interaction, [source, target], event.scope);
}
