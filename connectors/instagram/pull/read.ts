import { PayloadError, type ParsedEvent } from '../../../src/connectors/index.ts';
import type { GraphItemsContext, GraphNetwork } from '../../meta/pull/index.ts';
import { instantOf } from '../../meta/time.ts';
import { CommentValue, parseCommentChange } from '../parse/comments.ts';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Fields of a comment, and of its replies expanded under it: what the webhook parse reads (parse/comments.ts). */
const REPLY_FIELDS = 'id,text,timestamp,from{id,username},parent_id';
export const COMMENT_FIELDS = `${REPLY_FIELDS},replies{${REPLY_FIELDS}}`;

/**
 * An IG Comment as the `comments` webhook value of its creation (`{id, text, from{id, username},
 * media{id}, parent_id?}`), read by the webhook's parser: so its key is `comment:<id>`, the key of
 * its delivery. The webhook value has no time of its own (the parser takes `entry.time`); a pulled
 * comment gives its `timestamp` in its place, the time the delivery's entry would carry.
 */
function commentEvent(item: unknown, path: string, context: GraphItemsContext & { parentId: string }, parentComment?: string): ParsedEvent[] {
  if (!isObject(item)) throw new PayloadError(`the Graph API answered a comment that is not an object at ${path}`, path);
  if (!context.inRange(item.timestamp)) return [];
  const value = {
    id: item.id, text: item.text, from: item.from, media: { id: context.parentId },
    ...(typeof item.parent_id === 'string' ? { parent_id: item.parent_id } : parentComment ? { parent_id: parentComment } : {}),
  };
  const parsed = CommentValue.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PayloadError(`the Graph API answered a comment that cannot be read: ${issue?.message ?? 'invalid'}`, `${path}.${issue?.path.map(String).join('.') ?? ''}`);
  }
  return parseCommentChange(parsed.data, { brand: context.accountId, entryTime: instantOf(item.timestamp), receivedAt: context.receivedAt });
}

/**
 * A page of a media's top-level comments, each followed by the replies expanded under it. Replies
 * past the nested list's first page (its own `paging.next`) are not read: the walk has two levels
 * (media, comments), and a third (`/{comment-id}/replies`) is the kit change the report describes.
 */
export function commentEvents(items: readonly unknown[], context: GraphItemsContext & { parentId: string }): ParsedEvent[] {
  return items.flatMap((item, index) => {
    const replies = isObject(item) && isObject(item.replies) && Array.isArray(item.replies.data) ? item.replies.data : [];
    const parentId = isObject(item) && typeof item.id === 'string' ? item.id : undefined;
    return [
      ...commentEvent(item, `data[${index}]`, context),
      ...replies.flatMap((reply, r) => commentEvent(reply, `data[${index}].replies.data[${r}]`, context, parentId)),
    ];
  });
}

/**
 * An Instagram professional account through the Instagram API with Facebook Login
 * (graph.facebook.com): its `media` (newest first; the edge's `since`/`until` support is not in the
 * reference, so the walk narrows by `timestamp` itself) and each media's `comments`, replies expanded.
 * Media are not events (the webhooks bring none), so the only kind is `comments`.
 */
export const instagramGraph: GraphNetwork = {
  kinds: ['comments'],
  parentEdge: 'media',
  parentTime: 'timestamp',
  parentTimeRange: false,
  childEdge: 'comments',
  childQuery: { fields: COMMENT_FIELDS },
  comments: commentEvents,
};
