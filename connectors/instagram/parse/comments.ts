import { z } from 'zod';
import type { Interaction, ParsedEvent } from '../../../src/connectors/index.ts';
import { activityEvents, compact, directionOf, personRef, text, type Person } from '../../meta/activity.ts';
import type { EntryScope } from '../../meta/envelope.ts';
import { ObjectId, PersonId, isPlaceholderId } from '../../meta/ids.ts';

/** The identity network of Instagram users (comment authors and IGSIDs of messages). */
export const NETWORK = 'instagram';

/**
 * An Instagram `comments` or `live_comments` change value (Instagram Platform webhooks reference):
 * `{id, text, from{id, username}, media{id, media_product_type}, parent_id?}`. `from`, `media` and
 * `parent_id` came in 2021; older samples have only `id` and `text` (reference §2.4).
 */
export const CommentValue = z.object({
  id: ObjectId,
  text: z.string().nullish(),
  from: z.object({ id: PersonId, username: z.string().nullish().catch(undefined) }).nullish(),
  media: z.object({ id: ObjectId }).nullish(),
  /** The comment replied to, for a reply. */
  parent_id: ObjectId.nullish(),
});
export type CommentValue = z.infer<typeof CommentValue>;

/** An Instagram `mentions` change value: `{comment_id, media_id}` only; text and author must be fetched. */
export const MentionsValue = z.object({
  comment_id: ObjectId.nullish(),
  media_id: ObjectId.nullish(),
}).refine((value) => Boolean(value.comment_id || value.media_id), { path: ['media_id'], message: 'a mention needs media_id or comment_id' });
export type MentionsValue = z.infer<typeof MentionsValue>;

function profileUrl(username: string): string {
  return `https://www.instagram.com/${encodeURIComponent(username)}/`;
}

/** Comment values carry no time of their own: the entry's (epoch seconds), else when Parley received it. */
function occurredAt(scope: EntryScope): string {
  return scope.entryTime ?? scope.receivedAt.toISOString();
}

function context(scope: EntryScope): Interaction['context'] {
  return { account: { network: NETWORK, userId: scope.brand } };
}

/**
 * A comment on the account's media as a `comment` interaction: the author with their `@username`
 * (an identity, unless it is the account itself replying: `outbound`), `threadId` the media,
 * `inReplyTo` the parent comment for a reply, else the media.
 */
export function parseCommentChange(value: CommentValue, scope: EntryScope): ParsedEvent[] {
  if (value.from && isPlaceholderId(value.from.id)) return [];
  const username = text(value.from?.username);
  const author: Person | undefined = value.from
    ? { network: NETWORK, userId: value.from.id, handle: username, profileUrl: username ? profileUrl(username) : undefined }
    : undefined;
  const parent = value.parent_id ?? value.media?.id ?? undefined;
  const interaction: Interaction = compact({
    kind: 'interaction' as const, network: NETWORK, networkId: value.id, activity: 'comment' as const,
    direction: directionOf(author?.userId, scope.brand), author: author ? personRef(author) : undefined,
    text: text(value.text), occurredAt: occurredAt(scope),
    inReplyTo: parent ? { networkId: parent } : undefined, threadId: value.media?.id ?? undefined,
    context: context(scope),
  });
  return activityEvents(`comment:${value.id}`, interaction, [author], scope.brand);
}

/**
 * The account @mentioned in a comment (`comment_id`) or a caption (`media_id` alone) as a `mention`
 * without author or text: Meta sends neither (reference, Trap 8).
 */
export function parseMentionsChange(value: MentionsValue, scope: EntryScope): ParsedEvent[] {
  const networkId = (value.comment_id ?? value.media_id)!;
  const interaction: Interaction = compact({
    kind: 'interaction' as const, network: NETWORK, networkId, activity: 'mention' as const, direction: 'inbound' as const,
    occurredAt: occurredAt(scope), threadId: value.media_id ?? undefined, context: context(scope),
  });
  return activityEvents(`mention:${networkId}`, interaction, [], scope.brand);
}
