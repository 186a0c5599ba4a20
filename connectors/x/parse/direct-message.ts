import { z } from 'zod';
import { NetworkId, type Interaction, type ParsedEvent } from '../../../src/connectors/index.ts';
import { accountContext, activityEvents, directionOf } from './activity.ts';
import { NETWORK, compact, nonEmpty, personRef, type Scope } from './shared.ts';
import { XMedia, toAttachments } from './status.ts';
import { decodeText } from './text.ts';
import { EpochMs, firstTime, fromEpochMs } from './time.ts';
import type { XUser } from './user.ts';

const XMessageCreate = z.object({
  sender_id: NetworkId,
  target: z.object({ recipient_id: NetworkId }),
  message_data: z.object({
    text: z.string().nullish(),
    attachment: z.object({ media: XMedia.nullish() }).nullish(),
  }),
});

/**
 * A `direct_message_events` item. Only `message_create` exists today; an item of another type is
 * ignored rather than failing the delivery, so a new X event type does not dead-letter the batch.
 */
export const XDirectMessageEvent = z.object({
  type: z.string(),
  id: NetworkId.nullish(),
  created_timestamp: EpochMs.nullish(),
  message_create: XMessageCreate.nullish(),
}).superRefine((event, ctx) => {
  if (event.type !== 'message_create') return;
  if (!event.id) ctx.addIssue({ code: 'custom', path: ['id'], message: 'a message_create event needs an id' });
  if (!event.message_create) ctx.addIssue({ code: 'custom', path: ['message_create'], message: 'a message_create event needs message_create' });
});
export type XDirectMessageEvent = z.infer<typeof XDirectMessageEvent>;

/**
 * A DM as a `message` interaction from sender to recipient, plus identities for both from the
 * payload's `users` map (Account Activity v1.1 users, or X Activity API v2 users in that shape). Without `for_user_id` (seen in captures) the recipient is taken as the brand.
 */
export function parseDirectMessage(
  event: XDirectMessageEvent,
  users: ReadonlyMap<string, XUser>,
  scope: Scope,
): ParsedEvent[] {
  if (event.type !== 'message_create' || !event.id || !event.message_create) return [];
  const { sender_id: senderId, target, message_data: message } = event.message_create;
  const recipientId = target.recipient_id;
  const brand = scope.brand ?? recipientId;
  // A Map lookup: an id such as `constructor` finds nothing rather than `Object` (see id-map.ts).
  const sender = users.get(senderId);
  const recipient = users.get(recipientId);
  const media = message.attachment?.media;
  const interaction: Interaction = compact({
    kind: 'interaction' as const,
    network: NETWORK,
    networkId: event.id,
    activity: 'message' as const,
    direction: directionOf(senderId, brand),
    author: personRef(senderId, sender?.screen_name),
    recipient: personRef(recipientId, recipient?.screen_name),
    text: nonEmpty(decodeText(message.text ?? '')),
    occurredAt: firstTime(scope.receivedAt, event.created_timestamp == null ? undefined : fromEpochMs(event.created_timestamp)),
    attachments: media ? toAttachments([media]) : undefined,
    context: accountContext(brand),
  });
  return activityEvents(`dm:${event.id}`, interaction, [sender, recipient], { ...scope, brand });
}
