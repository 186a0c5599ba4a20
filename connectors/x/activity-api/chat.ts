import { createHash } from 'node:crypto';
import { z } from 'zod';
import { NetworkId, PayloadError, type Interaction, type ParsedEvent } from '../../../src/connectors/index.ts';
import { accountContext, activityEvents, directionOf } from '../parse/activity.ts';
import { jsonPath } from '../parse/json-path.ts';
import { NETWORK, compact, personRef } from '../parse/shared.ts';
import { EpochMs, firstTime, fromEpochMs } from '../parse/time.ts';
import { readPayload, type ActivityEvent } from './envelope.ts';
import { XaaId } from './id.ts';

/**
 * An encrypted XChat event (chat.received, chat.sent, chat.conversation_join and the other
 * `chat.*` types of the OpenAPI enum): `id` (a UUID), `sender_id`, `conversation_id`,
 * `created_at_msec` (epoch-ms string) and ciphertext (`encoded_event`, key material, signatures)
 * that only the Chat XDK with the user's keys can open (docs.x.com/x-api/activity/event-payloads,
 * docs.x.com/xchat/real-time-events). Parley keeps no key, so no text.
 */
const XaaChat = z.object({
  id: NetworkId.nullish(),
  sender_id: XaaId.nullish(),
  conversation_id: NetworkId.nullish().catch(undefined),
  created_at_msec: EpochMs.nullish().catch(undefined),
  encoded_event: z.string().nullish(),
});

/** True for an event type of the chat family (`chat.received`, `chat.conversation.join`, …). */
export function isChatEventType(eventType: string): boolean {
  return eventType.startsWith('chat.');
}

/**
 * The chat item's id: the payload's `id`. The XChat page's sample has none; then the ciphertext,
 * which X delivers unchanged on every copy of the same message, names it (hashed with its
 * conversation), and only a payload with neither falls back to the delivery's `event_uuid`.
 */
function chatIdOf(chat: z.output<typeof XaaChat>, event: ActivityEvent): string {
  if (chat.id) return chat.id;
  if (chat.encoded_event) {
    return 'sha256-' + createHash('sha256').update(`${chat.conversation_id ?? ''}\n${chat.encoded_event}`).digest('hex');
  }
  if (event.eventUuid) return `${event.eventType}:${event.eventUuid}`;
  const path = jsonPath([...event.path, 'payload', 'id']);
  throw new PayloadError(`malformed X payload at ${path}: a chat event needs an id, an encoded_event or an event_uuid`, path);
}

/**
 * A chat event as a `chat` interaction (kept as an event; written to a CRM only when a mapping
 * asks), keyed `chat:<id>`, from its sender, in its conversation, without text.
 */
export function parseChatEvent(event: ActivityEvent): ParsedEvent[] {
  const chat = readPayload(XaaChat, event);
  const networkId = chatIdOf(chat, event);
  const senderId = chat.sender_id ?? undefined;
  const direction: Interaction['direction'] = event.eventType === 'chat.sent' ? 'outbound'
    : event.eventType === 'chat.received' || senderId === undefined ? 'inbound' : directionOf(senderId, event.scope.brand);
  const interaction: Interaction = compact({
    kind: 'interaction' as const,
    network: NETWORK,
    networkId,
    activity: 'chat' as const,
    direction,
    author: senderId ? personRef(senderId) : undefined,
    occurredAt: firstTime(event.scope.receivedAt, chat.created_at_msec == null ? undefined : fromEpochMs(chat.created_at_msec)),
    threadId: chat.conversation_id ?? undefined,
    context: accountContext(event.scope.brand),
  });
  return activityEvents(`chat:${networkId}`, interaction, [], event.scope);
}
