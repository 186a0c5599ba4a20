import { z } from 'zod';
import type { Erasure, Interaction, ParsedEvent } from '../../src/connectors/index.ts';
import { activityEvents, compact, contentDigest, directionOf, personRef, text, type Person } from './activity.ts';
import { messageAttachments } from './attachments.ts';
import { itemReader, type EntryScope, type ItemReader } from './envelope.ts';
import { ObjectId, PersonId, isPlaceholderId } from './ids.ts';
import { instantOf } from './time.ts';

const Party = z.object({ id: PersonId });

const Message = z.object({
  mid: ObjectId,
  text: z.string().nullish(),
  attachments: z.array(z.unknown()).nullish().catch(undefined),
  /** Sent by the Page or account itself (Messenger `message_echoes`). */
  is_echo: z.boolean().nullish(),
  /** Instagram: the sender unsent it. */
  is_deleted: z.boolean().nullish(),
  reply_to: z.object({
    mid: ObjectId.nullish(),
    /** Instagram: a reply to the account's story. */
    story: z.object({ id: ObjectId.nullish() }).nullish(),
  }).nullish(),
});

const Postback = z.object({
  mid: ObjectId.nullish(),
  title: z.string().nullish(),
  payload: z.string().nullish(),
});

const Reaction = z.object({
  mid: ObjectId,
  action: z.string(),
  reaction: z.string().nullish(),
  emoji: z.string().nullish(),
});

const MessageEdit = z.object({
  mid: ObjectId,
  text: z.string().nullish(),
  num_edit: z.number().int().nonnegative().nullish().catch(undefined),
});

/**
 * A `messaging[]` (or `standby[]`) item (Messenger Platform webhook reference; Instagram
 * Messaging): `sender`, `recipient`, `timestamp` (ms) and one of `message`, `postback`,
 * `reaction`, `message_edit` (read here), or `read`, `delivery`, `optin`, `referral`, … (not
 * modelled: presence and set-up, nothing a CRM keeps).
 */
export const MessagingItem = z.object({
  sender: Party.nullish(),
  recipient: Party.nullish(),
  timestamp: z.unknown().optional(),
  message: Message.nullish(),
  postback: Postback.nullish(),
  reaction: Reaction.nullish(),
  message_edit: MessageEdit.nullish(),
}).superRefine((item, ctx) => {
  if (!item.message && !item.postback && !item.reaction && !item.message_edit) return;
  if (!item.sender) ctx.addIssue({ code: 'custom', path: ['sender'], message: 'a message, postback or reaction needs sender.id' });
  if (!item.recipient) ctx.addIssue({ code: 'custom', path: ['recipient'], message: 'a message, postback or reaction needs recipient.id' });
});
export type MessagingItem = z.infer<typeof MessagingItem>;

/** Where messaging items are delivered: `messenger` (Page, PSIDs) or `instagram` (IGSIDs). */
export interface MessagingNetwork {
  network: 'messenger' | 'instagram';
  /** Whether the brand is a Facebook Page (`context.page`). */
  page: boolean;
}

/** Whom an item is between, and when it happened. */
interface Exchange {
  sender: Person;
  recipient: Person;
  occurredAt: string;
  /** The item's own time (not the entry's or Parley's): stable across Meta's retries, so usable in a key. */
  ownTime: string | undefined;
  context: Interaction['context'];
  brand: string;
}

/**
 * The customer side of an exchange: the sender, or the recipient of what the Page or account sent
 * (an echo, or its sender id is the brand). The other side is the brand's, never an identity, even
 * where its id differs from `entry.id` (a Page answering through another app, anonymised samples).
 */
function customerOf(x: Exchange, echo?: boolean | null): Person {
  return echo || x.sender.userId === x.brand ? x.recipient : x.sender;
}

function messageEvents(message: NonNullable<MessagingItem['message']>, x: Exchange, network: string): ParsedEvent[] {
  if (message.is_deleted) {
    const erasure: Erasure = {
      kind: 'erasure', network, reason: 'deleted', occurredAt: x.occurredAt,
      subject: { type: 'post', networkId: message.mid, userId: x.sender.userId },
    };
    return activityEvents(`message:${message.mid}/deleted`, erasure, [], x.brand);
  }
  const replyTo = message.reply_to?.mid ?? message.reply_to?.story?.id ?? undefined;
  const interaction: Interaction = compact({
    kind: 'interaction' as const, network, networkId: message.mid, activity: 'message' as const,
    direction: message.is_echo ? 'outbound' as const : directionOf(x.sender.userId, x.brand),
    author: personRef(x.sender), recipient: personRef(x.recipient),
    text: text(message.text), occurredAt: x.occurredAt,
    inReplyTo: replyTo ? { networkId: replyTo } : undefined,
    attachments: messageAttachments(message.attachments),
    context: x.context,
  });
  return activityEvents(`message:${message.mid}`, interaction, [customerOf(x, message.is_echo)], x.brand);
}

function editEvents(edit: NonNullable<MessagingItem['message_edit']>, x: Exchange, network: string): ParsedEvent[] {
  const interaction: Interaction = compact({
    kind: 'interaction' as const, network, networkId: edit.mid, activity: 'message' as const,
    direction: directionOf(x.sender.userId, x.brand),
    author: personRef(x.sender), recipient: personRef(x.recipient),
    text: text(edit.text), edited: true, occurredAt: x.occurredAt, context: x.context,
  });
  const version = edit.num_edit ?? contentDigest(edit.text, x.ownTime);
  return activityEvents(`message:${edit.mid}/edit:${version}`, interaction, [customerOf(x)], x.brand);
}

function reactionEvents(reaction: NonNullable<MessagingItem['reaction']>, x: Exchange, network: string): ParsedEvent[] {
  const name = text(reaction.reaction) ?? text(reaction.emoji);
  // One person's reaction to one message has no id of its own at Meta; the key adds the item's
  // time so that a reaction taken back and given again is not deduplicated away.
  const key = `reaction:${reaction.mid}:${x.sender.userId}:${reaction.action}:${x.ownTime ?? ''}`;
  if (reaction.action === 'unreact') {
    const erasure: Erasure = {
      kind: 'erasure', network, reason: 'deleted', occurredAt: x.occurredAt,
      subject: compact({ type: 'reaction' as const, networkId: reaction.mid, userId: x.sender.userId, reaction: name }),
    };
    return activityEvents(key, erasure, [], x.brand);
  }
  if (reaction.action !== 'react') return [];
  const interaction: Interaction = compact({
    kind: 'interaction' as const, network, networkId: `${reaction.mid}/reactions/${x.sender.userId}`, activity: 'reaction' as const,
    direction: directionOf(x.sender.userId, x.brand), author: personRef(x.sender),
    reaction: name, subject: { networkId: reaction.mid }, occurredAt: x.occurredAt, context: x.context,
  });
  return activityEvents(key, interaction, [customerOf(x)], x.brand);
}

function postbackEvents(postback: NonNullable<MessagingItem['postback']>, x: Exchange, network: string): ParsedEvent[] {
  // Newer postbacks carry a `mid`; older ones are named by who tapped and when.
  const networkId = postback.mid ?? `${x.sender.userId}/postbacks/${x.ownTime ?? contentDigest(postback.title, postback.payload)}`;
  const interaction: Interaction = compact({
    kind: 'interaction' as const, network, networkId, activity: 'postback' as const,
    direction: directionOf(x.sender.userId, x.brand), author: personRef(x.sender), recipient: personRef(x.recipient),
    // The button's label is its title; its developer-defined payload (`GET_STARTED`) is the text.
    title: text(postback.title), text: text(postback.payload), occurredAt: x.occurredAt, context: x.context,
  });
  return activityEvents(`postback:${networkId}`, interaction, [customerOf(x)], x.brand);
}

/**
 * The events of one messaging item: a message (an echo is `outbound`, a reply names `inReplyTo`,
 * an Instagram unsend is an erasure), an edit (the same `networkId`, `edited`), a reaction (an
 * `unreact` is a reaction erasure) or a postback. Reads, deliveries and other items give nothing;
 * so does an item between docs placeholders (`<PSID>`) from Meta's test button.
 */
export function parseMessagingItem(item: MessagingItem, scope: EntryScope, where: MessagingNetwork): ParsedEvent[] {
  if (!item.sender || !item.recipient || isPlaceholderId(item.sender.id) || isPlaceholderId(item.recipient.id)) return [];
  const { network } = where;
  const ownTime = instantOf(item.timestamp);
  const x: Exchange = {
    sender: { network, userId: item.sender.id },
    recipient: { network, userId: item.recipient.id },
    ownTime,
    occurredAt: ownTime ?? scope.entryTime ?? scope.receivedAt.toISOString(),
    context: compact({ account: { network, userId: scope.brand }, page: where.page ? scope.brand : undefined }),
    brand: scope.brand,
  };
  if (item.message) return messageEvents(item.message, x, network);
  if (item.message_edit) return editEvents(item.message_edit, x, network);
  if (item.reaction) return reactionEvents(item.reaction, x, network);
  if (item.postback) return postbackEvents(item.postback, x, network);
  return [];
}

/** The reader of `messaging[]`/`standby[]` items for one network. */
export function messagingReader(where: MessagingNetwork): ItemReader {
  return itemReader(MessagingItem, (item, scope) => parseMessagingItem(item, scope, where));
}
