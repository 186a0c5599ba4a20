import { z } from 'zod';
import { IdentityKey, Instant, Network, NetworkId } from './common.ts';

// Descriptions and examples (`.meta()`) are what docs/events.md shows mapping authors:
// `npm run events-doc` regenerates it, and test/events-doc.test.ts fails when it is stale.

/**
 * What happened at the source. `unfollow`, `unblock` and `unmute` are their own activities so a
 * mapping can tell them from the positive ones without reading vendor fields.
 */
export const Activity = z.enum([
  'post', 'reply', 'comment', 'mention', 'quote', 'share', 'message', 'reaction',
  'follow', 'unfollow', 'block', 'unblock', 'mute', 'unmute',
  // Kept as events, written to a CRM only when a mapping asks: a Messenger button tap, an encrypted
  // X chat message (ciphertext only), an X Space or live broadcast starting/ending or its chat, a news story.
  'postback', 'chat', 'space', 'broadcast', 'news',
]);
export type Activity = z.infer<typeof Activity>;

/** `outbound` when the author is the brand's own account (networks echo the brand's own posts and DMs). */
export const Direction = z.enum(['inbound', 'outbound']);

/** A person as referenced from an interaction; the full profile travels as its own identity event. */
export const PersonRef = z.object({
  key: IdentityKey.meta({ description: 'The person\'s identity key, `network:userId`: the `key` of their identity event.', examples: ['x:219826253'] }),
  userId: NetworkId.meta({ description: 'The person\'s user id at the network, unchanged.', examples: ['219826253'] }),
  handle: z.string().optional().meta({ description: 'Their @handle without the `@`, when the network has one.', examples: ['medenhofer'] }),
  // Here as well as on the identity event so a mapping's `when` can weigh an author's reach (an
  // escalation threshold) from the interaction alone, as of this activity.
  followers: z.number().int().nonnegative().optional().meta({ description: 'How many accounts follow the person, as the network sent it with this activity (X `user.followers_count`); absent when the activity does not carry it.', examples: [310] }),
});
export type PersonRef = z.infer<typeof PersonRef>;

export const Attachment = z.object({
  type: z.enum(['photo', 'video', 'animated_gif', 'link', 'file', 'other']).meta({ description: 'What is attached.', examples: ['photo'] }),
  url: z.string().optional().meta({ description: 'Where the attachment is, when the network gives an address.', examples: ['https://pbs.twimg.com/media/DsWb9MWWoAAfsWA.jpg'] }),
  networkId: NetworkId.optional().meta({ description: 'The network\'s own id of the media.', examples: ['1065035334567907328'] }),
});

/**
 * One activity at the source: exactly one interaction event per tweet, comment, DM, like, follow.
 */
export const Interaction = z.object({
  kind: z.literal('interaction').describe('Always `interaction`.'),
  network: Network.meta({ description: 'The network it happened on.', examples: ['x'] }),
  networkId: NetworkId.meta({ description: 'The network\'s own id of the activity, unchanged (X `id_str`, a DM event id, a favorite event id).', examples: ['1065035365336141825'] }),
  activity: Activity.meta({ description: 'What happened. `unfollow`, `unblock` and `unmute` are their own activities, so a mapping tells them from the positive ones without reading vendor fields.', examples: ['mention'] }),
  direction: Direction.meta({ description: '`outbound` when the author is the brand\'s own account (networks echo the brand\'s own posts and messages), else `inbound`.', examples: ['inbound'] }),
  author: PersonRef.optional().describe('Who did it; their full profile travels as their own identity event. Absent only where the network does not say (a Meta Page `mention`, an Instagram `mentions` notification, an X news story).'),
  text: z.string().optional().meta({ description: 'Full text with HTML entities decoded once (X `extended_tweet.full_text` when truncated; for a retweet, the full text of the post shared).', examples: ['@znuny Lorem ipsum dolor sit amet'] }),
  title: z.string().optional().meta({ description: 'A headline, when the item has one (a listening tool\'s article title, an X news story or broadcast title, a Messenger postback button).', examples: ['ChatGPT Adds Custom Virtual Pets for Sharing'] }),
  edited: z.boolean().optional().meta({ description: '`true` when this is a later version of an item already delivered (a Meta comment or post `edited`, a LinkedIn `COMMENT_EDIT`): the same `networkId` with its new text.', examples: [true] }),
  url: z.url().optional().meta({ description: 'The activity\'s web address, when it has one.', examples: ['https://x.com/medenhofer/status/1065035365336141825'] }),
  occurredAt: Instant.meta({ description: 'When it happened at the source.', examples: ['2018-11-21T00:13:13.153Z'] }),
  inReplyTo: z.object({
    networkId: NetworkId.optional().meta({ description: 'The id of the post this one replies to.', examples: ['1065035362221568000'] }),
    author: PersonRef.optional().describe('Who wrote the post replied to, when the network says.'),
  }).optional().describe('The post this one replies to, or the person it answers (X gives the person without a post for a reply to a user).'),
  threadId: NetworkId.optional().meta({ description: 'Conversation/thread id, when the network gives one.', examples: ['1065035362221568000'] }),
  subject: z.object({
    networkId: NetworkId.meta({ description: 'The id of the post quoted, shared or reacted to.', examples: ['1064991478428557312'] }),
    author: PersonRef.optional().describe('Who wrote that post, when the network says.'),
    text: z.string().optional().meta({ description: 'That post\'s text, when the network sends it along.', examples: ['Zammad 2.8 is out'] }),
  }).optional().describe('The post quoted (`quote`) or shared/retweeted (`share`), or the post a `reaction` targets.'),
  recipient: PersonRef.optional().describe('The person a follow/block/mute or a message is aimed at.'),
  reaction: z.string().optional().meta({ description: 'For reactions: `like`, `love`, … as the network names it.', examples: ['like'] }),
  mentions: z.array(PersonRef).optional().describe('The people mentioned in the text, in order.'),
  hashtags: z.array(z.string()).optional().meta({ description: 'The hashtags in the text, without the `#`.', examples: [['zammad']] }),
  attachments: z.array(Attachment).optional().describe('Media and links attached, in order.'),
  language: z.string().optional().meta({ description: 'The text\'s language as the network or a listening tool detected it (a BCP 47 tag such as `en`).', examples: ['en'] }),
  sentiment: z.number().min(-1).max(1).optional().meta({ description: '−1 (negative) … 1 (positive): a listening tool\'s own score where it sends one (its scale mapped onto this one by the payload profile); otherwise, as mappings see the event, Parley\'s built-in English lexicon scorer fills it in at planning (docs/mappings.md, "Sentiment"). Stored events keep only what the source sent.', examples: [-0.6] }),
  topics: z.array(z.string()).optional().meta({ description: 'Topics or categories a listening tool or the network assigned (Talkwalker `post_type`, X news `topics`).', examples: [['Technology']] }),
  reach: z.number().int().nonnegative().optional().meta({ description: 'How many people the item could reach, as a listening tool estimates it (Brandwatch `reachEstimate`).', examples: [1200] }),
  context: z.object({
    account: z.object({
      network: Network.meta({ description: 'The network of the brand account.', examples: ['x'] }),
      userId: NetworkId.meta({ description: 'The brand account\'s user id: the account subscribed at the network.', examples: ['2975699229'] }),
    }).optional().describe('The brand account the activity was delivered for.'),
    page: z.string().optional().meta({ description: 'The page or community it happened on, when the network has them.', examples: ['Zammad'] }),
  }).optional().describe('Where it happened: the brand account subscribed at the network, a page, a community.'),
}).describe('One activity at the source: exactly one interaction event per post, reply, comment, message, reaction or follow, plus identity events for the people in it.');
export type Interaction = z.infer<typeof Interaction>;
