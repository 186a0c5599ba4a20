import { z } from 'zod';
import type { Erasure, Interaction, ParsedEvent } from '../../../src/connectors/index.ts';
import { activityEvents, compact, contentDigest, directionOf, personRef, text, type Person } from '../../meta/activity.ts';
import type { EntryScope } from '../../meta/envelope.ts';
import { ObjectId, isPlaceholderId } from '../../meta/ids.ts';
import { instantOf } from '../../meta/time.ts';
import { AuthorFields, NETWORK, authorOf, pageContext, phaseOf, type Phase } from './author.ts';

type Attachment = NonNullable<Interaction['attachments']>[number];

/** Feed `item`s read as posts (reference §2.3); `share` keeps its own activity. */
const POST_ITEMS = new Set(['status', 'post', 'photo', 'video', 'share']);

/** What a feed item is, for Parley: undefined for items not modelled (`album`, `event`, a Page `like`). */
function kindOf(value: { item: string; post_id?: string | null; comment_id?: string | null }): 'post' | 'comment' | 'reaction' | undefined {
  if (POST_ITEMS.has(value.item)) return 'post';
  if (value.item === 'comment') return 'comment';
  if (value.item === 'reaction') return 'reaction';
  // The legacy `like` item: on a post or comment it is a reaction; without either, a like of the Page itself.
  if (value.item === 'like' && (value.post_id || value.comment_id)) return 'reaction';
  return undefined;
}

/**
 * A Page `feed` change value (Graph API Webhooks reference, Page `feed`; reference §2.3). Ids and
 * the fields an event is built on are checked; decorations (links, photos, names) fall away when
 * of an unexpected shape. Only what a modelled item needs is required.
 */
export const FeedValue = z.object({
  item: z.string(),
  verb: z.string(),
  post_id: ObjectId.nullish(),
  comment_id: ObjectId.nullish(),
  /** The post for a top-level comment, the parent comment for a reply. */
  parent_id: ObjectId.nullish(),
  ...AuthorFields,
  message: z.string().nullish(),
  /** Epoch seconds. */
  created_time: z.unknown().optional(),
  reaction_type: z.string().nullish(),
  link: z.string().nullish().catch(undefined),
  photo: z.string().nullish().catch(undefined),
  photos: z.array(z.string()).nullish().catch(undefined),
  photo_id: ObjectId.nullish().catch(undefined),
  video: z.string().nullish().catch(undefined),
  video_id: ObjectId.nullish().catch(undefined),
}).superRefine((value, ctx) => {
  const kind = kindOf(value);
  if (!kind || !phaseOf(value.verb)) return;
  if (kind === 'post' && !value.post_id) ctx.addIssue({ code: 'custom', path: ['post_id'], message: `a ${value.item} needs post_id` });
  if (kind === 'comment' && !value.comment_id) ctx.addIssue({ code: 'custom', path: ['comment_id'], message: 'a comment needs comment_id' });
  if (kind === 'reaction' && !value.post_id && !value.comment_id) ctx.addIssue({ code: 'custom', path: ['post_id'], message: 'a reaction needs post_id or comment_id' });
});
export type FeedValue = z.infer<typeof FeedValue>;

/** Photos, videos and links of a feed item, in the model's terms. */
function feedAttachments(value: FeedValue): Attachment[] | undefined {
  const attachments: Attachment[] = [];
  const photoId = value.photo_id ?? undefined;
  if (value.photos?.length) attachments.push(...value.photos.map((url) => ({ type: 'photo' as const, url })));
  else if (value.photo) attachments.push(compact({ type: 'photo' as const, url: value.photo, networkId: photoId }));
  else if (value.item === 'photo' && value.link) attachments.push(compact({ type: 'photo' as const, url: value.link, networkId: photoId }));
  if (value.video || value.item === 'video') {
    const url = value.video ?? value.link ?? undefined;
    if (url || value.video_id) attachments.push(compact({ type: 'video' as const, url, networkId: value.video_id ?? undefined }));
  }
  if (value.link && ['share', 'status', 'post'].includes(value.item)) attachments.push({ type: 'link', url: value.link });
  return attachments.length > 0 ? attachments : undefined;
}

/** Facts every feed event needs. */
interface Feed {
  value: FeedValue;
  phase: Phase;
  author: Person | undefined;
  occurredAt: string;
  /** The item's own `created_time`, stable across Meta's retries. */
  ownTime: string | undefined;
  scope: EntryScope;
}

function erasureEvents(key: string, subject: Erasure['subject'], feed: Feed): ParsedEvent[] {
  const erasure: Erasure = { kind: 'erasure', network: NETWORK, subject, reason: 'deleted', occurredAt: feed.occurredAt };
  return activityEvents(key, erasure, [], feed.scope.brand);
}

/** The fields of every feed interaction. */
function base(feed: Feed) {
  return {
    kind: 'interaction' as const,
    network: NETWORK,
    direction: directionOf(feed.author?.userId, feed.scope.brand),
    author: feed.author ? personRef(feed.author) : undefined,
    occurredAt: feed.occurredAt,
    edited: feed.phase === 'edit' ? true : undefined,
    context: pageContext(feed.scope.brand),
  };
}

/**
 * A key for the item's version: the item's own key for `add`; for an edit, one that names the
 * new content, so it is neither deduplicated against the original nor another edit, while Meta's
 * retry of the same edit gives the same key.
 */
function versionKey(itemKey: string, feed: Feed, attachments: Attachment[] | undefined): string {
  return feed.phase === 'add' ? itemKey : `${itemKey}/edit:${contentDigest(feed.ownTime, feed.value.message, attachments)}`;
}

function postEvents(feed: Feed): ParsedEvent[] {
  const postId = feed.value.post_id!;
  if (feed.phase === 'remove') return erasureEvents(`post:${postId}/removed`, compact({ type: 'post' as const, networkId: postId, userId: feed.author?.userId }), feed);
  const attachments = feedAttachments(feed.value);
  const interaction: Interaction = compact({
    ...base(feed), networkId: postId, activity: feed.value.item === 'share' ? 'share' as const : 'post' as const,
    text: text(feed.value.message), attachments,
  });
  return activityEvents(versionKey(`post:${postId}`, feed, attachments), interaction, [feed.author], feed.scope.brand);
}

function commentEvents(feed: Feed): ParsedEvent[] {
  const commentId = feed.value.comment_id!;
  if (feed.phase === 'remove') return erasureEvents(`comment:${commentId}/removed`, compact({ type: 'post' as const, networkId: commentId, userId: feed.author?.userId }), feed);
  const attachments = feedAttachments(feed.value);
  const parent = feed.value.parent_id ?? feed.value.post_id ?? undefined;
  const interaction: Interaction = compact({
    ...base(feed), networkId: commentId, activity: 'comment' as const, text: text(feed.value.message), attachments,
    inReplyTo: parent ? { networkId: parent } : undefined,
    threadId: feed.value.post_id ?? undefined,
  });
  return activityEvents(versionKey(`comment:${commentId}`, feed, attachments), interaction, [feed.author], feed.scope.brand);
}

function reactionEvents(feed: Feed): ParsedEvent[] {
  const target = feed.value.comment_id ?? feed.value.post_id!;
  const reaction = text(feed.value.reaction_type) ?? (feed.value.item === 'like' ? 'like' : undefined);
  const userId = feed.author?.userId;
  // A reaction has no id at Meta: it is one person's reaction to one post or comment. Its key adds
  // the phase and the item's time, so a reaction taken back and given again is not deduplicated away.
  const key = `reaction:${target}:${userId ?? ''}:${feed.phase}:${feed.ownTime ?? reaction ?? ''}`;
  if (feed.phase === 'remove') return erasureEvents(key, compact({ type: 'reaction' as const, networkId: target, userId, reaction }), feed);
  const interaction: Interaction = compact({
    ...base(feed), networkId: userId ? `${target}/reactions/${userId}` : `${target}/reactions`, activity: 'reaction' as const,
    reaction, subject: { networkId: target }, threadId: feed.value.post_id ?? undefined,
  });
  return activityEvents(key, interaction, [feed.author], feed.scope.brand);
}

/**
 * The events of one Page `feed` change:
 * - `status`/`post`/`photo`/`video` → `post`, `share` → `share` (its link as a `link` attachment);
 * - `comment` → `comment`, `inReplyTo` its `parent_id` (the post, or the comment replied to), `threadId` the post;
 * - `reaction`/`like` → `reaction` on `comment_id ?? post_id`;
 * - verb `add` → the item; `edit`/`edited` → the same `networkId`, `edited: true`, under a new key;
 *   `remove` → an erasure (of the post or comment, or a `reaction` erasure). Other verbs and items: nothing.
 * The Page's own items (`from.id` = the entry's Page) are `outbound` and give no identity.
 */
export function parseFeedChange(value: FeedValue, scope: EntryScope): ParsedEvent[] {
  const kind = kindOf(value);
  const phase = phaseOf(value.verb);
  if (!kind || !phase) return [];
  const author = authorOf(value);
  if (author && isPlaceholderId(author.userId)) return [];
  const ownTime = instantOf(value.created_time);
  const feed: Feed = { value, phase, author, ownTime, occurredAt: ownTime ?? scope.entryTime ?? scope.receivedAt.toISOString(), scope };
  switch (kind) {
    case 'post': return postEvents(feed);
    case 'comment': return commentEvents(feed);
    case 'reaction': return reactionEvents(feed);
  }
}
