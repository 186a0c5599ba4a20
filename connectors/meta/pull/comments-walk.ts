/**
 * Where a `comments` pull stands. Comments live under each post or media (`/{post-id}/comments`),
 * so the pull walks the account's list (a Page's `feed`, an IG user's `media`) for ids a page at a
 * time, then each one's comments a page at a time. The source-pull kit pages one list per kind
 * with one token; this walk fits in that token: the list's `after` cursor, the parents of the
 * current list page still to read, and the comments cursor of the first of them. Opaque to the kit
 * (base64url JSON, prefixed), checked when read back.
 *
 * Rejected: asking the feed for comments by field expansion (`comments.limit(n){…}`), which saves
 * calls but still needs this walk for posts with more comments than one nested page, and leans on
 * expansion syntax the sandbox would have to parse too. A kit with child kinds (a page of parents
 * fanning out into a list per parent) would make this file unnecessary; see the report.
 */
import { z } from 'zod';
import { PayloadError } from '../../../src/connectors/index.ts';

/**
 * Parent ids per list page of the walk. The kit keeps a page token of at most 2,048 characters:
 * 10 ids of up to 41 characters and two Graph cursors (often 100-300 characters) fit in it base64-encoded.
 */
export const WALK_FEED_LIMIT = 10;
/** The kit's longest page token (src/connectors/source-pull/cursor.ts). */
const KIT_TOKEN_LIMIT = 2048;

const Walk = z.object({
  /** The list's `after` cursor for its next page; absent before the first. */
  feedAfter: z.string().min(1).max(700).optional(),
  /** The list has no more pages (or the rest is older than the walk needs). */
  feedDone: z.boolean().default(false),
  /** Parents (posts, media) of the current list page whose comments are still to read, in list order. */
  parents: z.array(z.string().regex(/^[0-9_]{1,41}$/)).max(WALK_FEED_LIMIT),
  /** The comments edge's `after` cursor for `parents[0]`. */
  commentsAfter: z.string().min(1).max(700).optional(),
}).strict();
export type Walk = z.infer<typeof Walk>;

const PREFIX = 'meta-walk.';

/**
 * The walk's token.
 * @throws PayloadError when Graph's cursors are so long that the token passes the kit's limit (the pull fails visibly, not later as a bad cursor)
 */
export function encodeWalk(walk: Walk): string {
  const token = PREFIX + Buffer.from(JSON.stringify(walk), 'utf8').toString('base64url');
  if (token.length > KIT_TOKEN_LIMIT) throw new PayloadError(`the comments walk's position (${token.length} characters) passes the pull kit's ${KIT_TOKEN_LIMIT}`, 'paging.cursors');
  return token;
}

/** The walk a token names; the start of a walk for none. Undefined for a token that is not one (a resumed cursor from elsewhere). */
export function decodeWalk(token: string | undefined): Walk | undefined {
  if (token === undefined) return { feedDone: false, parents: [] };
  if (!token.startsWith(PREFIX)) return undefined;
  try {
    const parsed = Walk.safeParse(JSON.parse(Buffer.from(token.slice(PREFIX.length), 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The walk's next token, or undefined when it is over. */
export function nextWalk(walk: Walk): string | undefined {
  if (walk.parents.length === 0 && walk.feedDone) return undefined;
  return encodeWalk(walk);
}
