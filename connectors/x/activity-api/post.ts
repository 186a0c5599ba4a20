import { z } from 'zod';
import type { Interaction } from '../../../src/connectors/index.ts';
import { compact, nonEmpty, personRef, validUrl } from '../parse/shared.ts';
import { decodeText } from '../parse/text.ts';
import type { XUser } from '../parse/user.ts';
import { XaaId } from './id.ts';

const loose = <T extends z.ZodType>(schema: T) => schema.nullish().catch(undefined);

const ReferencedPost = z.object({ type: z.string(), id: XaaId });
const LongText = loose(z.object({ text: z.string() }));

/**
 * An X API v2 Post as the X Activity API sends it in post events and `includes.tweets`
 * (docs.x.com/x-api/activity/event-payloads). The samples and the OpenAPI `Post` schema differ
 * (reference U5): `referenced_tweets` or `referenced_posts`, long text in `note_tweet` (data
 * dictionary) or `note_post` (OpenAPI); both spellings are read. The id is strict; what is only
 * decoration (entities, attachments) is dropped when malformed rather than failing the delivery.
 */
export const XaaPost = z.object({
  id: XaaId,
  text: z.string().nullish(),
  author_id: XaaId.nullish(),
  // ISO-8601 ("2026-07-24T21:05:48.000Z").
  created_at: loose(z.iso.datetime({ offset: true })),
  conversation_id: loose(XaaId),
  in_reply_to_tweet_id: XaaId.nullish(),
  in_reply_to_user_id: XaaId.nullish(),
  referenced_tweets: z.array(ReferencedPost).nullish(),
  referenced_posts: z.array(ReferencedPost).nullish(),
  note_tweet: LongText,
  note_post: LongText,
  entities: loose(z.object({
    mentions: loose(z.array(z.object({ id: XaaId.nullish(), username: z.string().nullish() }))),
    hashtags: loose(z.array(z.object({ tag: z.string() }))),
  })),
  attachments: loose(z.object({ media_keys: loose(z.array(z.string())) })),
  lang: loose(z.string()),
});
export type XaaPost = z.output<typeof XaaPost>;

/** How a post points at another: `replied_to`, `quoted`, `retweeted` (OpenAPI `referenced_posts[].type`). */
export type ReferenceType = 'replied_to' | 'quoted' | 'retweeted';

/** The id of the post `post` replies to, quotes or reposts, from either spelling of the list. */
export function referencedId(post: XaaPost, type: ReferenceType): string | undefined {
  return [...(post.referenced_tweets ?? []), ...(post.referenced_posts ?? [])].find((ref) => ref.type === type)?.id;
}

/** The full text, HTML entities decoded once: the long-form text when X sends one, else `text`. */
export function postText(post: XaaPost): string | undefined {
  return nonEmpty(decodeText(post.note_tweet?.text ?? post.note_post?.text ?? post.text ?? ''));
}

// A repost's own text: "RT @ExampleUser: Hello from the Activity API" (post.repost.create sample).
const REPOST_PREFIX = /^RT @(\w{1,50}): /;

/** The @handle a repost's `RT @handle: ` prefix names, if it has one. */
export function repostedHandle(post: XaaPost): string | undefined {
  return REPOST_PREFIX.exec(post.text ?? '')?.[1];
}

/** A repost's text without its `RT @handle: ` prefix (still truncated when the original was long). */
export function withoutRepostPrefix(post: XaaPost): string | undefined {
  const text = postText(post);
  return text === undefined ? undefined : nonEmpty(text.replace(REPOST_PREFIX, ''));
}

/** The public URL of a post, under its author's @handle when known. */
export function postUrl(postId: string, author: XUser | undefined): string | undefined {
  const handle = nonEmpty(author?.screen_name);
  return validUrl(handle === undefined
    ? `https://x.com/i/web/status/${postId}`
    : `https://x.com/${encodeURIComponent(handle)}/status/${postId}`);
}

/** The people the text @mentions, in order (those X gives an id for). */
export function mentionsOf(post: XaaPost): Interaction['mentions'] {
  const mentions = (post.entities?.mentions ?? []).flatMap((mention) => (mention.id ? [personRef(mention.id, mention.username)] : []));
  return mentions.length > 0 ? mentions : undefined;
}

/** The hashtags in the text, without the `#`. */
export function hashtagsOf(post: XaaPost): string[] | undefined {
  const tags = (post.entities?.hashtags ?? []).map((hashtag) => hashtag.tag);
  return tags.length > 0 ? tags : undefined;
}

/** `lang`, except `und` (X could not tell). */
export function languageOf(post: XaaPost): string | undefined {
  const language = nonEmpty(post.lang);
  return language === 'und' ? undefined : language;
}

/** `post` as the `subject` of another interaction (quoted, reposted, liked). */
export function postSubject(networkId: string, post: XaaPost | undefined, author: { id?: string; handle?: string }): Interaction['subject'] {
  return compact({
    networkId,
    author: author.id === undefined ? undefined : personRef(author.id, author.handle),
    text: post ? postText(post) : undefined,
  });
}
