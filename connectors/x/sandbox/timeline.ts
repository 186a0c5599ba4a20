import type { SeedPost, XContent } from './data.ts';
import { pageToken, type TimelineQuery } from './query.ts';
import { postIncludes, shapePost } from './shape.ts';

/** A timeline's posts (newest first) narrowed by the query's time range, ids and `exclude`. */
function narrowed(posts: readonly SeedPost[], query: TimelineQuery): SeedPost[] {
  return posts.filter((post) => {
    const at = Date.parse(post.created_at);
    const id = BigInt(post.id);
    const types = new Set((post.referenced_tweets ?? []).map((ref) => ref.type));
    return (query.startTime === undefined || at >= query.startTime)
      && (query.endTime === undefined || at <= query.endTime)
      && (query.sinceId === undefined || id > query.sinceId)
      && (query.untilId === undefined || id < query.untilId)
      && !(query.exclude.has('retweets') && types.has('retweeted'))
      && !(query.exclude.has('replies') && (types.has('replied_to') || post.in_reply_to_user_id !== undefined));
  });
}

/**
 * One page of a timeline as X API v2 answers it: `data` (absent when empty), `includes`, and
 * `meta` with `result_count`, `newest_id`, `oldest_id` and `next_token` when more follow.
 */
export function timelinePage(posts: readonly SeedPost[], query: TimelineQuery, content: XContent): Record<string, unknown> {
  const all = narrowed(posts, query);
  const start = query.after === undefined ? 0 : Math.max(0, all.findIndex((post) => post.id === query.after));
  const page = all.slice(start, start + query.maxResults);
  const next = all[start + query.maxResults];
  if (page.length === 0) return { meta: { result_count: 0 } };
  const includes = postIncludes(page, content, query.fields);
  return {
    data: page.map((post) => shapePost(post, query.fields)),
    ...(Object.keys(includes).length > 0 ? { includes } : {}),
    meta: {
      result_count: page.length, newest_id: page[0]!.id, oldest_id: page.at(-1)!.id,
      ...(next ? { next_token: pageToken(next.id) } : {}),
    },
  };
}
