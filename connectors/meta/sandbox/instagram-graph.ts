import type { FastifyRequest } from 'fastify';
import { graphTime } from './data.ts';
import { IG_COMMENT, IG_MEDIA, IG_USER, selectFields, shape, type FieldSelection } from './fields.ts';
import { fieldsOf, graphError, type Answer, type LinkBuilder, type Query, type SimulatedGraph } from './graph.ts';
import type { InstagramContent, SeedIgComment, SeedIgMedia } from './ig-data.ts';
import { inRange, listQuery, page, type ListQuery } from './paging.ts';
import { noSuchObject, unknownField, unknownPath } from './wire.ts';

/** A media object as Graph gives it: `timestamp` in Graph's format, `owner` as a node reference. */
function mediaObject(media: SeedIgMedia): Record<string, unknown> {
  return { ...media, timestamp: graphTime(media.timestamp), owner: { id: media.owner } };
}

/** A comment as Graph gives it: `username` beside `from`, `media` as a node reference, `parent_id` on a reply only. */
function commentObject(comment: SeedIgComment): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...comment };
  delete rest.media_id;
  return { ...rest, timestamp: graphTime(comment.timestamp), username: comment.from.username, media: { id: comment.media_id } };
}

/**
 * Instagram professional accounts as the Instagram API with Facebook Login serves them
 * (graph.facebook.com): the IG user node, its `media` (newest first), a media's top-level
 * `comments` and a comment's `replies` (oldest first — the order is the sandbox's: the reference
 * does not give it). `replies` is also a field of a comment: expanded, it carries the replies as
 * `{data: [...]}`, unpaged here (the real nested edge pages; see the report).
 */
export function instagramGraph(content: InstagramContent, maxLimit: number, link: LinkBuilder): SimulatedGraph {
  const comment = (item: SeedIgComment, fields: FieldSelection) => {
    const shaped = shape(commentObject(item), fields);
    const sub = fields.get('replies');
    if (sub !== undefined) {
      const selected = selectFields(sub.length > 0 ? sub.join(',') : undefined, IG_COMMENT);
      const replyFields: FieldSelection = 'fields' in selected ? new Map([...selected.fields].filter(([f]) => f !== 'replies')) : new Map();
      const replies = content.commentsUnder(item.id);
      if (replies.length > 0) shaped.replies = { data: replies.map((reply) => shape(commentObject(reply), replyFields)) };
    }
    return shaped;
  };
  const listOf = <T extends { id: string; timestamp: number }>(request: FastifyRequest, items: T[], list: ListQuery) =>
    page(inRange(items.map((item) => ({ ...item, created_time: item.timestamp })), list), list, link(request));

  const node = (request: FastifyRequest): Answer => {
    const { id } = request.params as { id: string };
    const user = content.users.get(id);
    if (!user) return graphError(400, content.media.has(id) || content.comments.has(id) ? unknownPath(`/${id}`) : noSuchObject(id));
    return fieldsOf(request, IG_USER, (fields) => shape(user, fields));
  };

  const edge = (request: FastifyRequest): Answer => {
    const { id, edge: name } = request.params as { id: string; edge: string };
    const list = listQuery(request.query as Query, maxLimit);
    if ('error' in list) return graphError(400, list.error);
    if (name === 'media' && content.users.has(id)) {
      return fieldsOf(request, IG_MEDIA, (fields) => {
        const answer = listOf(request, content.mediaOf(id), list);
        return { data: answer.data.map((item) => shape(mediaObject(item), fields)), ...(answer.paging ? { paging: answer.paging } : {}) };
      });
    }
    if ((name === 'comments' && content.media.has(id)) || (name === 'replies' && content.comments.has(id))) {
      return fieldsOf(request, IG_COMMENT, (fields) => {
        const answer = listOf(request, content.commentsUnder(id), list);
        return { data: answer.data.map((item) => comment(item, fields)), ...(answer.paging ? { paging: answer.paging } : {}) };
      });
    }
    const type = content.users.has(id) ? IG_USER : content.media.has(id) ? IG_MEDIA : IG_COMMENT;
    return graphError(400, unknownField(name, type.name));
  };

  return {
    holds: (id) => content.users.has(id) || content.media.has(id) || content.comments.has(id),
    ownerOf: (id) => {
      const mediaId = content.comments.get(id)?.media_id ?? id;
      return content.media.get(mediaId)?.owner ?? id;
    },
    node,
    edge,
    endpointOf: (name) => (name === undefined ? 'GET /{version}/{ig-user-id}' : name === 'media' ? 'GET /{version}/{ig-user-id}/media'
      : name === 'replies' ? 'GET /{version}/{ig-comment-id}/replies' : 'GET /{version}/{ig-media-id}/comments'),
    counts: () => content.counts(),
    clear: () => content.clear(),
  };
}
