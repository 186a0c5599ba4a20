import type { PullHttpRequest, PullPageRequest } from '../../../src/connectors/index.ts';
import type { XSourceConfig } from '../config.ts';

/**
 * Fields and expansions a pull asks for: what the parse of an X Activity API post reads
 * (connectors/x/activity-api/post.ts) and the profiles the webhooks' `includes.users` carry, so a
 * pulled post gives the events its webhook delivery gives. Names from the OpenAPI (api.x.com/2/openapi.json).
 */
export const TWEET_FIELDS = 'attachments,author_id,conversation_id,created_at,entities,in_reply_to_user_id,lang,note_tweet,referenced_tweets';
export const USER_FIELDS = 'created_at,description,location,profile_image_url,protected,public_metrics,verified';
export const EXPANSIONS = 'attachments.media_keys,author_id,entities.mentions.username,in_reply_to_user_id,referenced_tweets.id,referenced_tweets.id.author_id';
export const MEDIA_FIELDS = 'preview_image_url,type,url';

/** RFC 3339 to the second ("YYYY-MM-DDTHH:mm:ssZ", X's `start_time`/`end_time` format); `up` rounds a fraction up so the bound stays inclusive. */
function seconds(date: Date, up: boolean): string {
  const ms = date.getTime();
  const whole = up ? Math.ceil(ms / 1000) * 1000 : Math.floor(ms / 1000) * 1000;
  return new Date(whole).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The X API v2 call for one page: `profile` is GET /2/users/:id (or /2/users/by/username/:username
 * when only the handle is known); `posts` GET /2/users/:id/tweets and `mentions`
 * GET /2/users/:id/mentions, newest first, `max_results` per page, `start_time`/`end_time` from the
 * pull's range, `pagination_token` from the previous page's `meta.next_token`.
 */
export function xPageRequest(page: PullPageRequest, config: XSourceConfig): PullHttpRequest {
  const headers = { authorization: `Bearer ${config.pull?.bearerToken ?? ''}` };
  const { userId, handle } = page.subject;
  if (page.kind === 'profile') {
    return {
      method: 'GET',
      path: userId ? `/2/users/${encodeURIComponent(userId)}` : `/2/users/by/username/${encodeURIComponent(handle ?? '')}`,
      query: { 'user.fields': USER_FIELDS },
      headers,
    };
  }
  return {
    method: 'GET',
    path: `/2/users/${encodeURIComponent(userId ?? '')}/${page.kind === 'posts' ? 'tweets' : 'mentions'}`,
    query: {
      max_results: String(config.pull?.pageSize ?? 100),
      'tweet.fields': TWEET_FIELDS, 'user.fields': USER_FIELDS, 'media.fields': MEDIA_FIELDS, expansions: EXPANSIONS,
      start_time: page.since ? seconds(page.since, false) : undefined,
      end_time: page.until ? seconds(page.until, true) : undefined,
      pagination_token: page.pageToken,
    },
    headers,
  };
}
