/**
 * The Meta sandbox's content: Pages, their feed posts and the comments on them, as Graph API
 * objects, put in through `POST /_seed` (a test seeds the same items it also delivers by webhook),
 * kept in memory.
 */
import { z } from 'zod';
import { IgSeedKeys } from './ig-data.ts';

/** Graph API times read `2017-03-29T21:45:55+0000` (reference §2.6). */
export function graphTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

const PageId = z.string().regex(/^[0-9]{1,20}$/, 'a Page id: digits, as a string');
/** Post and comment ids are `<page or post part>_<own part>`, as the webhooks' `post_id` and `comment_id` are. */
const CompositeId = z.string().regex(/^[0-9]{1,20}_[0-9]{1,20}$/, 'an id such as 1234567890321_901097836652708');
/** A time as the seed gives it: epoch seconds (as the webhooks carry it) or an ISO instant; kept as epoch ms. */
const SeedTime = z.union([
  z.number().int().nonnegative().transform((s) => s * 1000),
  z.string().transform((text, ctx) => {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) ctx.addIssue({ code: 'custom', message: 'an ISO time or epoch seconds' });
    return ms;
  }),
]);
const From = z.object({ id: z.string().regex(/^[0-9]{1,20}$/), name: z.string().optional() }).strict();

export const SeedPage = z.object({ id: PageId, name: z.string().min(1) }).loose();
/**
 * A feed post as seeded: `id` (`<page id>_<post id>`) and `created_time` required; `message`,
 * `from`, `status_type`, `full_picture`, `permalink_url`, `attachments` and any other PagePost field kept as given.
 */
export const SeedPost = z.object({
  id: CompositeId,
  created_time: SeedTime,
  message: z.string().optional(),
  from: From.optional(),
}).loose();
/** A comment as seeded: `id`, `post_id`, `created_time`; `parent_id` for a reply to another comment. */
export const SeedComment = z.object({
  id: CompositeId,
  post_id: CompositeId,
  parent_id: CompositeId.optional(),
  created_time: SeedTime,
  message: z.string().optional(),
  from: From.optional(),
}).loose();

/** The body of `POST /_seed`: Facebook's `pages`, `posts`, `comments` and Instagram's (ig-data.ts); each item replaces one of the same id. */
export const SeedBody = z.object({
  pages: z.array(SeedPage).max(1000).default([]),
  posts: z.array(SeedPost).max(100_000).default([]),
  comments: z.array(SeedComment).max(100_000).default([]),
  ...IgSeedKeys,
}).strict();

export type SeedPage = z.infer<typeof SeedPage>;
export type SeedPost = z.infer<typeof SeedPost>;
export type SeedComment = z.infer<typeof SeedComment>;

/** Newest first, then by id (the feed's order). */
const newestFirst = (a: { created_time: number; id: string }, b: { created_time: number; id: string }) =>
  b.created_time - a.created_time || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
/** Oldest first (the comments edge's default `chronological` order). */
const oldestFirst = (a: { created_time: number; id: string }, b: { created_time: number; id: string }) => -newestFirst(a, b);

/** The seeded content. */
export class MetaContent {
  readonly pages = new Map<string, SeedPage>();
  readonly posts = new Map<string, SeedPost>();
  readonly comments = new Map<string, SeedComment>();

  seed(body: Pick<z.output<typeof SeedBody>, 'pages' | 'posts' | 'comments'>): void {
    for (const page of body.pages) this.pages.set(page.id, page);
    for (const post of body.posts) this.posts.set(post.id, post);
    for (const comment of body.comments) this.comments.set(comment.id, comment);
  }

  clear(): void {
    this.pages.clear();
    this.posts.clear();
    this.comments.clear();
  }

  /** A Page's feed, newest first: posts whose id starts with the Page's id. */
  feedOf(pageId: string): SeedPost[] {
    return [...this.posts.values()].filter((post) => post.id.startsWith(`${pageId}_`)).sort(newestFirst);
  }

  /**
   * Comments on a post or comment, oldest first. `stream`: every comment of a post, replies
   * included (each with its `parent`); `toplevel` (the edge's default): only those on the object itself.
   */
  commentsOn(objectId: string, filter: 'stream' | 'toplevel'): SeedComment[] {
    const all = [...this.comments.values()];
    const chosen = this.posts.has(objectId)
      ? all.filter((c) => c.post_id === objectId && (filter === 'stream' || c.parent_id === undefined || c.parent_id === objectId))
      : all.filter((c) => c.parent_id === objectId);
    return chosen.sort(oldestFirst);
  }

  counts(): Record<string, number> {
    return { pages: this.pages.size, posts: this.posts.size, comments: this.comments.size };
  }
}
