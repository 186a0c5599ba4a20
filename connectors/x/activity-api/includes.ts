import { z } from 'zod';
import type { Interaction } from '../../../src/connectors/index.ts';
import { compact, nonEmpty } from '../parse/shared.ts';
import type { XUser } from '../parse/user.ts';
import { XaaPost } from './post.ts';
import { XaaUser, isObject } from './user.ts';

type Attachment = NonNullable<Interaction['attachments']>[number];

const XaaMedia = z.object({
  media_key: z.string().min(1),
  type: z.string().nullish(),
  url: z.string().nullish(),
  preview_image_url: z.string().nullish(),
});
type XaaMedia = z.output<typeof XaaMedia>;

/**
 * The envelope's `includes`, "optional expanded objects (users, tweets, and so on) when available"
 * (docs.x.com/x-api/activity/event-payloads), as Maps keyed by id (ids such as `__proto__` are safe
 * as Map keys). The samples use `users` and `tweets`; the OpenAPI `Expansions` names `posts` and
 * `media` too (reference U6): all are read.
 */
export interface Includes {
  users: ReadonlyMap<string, XUser>;
  posts: ReadonlyMap<string, XaaPost>;
  media: ReadonlyMap<string, XaaMedia>;
}

/** The items of `value` that `schema` accepts, keyed by `keyOf`; the first of a key wins. */
function mapOf<T>(value: unknown, schema: z.ZodType<T>, keyOf: (item: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of Array.isArray(value) ? value : []) {
    const result = schema.safeParse(item);
    if (result.success && !map.has(keyOf(result.data))) map.set(keyOf(result.data), result.data);
  }
  return map;
}

/**
 * Reads `includes`. Expanded objects only decorate the event (a profile, the text of a liked
 * post): one that does not parse is skipped, never a reason to lose the event itself.
 */
export function readIncludes(value: unknown): Includes {
  const includes = isObject(value) ? value : {};
  const posts = [...(Array.isArray(includes.tweets) ? includes.tweets : []), ...(Array.isArray(includes.posts) ? includes.posts : [])];
  return {
    users: mapOf(includes.users, XaaUser, (user) => user.userId),
    posts: mapOf(posts, XaaPost, (post) => post.id),
    media: mapOf(includes.media, XaaMedia, (media) => media.media_key),
  };
}

const MEDIA_TYPES = new Set(['photo', 'video', 'animated_gif']);

/** The media a post's `attachments.media_keys` name, as attachments, in order (those `includes.media` describes). */
export function attachmentsOf(mediaKeys: readonly string[] | null | undefined, includes: Includes): Attachment[] | undefined {
  const attachments = (mediaKeys ?? []).flatMap((key) => {
    const media = includes.media.get(key);
    if (!media) return [];
    return [compact({
      type: media.type && MEDIA_TYPES.has(media.type) ? media.type as Attachment['type'] : 'other',
      // A video's `url` is absent in v2: its poster frame is `preview_image_url`.
      url: nonEmpty(media.url ?? media.preview_image_url),
      networkId: media.media_key,
    })];
  });
  return attachments.length > 0 ? attachments : undefined;
}
