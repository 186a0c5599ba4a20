import { z } from 'zod';
import type { Interaction, ParsedEvent } from '../../../src/connectors/index.ts';
import { accountContext, activityEvents, directionOf } from './activity.ts';
import { NETWORK, compact, personRef, type Scope } from './shared.ts';
import { EpochMs, fromEpochMs } from './time.ts';
import { XUser } from './user.ts';

/** `source` followed/blocked/muted (or undid it to) `target`; users carry a string `id`, no `id_str`. */
function relationshipEvent<const T extends readonly [string, string]>(types: T) {
  return z.object({ type: z.enum(types), created_timestamp: EpochMs, source: XUser, target: XUser });
}

// The un- types share their family's array (`unfollow` is in `follow_events`; there is no `unfollow_events`).
/** A `follow_events` item: `follow` or `unfollow`. */
export const XFollowEvent = relationshipEvent(['follow', 'unfollow']);
/** A `block_events` item: `block` or `unblock`. */
export const XBlockEvent = relationshipEvent(['block', 'unblock']);
/** A `mute_events` item: `mute` or `unmute`. */
export const XMuteEvent = relationshipEvent(['mute', 'unmute']);

/** Any item of the follow, block and mute families. */
export type XRelationshipEvent =
  | z.infer<typeof XFollowEvent> | z.infer<typeof XBlockEvent> | z.infer<typeof XMuteEvent>;

/**
 * A follow/unfollow/block/unblock/mute/unmute as an interaction from `source` to `target`, plus
 * identities for both. X gives the event no id: source, target and time make one.
 */
export function parseRelationship(event: XRelationshipEvent, scope: Scope): ParsedEvent[] {
  const networkId = `${event.source.userId}:${event.target.userId}:${event.created_timestamp}`;
  const key = `${event.type}:${networkId}`;
  const interaction: Interaction = compact({
    kind: 'interaction' as const,
    network: NETWORK,
    networkId,
    activity: event.type,
    direction: directionOf(event.source.userId, scope.brand),
    author: personRef(event.source.userId, event.source.screen_name),
    recipient: personRef(event.target.userId, event.target.screen_name),
    occurredAt: fromEpochMs(event.created_timestamp),
    context: accountContext(scope.brand),
  });
  return activityEvents(key, interaction, [event.source, event.target], scope);
}
