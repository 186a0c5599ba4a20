import { z } from 'zod';
import { NetworkId, type Interaction, type ParsedEvent } from '../../../src/connectors/index.ts';
import { accountContext, activityEvents, directionOf } from './activity.ts';
import { NETWORK, compact, personRef, type Scope } from './shared.ts';
import { XStatus, statusSubject } from './status.ts';
import { EpochMs, XDate, firstTime, fromEpochMs, fromXDate } from './time.ts';
import { XUser } from './user.ts';

/** A `favorite_events` item: `user` liked `favorited_status`. */
export const XFavoriteEvent = z.object({
  // A hex string of X's own, not a tweet id.
  id: NetworkId,
  created_at: XDate.nullish(),
  // A number here, unlike the digit strings elsewhere.
  timestamp_ms: EpochMs.nullish(),
  favorited_status: XStatus,
  user: XUser,
});
export type XFavoriteEvent = z.infer<typeof XFavoriteEvent>;

/** A like as a `reaction` interaction on the liked post, plus identities for the liker and the post's author. */
export function parseFavorite(event: XFavoriteEvent, scope: Scope): ParsedEvent[] {
  const key = `favorite:${event.id}`;
  const interaction: Interaction = compact({
    kind: 'interaction' as const,
    network: NETWORK,
    networkId: event.id,
    activity: 'reaction' as const,
    reaction: 'like',
    direction: directionOf(event.user.userId, scope.brand),
    author: personRef(event.user.userId, event.user.screen_name),
    subject: statusSubject(event.favorited_status),
    occurredAt: firstTime(
      scope.receivedAt,
      event.timestamp_ms == null ? undefined : fromEpochMs(event.timestamp_ms),
      event.created_at == null ? undefined : fromXDate(event.created_at),
    ),
    context: accountContext(scope.brand),
  });
  return activityEvents(key, interaction, [event.user, event.favorited_status.user], scope);
}
