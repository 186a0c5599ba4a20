import { PayloadError, type ParsedEvent } from '../../../src/connectors/index.ts';
import type { GraphItemsContext, GraphNetwork } from '../../meta/pull/index.ts';
import type { EntryScope } from '../../meta/envelope.ts';
import { FeedValue, parseFeedChange } from '../parse/feed.ts';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The webhook `item` a PagePost would have come as, from its `status_type`
 * (developers.facebook.com/docs/graph-api/reference/pagepost): photos, videos and shared links keep
 * their own items (and a share its `share` activity); anything else is a `status`.
 */
function itemOf(statusType: unknown): string {
  switch (statusType) {
    case 'added_photos': return 'photo';
    case 'added_video': return 'video';
    case 'shared_story': return 'share';
    default: return 'status';
  }
}

/** The first story attachment (`attachments.data[0]`), when the post has one. */
function firstAttachment(post: Json): Json | undefined {
  const data = isObject(post.attachments) ? post.attachments.data : undefined;
  return Array.isArray(data) && isObject(data[0]) ? data[0] : undefined;
}

function scopeOf(context: GraphItemsContext): EntryScope {
  return { brand: context.accountId, entryTime: undefined, receivedAt: context.receivedAt };
}

/** Parses a feed value built from a Graph object with the webhook's own parser, or says where the object is wrong. */
function asFeedChange(value: Json, scope: EntryScope, path: string): ParsedEvent[] {
  const parsed = FeedValue.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PayloadError(`the Graph API answered an item that cannot be read: ${issue?.message ?? 'invalid'}`, `${path}.${issue?.path.map(String).join('.') ?? ''}`);
  }
  return parseFeedChange(parsed.data, scope);
}

/**
 * A PagePost as the Page `feed` webhook value of its creation (`verb: "add"`), read by the webhook's
 * parser (parse/feed.ts): so a pulled post gets the key and the event its delivery gets
 * (`post:<page id>_<post id>`), and the store recognises a post webhooks already brought. The
 * photo is `full_picture` and a share's link the attachment's `unshimmed_url` (else `url`): Meta's
 * CDN and redirect URLs differ from the webhook's `photo`/`link`, so those attachments may differ
 * from the delivered event's while the key and the rest agree.
 */
export function postEvents(items: readonly unknown[], context: GraphItemsContext): ParsedEvent[] {
  const scope = scopeOf(context);
  return items.flatMap((item, index) => {
    if (!isObject(item)) throw new PayloadError(`the Graph API answered a post that is not an object at data[${index}]`, `data[${index}]`);
    const kind = itemOf(item.status_type);
    const attachment = firstAttachment(item);
    const target = isObject(attachment?.target) ? str(attachment.target.id) : undefined;
    const value: Json = {
      item: kind, verb: 'add', post_id: item.id, from: item.from, message: item.message, created_time: item.created_time,
      ...(kind === 'photo' && str(item.full_picture) ? { photo: item.full_picture } : {}),
      ...(kind === 'share' && attachment ? { link: str(attachment.unshimmed_url) ?? str(attachment.url) } : {}),
      ...(kind === 'video' && target ? { video_id: target } : {}),
    };
    return asFeedChange(value, scope, `data[${index}]`);
  });
}

/**
 * A Comment (`filter=stream`: replies too, each with `parent`) as the Page `feed` webhook value of
 * its creation: `comment_id` its id, `post_id` the post it is under, `parent_id` the comment it
 * replies to or else the post (as the webhook has it) — so its key is `comment:<comment id>`, the
 * key of its delivery. A photo attachment's image is kept as the comment's photo.
 */
export function commentEvents(items: readonly unknown[], context: GraphItemsContext & { parentId: string }): ParsedEvent[] {
  const scope = scopeOf(context);
  return items.flatMap((item, index) => {
    if (!isObject(item)) throw new PayloadError(`the Graph API answered a comment that is not an object at data[${index}]`, `data[${index}]`);
    if (!context.inRange(item.created_time)) return [];
    const parent = isObject(item.parent) ? str(item.parent.id) : undefined;
    const attachment = isObject(item.attachment) ? item.attachment : undefined;
    const image = attachment?.type === 'photo' && isObject(attachment.media) && isObject(attachment.media.image) ? str(attachment.media.image.src) : undefined;
    const value: Json = {
      item: 'comment', verb: 'add', comment_id: item.id, post_id: context.parentId, parent_id: parent ?? context.parentId,
      from: item.from, message: item.message, created_time: item.created_time, ...(image ? { photo: image } : {}),
    };
    return asFeedChange(value, scope, `data[${index}]`);
  });
}

/**
 * Fields a pull asks for: what the webhook parse reads of the same items (parse/feed.ts), so a
 * pulled post or comment gives the events its delivery gives. Names from the Graph API reference
 * (PagePost, Comment).
 */
export const POST_FIELDS = 'id,message,created_time,from{id,name},status_type,full_picture,attachments';
export const COMMENT_FIELDS = 'id,message,created_time,from{id,name},parent{id},attachment';

/**
 * A Page through the Graph API: its `feed` (posts, newest first, with `since`/`until`) and each
 * post's `comments` with `filter=stream` (replies included, each with its `parent`), oldest first.
 */
export const facebookGraph: GraphNetwork = {
  kinds: ['posts', 'comments'],
  parentEdge: 'feed',
  parentTime: 'created_time',
  postFields: POST_FIELDS,
  parentTimeRange: true,
  childEdge: 'comments',
  childQuery: { filter: 'stream', order: 'chronological', fields: COMMENT_FIELDS },
  posts: postEvents,
  comments: commentEvents,
};
