/**
 * The Meta sandbox's Instagram content: professional accounts (IG users), their media and the
 * comments on them, as the Instagram API with Facebook Login serves them, put in through
 * `POST /_seed` (`igUsers`, `igMedia`, `igComments`), kept in memory.
 */
import { z } from 'zod';

const IgId = z.string().regex(/^[0-9]{1,20}$/, 'an Instagram id: digits, as a string');
/** Epoch seconds (as the webhooks carry `entry.time`) or an ISO instant; kept as epoch ms. */
const SeedTime = z.union([
  z.number().int().nonnegative().transform((s) => s * 1000),
  z.string().transform((text, ctx) => {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) ctx.addIssue({ code: 'custom', message: 'an ISO time or epoch seconds' });
    return ms;
  }),
]);

export const SeedIgUser = z.object({ id: IgId, username: z.string().regex(/^[A-Za-z0-9._]{1,30}$/) }).loose();
/** A media object: `id`, `owner` (the IG user id) and `timestamp` required; `caption`, `media_type`, `permalink`… kept as given. */
export const SeedIgMedia = z.object({ id: IgId, owner: IgId, timestamp: SeedTime, caption: z.string().optional() }).loose();
/** A comment: `id`, `media_id`, `timestamp`, `from`; `parent_id` for a reply. */
export const SeedIgComment = z.object({
  id: IgId,
  media_id: IgId,
  parent_id: IgId.optional(),
  timestamp: SeedTime,
  text: z.string().optional(),
  from: z.object({ id: IgId, username: z.string() }).strict(),
}).loose();

/** The Instagram keys of `POST /_seed`. */
export const IgSeedKeys = {
  igUsers: z.array(SeedIgUser).max(1000).default([]),
  igMedia: z.array(SeedIgMedia).max(100_000).default([]),
  igComments: z.array(SeedIgComment).max(100_000).default([]),
};

export type SeedIgUser = z.infer<typeof SeedIgUser>;
export type SeedIgMedia = z.infer<typeof SeedIgMedia>;
export type SeedIgComment = z.infer<typeof SeedIgComment>;

const newestFirst = (a: { timestamp: number; id: string }, b: { timestamp: number; id: string }) =>
  b.timestamp - a.timestamp || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** The seeded Instagram content. */
export class InstagramContent {
  readonly users = new Map<string, SeedIgUser>();
  readonly media = new Map<string, SeedIgMedia>();
  readonly comments = new Map<string, SeedIgComment>();

  seed(body: { igUsers: SeedIgUser[]; igMedia: SeedIgMedia[]; igComments: SeedIgComment[] }): void {
    for (const user of body.igUsers) this.users.set(user.id, user);
    for (const item of body.igMedia) this.media.set(item.id, item);
    for (const comment of body.igComments) this.comments.set(comment.id, comment);
  }

  clear(): void {
    this.users.clear();
    this.media.clear();
    this.comments.clear();
  }

  /** An account's media, newest first. */
  mediaOf(userId: string): SeedIgMedia[] {
    return [...this.media.values()].filter((item) => item.owner === userId).sort(newestFirst);
  }

  /** Top-level comments on a media (`/comments`), or the replies to a comment (`/replies`): oldest first. */
  commentsUnder(id: string): SeedIgComment[] {
    const all = [...this.comments.values()];
    const chosen = this.media.has(id) ? all.filter((c) => c.media_id === id && c.parent_id === undefined) : all.filter((c) => c.parent_id === id);
    return chosen.sort((a, b) => -newestFirst(a, b));
  }

  counts(): Record<string, number> {
    return { igUsers: this.users.size, igMedia: this.media.size, igComments: this.comments.size };
  }
}
