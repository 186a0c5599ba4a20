import { z } from 'zod';
import type { Interaction, ParsedEvent } from '../../../src/connectors/index.ts';
import { accountContext, activityEvents } from '../parse/activity.ts';
import { NETWORK, compact, nonEmpty, personRef } from '../parse/shared.ts';
import { EpochMs, IsoDateTime, firstTime, fromEpochMs, fromIsoDateTime } from '../parse/time.ts';
import { readPayload, type ActivityEvent } from './envelope.ts';
import { XaaId } from './id.ts';
import { postSubject } from './post.ts';

/**
 * A like.create payload (docs.x.com/x-api/activity/event-payloads, "like.create"): `id` (the like
 * event's id, a hex string), `liked_tweet_id`, `liked_tweet_author_id` (the OpenAPI calls it
 * `tweet_author_id`, reference U4), `created_at` and `timestamp_ms` (a digit string in the sample,
 * an integer in the OpenAPI). The liker is not in the payload.
 */
const XaaLike = z.object({
  id: XaaId,
  liked_tweet_id: XaaId,
  liked_tweet_author_id: XaaId.nullish(),
  tweet_author_id: XaaId.nullish(),
  created_at: IsoDateTime.nullish().catch(undefined),
  timestamp_ms: EpochMs.nullish().catch(undefined),
});

/**
 * Who liked, and so the direction. `filter.direction` says it when the subscription set it
 * (`outbound`: the filtered user liked). Without it: a like on the filtered user's own post is
 * someone else's (inbound), a like on anyone else's post can only be the filtered user's
 * (outbound) — the one case this misreads is the brand liking its own post.
 */
function likerOf(event: ActivityEvent, likedAuthorId: string | undefined): { direction: Interaction['direction']; likerId: string | undefined } {
  const brand = event.filterUserId;
  const direction = event.direction ?? (likedAuthorId !== undefined && likedAuthorId === brand ? 'inbound' : 'outbound');
  if (direction === 'outbound') return { direction, likerId: brand };
  // Inbound: the liker is the one expanded user who is not the liked post's author, if X sent one.
  const others = [...event.includes.users.keys()].filter((id) => id !== likedAuthorId && id !== brand);
  return { direction, likerId: others.length === 1 ? others[0] : undefined };
}

/**
 * like.create as a `reaction` (`like`) on the liked post, keyed `favorite:<like id>` like the
 * Account Activity `favorite_events` item, plus identities for the liker and the liked post's
 * author from `includes.users`.
 */
export function parseLikeEvent(event: ActivityEvent): ParsedEvent[] {
  const like = readPayload(XaaLike, event);
  const likedAuthorId = like.liked_tweet_author_id ?? like.tweet_author_id ?? undefined;
  const { direction, likerId } = likerOf(event, likedAuthorId);
  const liker = likerId ? event.includes.users.get(likerId) : undefined;
  const likedAuthor = likedAuthorId ? event.includes.users.get(likedAuthorId) : undefined;
  const interaction: Interaction = compact({
    kind: 'interaction' as const,
    network: NETWORK,
    networkId: like.id,
    activity: 'reaction' as const,
    reaction: 'like',
    direction,
    author: likerId ? personRef(likerId, liker?.screen_name) : undefined,
    subject: postSubject(like.liked_tweet_id, event.includes.posts.get(like.liked_tweet_id), { id: likedAuthorId, handle: nonEmpty(likedAuthor?.screen_name) }),
    // `timestamp_ms` is the like; `created_at` is documented as the liked post's creation (U4), so it comes second.
    occurredAt: firstTime(
      event.scope.receivedAt,
      like.timestamp_ms == null ? undefined : fromEpochMs(like.timestamp_ms),
      like.created_at == null ? undefined : fromIsoDateTime(like.created_at),
    ),
    context: accountContext(event.scope.brand),
  });
  return activityEvents(`favorite:${like.id}`, interaction, [liker, likedAuthor], event.scope);
}
