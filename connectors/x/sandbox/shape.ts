/**
 * What X API v2 returns of an object: its default fields plus those `tweet.fields`/`user.fields`
 * ask for, and the `includes` the `expansions` ask for (docs.x.com/x-api/fundamentals/fields,
 * /expansions; the field and expansion names are the OpenAPI's, api.x.com/2/openapi.json).
 */
import type { SeedMedia, SeedPost, SeedUser, XContent } from './data.ts';

/** `tweet.fields` X accepts. The default fields (`id`, `text`, `edit_history_tweet_ids`) come always. */
export const TWEET_FIELDS = [
  'article', 'attachments', 'author_id', 'card_uri', 'community_id', 'context_annotations', 'conversation_id', 'created_at',
  'display_text_range', 'edit_controls', 'edit_history_tweet_ids', 'entities', 'geo', 'id', 'in_reply_to_user_id', 'lang',
  'media_metadata', 'non_public_metrics', 'note_tweet', 'organic_metrics', 'possibly_sensitive', 'promoted_metrics',
  'public_metrics', 'referenced_tweets', 'reply_settings', 'scopes', 'source', 'text', 'withheld',
] as const;

/** `user.fields` X accepts. The defaults are `id`, `name`, `username`. */
export const USER_FIELDS = [
  'affiliation', 'connection_status', 'created_at', 'description', 'entities', 'id', 'is_identity_verified', 'location',
  'most_recent_tweet_id', 'name', 'parody', 'pinned_tweet_id', 'profile_banner_url', 'profile_image_url', 'protected',
  'public_metrics', 'receives_your_dm', 'subscription', 'subscription_type', 'url', 'username', 'verified', 'verified_followers_count',
  'verified_type', 'withheld',
] as const;

/** `media.fields` X accepts. The defaults are `media_key`, `type`. */
export const MEDIA_FIELDS = [
  'alt_text', 'duration_ms', 'height', 'media_key', 'non_public_metrics', 'organic_metrics', 'preview_image_url',
  'promoted_metrics', 'public_metrics', 'type', 'url', 'variants', 'width',
] as const;

/** `expansions` of the timelines (Post objects). */
export const TWEET_EXPANSIONS = [
  'article.cover_media', 'article.media_entities', 'attachments.media_keys', 'attachments.media_source_tweet', 'attachments.poll_ids',
  'author_id', 'edit_history_tweet_ids', 'entities.mentions.username', 'geo.place_id', 'in_reply_to_user_id', 'entities.note.mentions.username',
  'referenced_tweets.id', 'referenced_tweets.id.attachments.media_keys', 'referenced_tweets.id.author_id',
] as const;

/** `expansions` of the user look-ups. */
export const USER_EXPANSIONS = ['affiliation.user_id', 'most_recent_tweet_id', 'pinned_tweet_id'] as const;

/** The fields asked for. */
export interface FieldSelection {
  tweet: ReadonlySet<string>;
  user: ReadonlySet<string>;
  media: ReadonlySet<string>;
  expansions: ReadonlySet<string>;
}

function pick(object: Record<string, unknown>, defaults: readonly string[], asked: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) if (defaults.includes(key) || asked.has(key)) out[key] = value;
  return out;
}

/** A post as returned: `edit_history_tweet_ids` is a default field, `[id]` when the seed has none. */
export function shapePost(post: SeedPost, fields: FieldSelection): Record<string, unknown> {
  return pick({ edit_history_tweet_ids: [post.id], ...post }, ['id', 'text', 'edit_history_tweet_ids'], fields.tweet);
}

export function shapeUser(user: SeedUser, fields: FieldSelection): Record<string, unknown> {
  return pick(user, ['id', 'name', 'username'], fields.user);
}

export function shapeMedia(media: SeedMedia, fields: FieldSelection): Record<string, unknown> {
  return pick(media, ['media_key', 'type'], fields.media);
}

/** `includes` for a page of posts: the users, posts and media its expansions name and the sandbox holds. */
export function postIncludes(posts: readonly SeedPost[], content: XContent, fields: FieldSelection): Record<string, unknown[]> {
  const users = new Map<string, SeedUser>();
  const tweets = new Map<string, SeedPost>();
  const media = new Map<string, SeedMedia>();
  const addUser = (id: string | undefined) => { const user = id ? content.users.get(id) : undefined; if (user) users.set(user.id, user); };
  const has = (expansion: string) => fields.expansions.has(expansion);
  for (const post of posts) {
    if (has('author_id')) addUser(post.author_id);
    if (has('in_reply_to_user_id')) addUser(typeof post.in_reply_to_user_id === 'string' ? post.in_reply_to_user_id : undefined);
    if (has('entities.mentions.username')) {
      for (const mention of post.entities?.mentions ?? []) {
        const user = mention.id ? content.users.get(mention.id) : mention.username ? content.userByUsername(mention.username) : undefined;
        if (user) users.set(user.id, user);
      }
    }
    for (const ref of post.referenced_tweets ?? []) {
      const referenced = content.posts.get(ref.id);
      if (!referenced) continue;
      if (has('referenced_tweets.id')) tweets.set(referenced.id, referenced);
      if (has('referenced_tweets.id.author_id')) addUser(referenced.author_id);
    }
    if (has('attachments.media_keys')) {
      const keys = (post.attachments as { media_keys?: unknown } | undefined)?.media_keys;
      for (const key of Array.isArray(keys) ? keys : []) { const item = content.media.get(String(key)); if (item) media.set(item.media_key, item); }
    }
  }
  const includes: Record<string, unknown[]> = {};
  if (users.size > 0) includes.users = [...users.values()].map((user) => shapeUser(user, fields));
  if (tweets.size > 0) includes.tweets = [...tweets.values()].map((post) => shapePost(post, fields));
  if (media.size > 0) includes.media = [...media.values()].map((item) => shapeMedia(item, fields));
  return includes;
}

/** `includes` for a user look-up: the pinned or most recent post when expanded and held. */
export function userIncludes(user: SeedUser, content: XContent, fields: FieldSelection): Record<string, unknown[]> {
  const ids = ['pinned_tweet_id', 'most_recent_tweet_id'].filter((key) => fields.expansions.has(key)).map((key) => user[key]);
  const tweets = ids.flatMap((id) => (typeof id === 'string' && content.posts.has(id) ? [content.posts.get(id)!] : []));
  return tweets.length > 0 ? { tweets: tweets.map((post) => shapePost(post, fields)) } : {};
}
