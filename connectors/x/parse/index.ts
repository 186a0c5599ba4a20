import { z } from 'zod';
import { NetworkId, PayloadError, type ParseContext, type ParsedEvent } from '../../../src/connectors/index.ts';
import { XDirectMessageEvent, parseDirectMessage } from './direct-message.ts';
import { XFavoriteEvent, parseFavorite } from './favorite.ts';
import { XBlockEvent, XFollowEvent, XMuteEvent, parseRelationship } from './follow.ts';
import { idMap } from './id-map.ts';
import { payloadErrorOf } from './json-path.ts';
import type { Scope } from './shared.ts';
import { XTweet } from './status.ts';
import { XTweetDeleteEvent, parseTweetDelete } from './tweet-delete.ts';
import { parseTweet } from './tweet.ts';
import { XUserEvent, parseUserEvent } from './user-event.ts';
import { XUser } from './user.ts';

/**
 * An Account Activity delivery: `for_user_id` (absent for `user_event` and some DMs), event arrays,
 * and the `users` lookup map of DM payloads. Unknown keys (`apps`, future event types) are ignored.
 */
const XDelivery = z.object({
  for_user_id: NetworkId.optional(),
  tweet_create_events: z.array(XTweet).optional(),
  favorite_events: z.array(XFavoriteEvent).optional(),
  follow_events: z.array(XFollowEvent).optional(),
  block_events: z.array(XBlockEvent).optional(),
  mute_events: z.array(XMuteEvent).optional(),
  direct_message_events: z.array(XDirectMessageEvent).optional(),
  // Presence only (typing, read receipts): nothing to keep, so their items are not read.
  direct_message_indicate_typing_events: z.array(z.unknown()).optional(),
  direct_message_mark_read_events: z.array(z.unknown()).optional(),
  tweet_delete_events: z.array(XTweetDeleteEvent).optional(),
  user_event: XUserEvent.optional(),
  // A Map, not z.record: user ids such as `__proto__` are map keys here (see id-map.ts).
  users: idMap(XUser).optional(),
});

const EVENT_KEYS = Object.keys(XDelivery.shape).filter((key) => key !== 'for_user_id' && key !== 'users');

/**
 * Parses one X Account Activity API delivery into canonical events: per activity, identities for
 * the non-brand people it carries, then one interaction (or erasure). Typing and read events give
 * nothing. Throws `PayloadError` for a body that is not an Account Activity payload or whose events
 * are malformed.
 */
export function parseDelivery(body: unknown, context: ParseContext): ParsedEvent[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new PayloadError('an X Account Activity payload must be a JSON object');
  }
  if (!EVENT_KEYS.some((key) => key in body)) {
    throw new PayloadError(`no Account Activity event in the payload (expected one of ${EVENT_KEYS.join(', ')}; or an X Activity API event, {"data": {"event_type": …}})`);
  }
  const result = XDelivery.safeParse(body);
  if (!result.success) throw payloadErrorOf(result.error);
  const delivery = result.data;
  const scope: Scope = { brand: delivery.for_user_id, receivedAt: context.receivedAt };
  const users = delivery.users ?? new Map<string, XUser>();
  return [
    ...(delivery.tweet_create_events ?? []).flatMap((tweet) => parseTweet(tweet, scope)),
    ...(delivery.favorite_events ?? []).flatMap((event) => parseFavorite(event, scope)),
    ...(delivery.follow_events ?? []).flatMap((event) => parseRelationship(event, scope)),
    ...(delivery.block_events ?? []).flatMap((event) => parseRelationship(event, scope)),
    ...(delivery.mute_events ?? []).flatMap((event) => parseRelationship(event, scope)),
    ...(delivery.direct_message_events ?? []).flatMap((event) => parseDirectMessage(event, users, scope)),
    ...(delivery.tweet_delete_events ?? []).flatMap((event) => parseTweetDelete(event, scope)),
    ...(delivery.user_event ? parseUserEvent(delivery.user_event, scope) : []),
  ];
}
