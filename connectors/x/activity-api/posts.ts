import type { Interaction, ParsedEvent } from '../../../src/connectors/index.ts';
import { accountContext, activityEvents } from '../parse/activity.ts';
import { NETWORK, compact, nonEmpty, personRef } from '../parse/shared.ts';
import { fromIsoDateTime } from '../parse/time.ts';
import { authorRef, type XUser } from '../parse/user.ts';
import { readPayload, type ActivityEvent } from './envelope.ts';
import { attachmentsOf } from './includes.ts';
import {
  XaaPost, hashtagsOf, languageOf, mentionsOf, postSubject, postText, postUrl, referencedId,
  repostedHandle, withoutRepostPrefix,
} from './post.ts';

/** The post event types, and the activity each names (post.create is resolved from the post itself). */
const ACTIVITY_OF_TYPE: ReadonlyMap<string, Interaction['activity'] | undefined> = new Map([
  ['post.create', undefined],
  ['post.mention.create', 'mention'],
  ['post.reply.create', 'reply'],
  ['post.quote.create', 'quote'],
  ['post.repost.create', 'share'],
]);

/** The event types this file parses. */
export const POST_EVENT_TYPES: readonly string[] = [...ACTIVITY_OF_TYPE.keys()];

/**
 * What the brand's own post is: "`in_reply_to_tweet_id` is present on replies, and
 * `referenced_tweets` indicates quotes and reposts" (docs.x.com/x-api/activity/introduction).
 * Same order as the Account Activity parser: repost, reply, quote, post.
 */
function ownPostActivity(post: XaaPost): Interaction['activity'] {
  if (referencedId(post, 'retweeted')) return 'share';
  if (post.in_reply_to_tweet_id || referencedId(post, 'replied_to')) return 'reply';
  if (referencedId(post, 'quoted')) return 'quote';
  return 'post';
}

/** The user `id` from `includes.users`, if X expanded it. */
function userOf(event: ActivityEvent, id: string | null | undefined): XUser | undefined {
  return id ? event.includes.users.get(id) : undefined;
}

/**
 * The post a repost shares, as `subject` and the interaction's text: the original's full text
 * from `includes` when X expanded it, else the repost's own text without `RT @handle: `. The
 * original's author: from the expanded post, else the `RT @handle` mention, else (for
 * post.repost.create, "another user reposts the filtered user's Post") the filtered user.
 */
function repostSubject(post: XaaPost, originalId: string, event: ActivityEvent) {
  const original = event.includes.posts.get(originalId);
  const handle = repostedHandle(post);
  const mentioned = (post.entities?.mentions ?? []).find((mention) => mention.id && mention.username === handle);
  const authorId = original?.author_id ?? mentioned?.id ?? (event.eventType === 'post.repost.create' ? event.filterUserId : undefined);
  const author = userOf(event, authorId);
  const text = (original ? postText(original) : undefined) ?? withoutRepostPrefix(post);
  const subject = compact({
    networkId: originalId,
    author: authorId ? personRef(authorId, nonEmpty(author?.screen_name) ?? (authorId === mentioned?.id ? handle : undefined)) : undefined,
    text,
  });
  return { subject, text, author };
}

/** The quoted post as `subject`, with what `includes` says of it. */
function quoteSubject(quotedId: string, event: ActivityEvent) {
  const quoted = event.includes.posts.get(quotedId);
  const author = userOf(event, quoted?.author_id);
  const subject = postSubject(quotedId, quoted, { id: quoted?.author_id ?? undefined, handle: nonEmpty(author?.screen_name) });
  return { subject, author };
}

/**
 * A post event (post.create, post.mention.create, post.reply.create, post.quote.create,
 * post.repost.create) as one interaction keyed `tweet:<id>` — the Account Activity key of the same
 * tweet, so a post delivered by both APIs, or twice under two `event_uuid`s, is one event — plus
 * identities for its author, the author of the post it shares or quotes, and the person it
 * answers, as far as `includes.users` carries their profiles.
 */
export function parsePostEvent(event: ActivityEvent): ParsedEvent[] {
  const post = readPayload(XaaPost, event);
  const activity = ACTIVITY_OF_TYPE.get(event.eventType) ?? ownPostActivity(post);
  const author = userOf(event, post.author_id);
  const repostedId = activity === 'share' ? referencedId(post, 'retweeted') : undefined;
  const quotedId = activity === 'quote' ? referencedId(post, 'quoted') : undefined;
  const shared = repostedId ? repostSubject(post, repostedId, event) : undefined;
  const quoted = quotedId ? quoteSubject(quotedId, event) : undefined;
  const replyToId = post.in_reply_to_tweet_id ?? referencedId(post, 'replied_to');
  const replyToUser = userOf(event, post.in_reply_to_user_id);
  const authorId = post.author_id ?? undefined;
  const interaction: Interaction = compact({
    kind: 'interaction' as const,
    network: NETWORK,
    networkId: post.id,
    activity,
    // post.create is the filtered user's own post; every other post event is "a user other than the filtered user".
    direction: event.eventType === 'post.create' ? 'outbound' as const : 'inbound' as const,
    author: author ? authorRef(author) : authorId ? personRef(authorId) : undefined,
    // A repost's own text is the truncated `RT @user: …` stub: the canonical text is what was shared, in full.
    text: shared ? shared.text : postText(post),
    url: postUrl(post.id, author),
    occurredAt: post.created_at ? fromIsoDateTime(post.created_at) : event.scope.receivedAt.toISOString(),
    inReplyTo: replyToId || post.in_reply_to_user_id
      ? compact({ networkId: replyToId, author: post.in_reply_to_user_id ? personRef(post.in_reply_to_user_id, replyToUser?.screen_name) : undefined })
      : undefined,
    threadId: post.conversation_id ?? undefined,
    subject: shared?.subject ?? quoted?.subject,
    mentions: mentionsOf(post),
    hashtags: hashtagsOf(post),
    attachments: attachmentsOf(post.attachments?.media_keys, event.includes),
    language: languageOf(post),
    context: accountContext(event.scope.brand),
  });
  return activityEvents(`tweet:${post.id}`, interaction, [author, shared?.author, quoted?.author, replyToUser], event.scope);
}
