/**
 * The X sandbox's content: users, posts and media as X API v2 objects, put in through
 * `POST /_seed` (tests and demos seed the same posts they also deliver by webhook), kept in memory.
 */
import { z } from 'zod';

const Id = z.string().regex(/^[0-9]{1,19}$/, 'an X id: 1-19 digits, as a string');
const Mention = z.object({ id: Id.optional(), username: z.string().optional() }).loose();

/** A v2 user as seeded: `id`, `username`, `name` required (X's default fields), any other v2 field kept as given. */
export const SeedUser = z.object({ id: Id, username: z.string().regex(/^\w{1,50}$/), name: z.string() }).loose();
/** A v2 post as seeded: `id`, `text`, `author_id`, `created_at` required; any other v2 field kept as given. */
export const SeedPost = z.object({
  id: Id,
  text: z.string(),
  author_id: Id,
  created_at: z.iso.datetime({ offset: true }),
  entities: z.object({ mentions: z.array(Mention).optional() }).loose().optional(),
  referenced_tweets: z.array(z.object({ type: z.string(), id: Id })).optional(),
}).loose();
/** A v2 media object as seeded. */
export const SeedMedia = z.object({ media_key: z.string().min(1), type: z.string() }).loose();

/** The body of `POST /_seed`: each item replaces one of the same id. */
export const SeedBody = z.object({
  users: z.array(SeedUser).max(10_000).default([]),
  posts: z.array(SeedPost).max(100_000).default([]),
  media: z.array(SeedMedia).max(10_000).default([]),
}).strict();

export type SeedUser = z.infer<typeof SeedUser>;
export type SeedPost = z.infer<typeof SeedPost>;
export type SeedMedia = z.infer<typeof SeedMedia>;

/** Posts of a timeline, newest first (X's timelines are reverse-chronological; ids are time-ordered snowflakes). */
function newestFirst(a: SeedPost, b: SeedPost): number {
  const byTime = Date.parse(b.created_at) - Date.parse(a.created_at);
  if (byTime !== 0) return byTime;
  const [x, y] = [BigInt(a.id), BigInt(b.id)];
  return x === y ? 0 : x < y ? 1 : -1;
}

/** The seeded content. */
export class XContent {
  readonly users = new Map<string, SeedUser>();
  readonly posts = new Map<string, SeedPost>();
  readonly media = new Map<string, SeedMedia>();

  /** Adds or replaces the items of a seed body (already validated). */
  seed(body: z.output<typeof SeedBody>): void {
    for (const user of body.users) this.users.set(user.id, user);
    for (const post of body.posts) this.posts.set(post.id, post);
    for (const media of body.media) this.media.set(media.media_key, media);
  }

  clear(): void {
    this.users.clear();
    this.posts.clear();
    this.media.clear();
  }

  userByUsername(username: string): SeedUser | undefined {
    const wanted = username.toLowerCase();
    return [...this.users.values()].find((user) => user.username.toLowerCase() === wanted);
  }

  /** The user's own posts, newest first. */
  postsBy(userId: string): SeedPost[] {
    return [...this.posts.values()].filter((post) => post.author_id === userId).sort(newestFirst);
  }

  /**
   * Posts that @mention the user (by id, or by username when the mention names no id), by others,
   * newest first: the user mention timeline.
   */
  mentionsOf(user: SeedUser): SeedPost[] {
    const handle = user.username.toLowerCase();
    return [...this.posts.values()].filter((post) => post.author_id !== user.id && (post.entities?.mentions ?? [])
      .some((m) => m.id === user.id || (m.id === undefined && m.username?.toLowerCase() === handle))).sort(newestFirst);
  }

  /** `_stats.records`. */
  counts(): Record<string, number> {
    return { users: this.users.size, posts: this.posts.size, media: this.media.size };
  }
}
