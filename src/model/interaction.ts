import { z } from 'zod';
import { IdentityKey, Instant, Network, NetworkId } from './common.ts';

/**
 * What happened at the source. `unfollow`, `unblock` and `unmute` are their own activities so a
 * mapping can tell them from the positive ones without reading vendor fields.
 */
export const Activity = z.enum([
  'post', 'reply', 'comment', 'mention', 'quote', 'share', 'message', 'reaction',
  'follow', 'unfollow', 'block', 'unblock', 'mute', 'unmute',
]);
export type Activity = z.infer<typeof Activity>;

/** `outbound` when the author is the brand's own account (networks echo the brand's own posts and DMs). */
export const Direction = z.enum(['inbound', 'outbound']);

/** A person as referenced from an interaction; the full profile travels as its own identity event. */
export const PersonRef = z.object({
  key: IdentityKey,
  userId: NetworkId,
  handle: z.string().optional(),
});
export type PersonRef = z.infer<typeof PersonRef>;

export const Attachment = z.object({
  type: z.enum(['photo', 'video', 'animated_gif', 'link', 'file', 'other']),
  url: z.string().optional(),
  networkId: NetworkId.optional(),
});

/**
 * One activity at the source: exactly one interaction event per tweet, comment, DM, like, follow.
 */
export const Interaction = z.object({
  kind: z.literal('interaction'),
  network: Network,
  /** The network's own id of the activity, unchanged (X `id_str`, a DM event id, a favorite event id). */
  networkId: NetworkId,
  activity: Activity,
  direction: Direction,
  author: PersonRef,
  /** Full text with HTML entities decoded once (X `extended_tweet.full_text` when truncated). */
  text: z.string().optional(),
  url: z.url().optional(),
  occurredAt: Instant,
  /** The post this one replies to; `author` when the network says who wrote it. */
  inReplyTo: z.object({ networkId: NetworkId.optional(), author: PersonRef.optional() }).optional(),
  /** Conversation/thread id when the network gives one. */
  threadId: NetworkId.optional(),
  /** The post quoted (`quote`) or shared/retweeted (`share`), or the post a `reaction` targets. */
  subject: z.object({ networkId: NetworkId, author: PersonRef.optional(), text: z.string().optional() }).optional(),
  /** The person a follow/block/mute or a DM is aimed at. */
  recipient: PersonRef.optional(),
  /** For reactions: `like`, `love`, … as the network names it. */
  reaction: z.string().optional(),
  mentions: z.array(PersonRef).optional(),
  hashtags: z.array(z.string()).optional(),
  attachments: z.array(Attachment).optional(),
  language: z.string().optional(),
  /** −1 (negative) … 1 (positive), when a listening tool sends one. */
  sentiment: z.number().min(-1).max(1).optional(),
  /** Where it happened: the brand account subscribed at the network, a page, a community. */
  context: z.object({
    account: z.object({ network: Network, userId: NetworkId }).optional(),
    page: z.string().optional(),
  }).optional(),
});
export type Interaction = z.infer<typeof Interaction>;
