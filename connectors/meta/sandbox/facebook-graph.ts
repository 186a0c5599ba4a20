import type { FastifyRequest } from 'fastify';
import { MetaContent, graphTime, type SeedComment, type SeedPost } from './data.ts';
import { COMMENT, PAGE, PAGE_POST, shape } from './fields.ts';
import { fieldsOf, graphError, type Answer, type LinkBuilder, type Query, type SimulatedGraph } from './graph.ts';
import { inRange, listQuery, one, page } from './paging.ts';
import { invalidParameter, noSuchObject, unknownField, unknownPath } from './wire.ts';

/** A post as the Graph API gives it: its time as Graph writes times. */
function postObject(post: SeedPost): Record<string, unknown> {
  return { ...post, created_time: graphTime(post.created_time) };
}

/** A comment as the Graph API gives it: `parent` for a reply to a comment; the sandbox's `post_id` is not Graph's. */
function commentObject(comment: SeedComment): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...comment };
  delete rest.post_id;
  delete rest.parent_id;
  const parentId = comment.parent_id;
  return { ...rest, created_time: graphTime(comment.created_time), ...(parentId && parentId !== comment.post_id ? { parent: { id: parentId } } : {}) };
}

/**
 * Facebook Pages as the Graph API serves them: the Page node, its `feed` (newest first) and the
 * `comments` of a post (`filter=toplevel|stream`, `order=chronological|reverse_chronological`) or
 * of a comment (its replies).
 */
export function facebookGraph(content: MetaContent, maxLimit: number, link: LinkBuilder): SimulatedGraph {
  const node = (request: FastifyRequest): Answer => {
    const { id } = request.params as { id: string };
    const target = content.pages.get(id);
    // Posts and comments are nodes too at Meta; the pulls never read them as such, so the sandbox does not serve them.
    if (!target) return graphError(400, content.posts.has(id) || content.comments.has(id) ? unknownPath(`/${id}`) : noSuchObject(id));
    return fieldsOf(request, PAGE, (fields) => shape(target, fields));
  };

  const edge = (request: FastifyRequest): Answer => {
    const { id, edge: name } = request.params as { id: string; edge: string };
    const query = request.query as Query;
    if (name === 'feed' && content.pages.has(id)) {
      const list = listQuery(query, maxLimit);
      if ('error' in list) return graphError(400, list.error);
      return fieldsOf(request, PAGE_POST, (fields) => {
        const answer = page(inRange(content.feedOf(id), list), list, link(request));
        return { data: answer.data.map((post) => shape(postObject(post), fields)), ...(answer.paging ? { paging: answer.paging } : {}) };
      });
    }
    if (name === 'comments' && (content.posts.has(id) || content.comments.has(id))) {
      const list = listQuery(query, maxLimit);
      if ('error' in list) return graphError(400, list.error);
      const filter = one(query, 'filter') ?? 'toplevel';
      const order = one(query, 'order') ?? 'chronological';
      if (filter !== 'stream' && filter !== 'toplevel') return graphError(400, invalidParameter('filter', 'must be one of {toplevel, stream}'));
      if (order !== 'chronological' && order !== 'reverse_chronological') return graphError(400, invalidParameter('order', 'must be one of {chronological, reverse_chronological}'));
      return fieldsOf(request, COMMENT, (fields) => {
        const comments = content.commentsOn(id, filter);
        const ordered = order === 'chronological' ? comments : comments.reverse();
        const answer = page(inRange(ordered, list), list, link(request));
        return { data: answer.data.map((comment) => shape(commentObject(comment), fields)), ...(answer.paging ? { paging: answer.paging } : {}) };
      });
    }
    if (content.pages.has(id)) return graphError(400, unknownField(name, 'Page'));
    if (content.posts.has(id)) return graphError(400, unknownField(name, 'PagePost'));
    return graphError(400, unknownField(name, 'Comment'));
  };

  return {
    holds: (id) => content.pages.has(id) || content.posts.has(id) || content.comments.has(id),
    ownerOf: (id) => {
      // A post id is `<page id>_<post id>`; a comment's Page is its post's.
      const postId = content.comments.get(id)?.post_id ?? id;
      return postId.split('_')[0] ?? postId;
    },
    node,
    edge,
    endpointOf: (name) => (name === undefined ? 'GET /{version}/{page-id}' : name === 'feed' ? 'GET /{version}/{page-id}/feed' : 'GET /{version}/{post-id}/comments'),
    counts: () => content.counts(),
    clear: () => content.clear(),
  };
}
