import { z } from 'zod';
import { NetworkId, type Interaction, type ParsedEvent } from '../../../src/connectors/index.ts';
import { accountContext, activityEvents, directionOf } from '../parse/activity.ts';
import { NETWORK, compact, nonEmpty, personRef, validUrl } from '../parse/shared.ts';
import { EpochMs, firstTime, fromEpochMs } from '../parse/time.ts';
import type { XUser } from '../parse/user.ts';
import { readPayload, type ActivityEvent } from './envelope.ts';
import { XaaId } from './id.ts';
import { XaaUser } from './user.ts';

/** The live event types: X Spaces and live video broadcasts. */
export const LIVE_EVENT_TYPES: readonly string[] = ['spaces.start', 'spaces.end', 'broadcast.start', 'broadcast.end', 'broadcast.chat'];

/** The host (`user`, wrapped as `{"data": {…}}` in the samples) is decoration: a missing or malformed one is left out. */
const Host = XaaUser.nullish().catch(undefined);

/** spaces.* `{user, broadcast_id, event_type}` and broadcast.start/end (docs.x.com/x-api/activity/event-payloads). */
const XaaBroadcast = z.object({
  user: Host,
  broadcast_id: NetworkId,
  title: z.string().nullish().catch(undefined),
  language: z.string().nullish().catch(undefined),
  // An integer with a `_str` twin in the samples.
  event_timestamp_ms: EpochMs.nullish().catch(undefined),
});

/** broadcast.chat: `{broadcast_id, message_id, message, author}`. */
const XaaBroadcastChat = z.object({
  broadcast_id: NetworkId.nullish(),
  message_id: XaaId,
  message: z.string().nullish(),
  author: Host,
});

/** The interaction of a live event, by its host (or chat author) when the payload names one. */
function interactionOf(fields: Omit<Interaction, 'kind' | 'network' | 'direction' | 'author' | 'context'>, host: XUser | undefined | null, event: ActivityEvent): Interaction {
  return compact({
    kind: 'interaction' as const,
    network: NETWORK,
    ...fields,
    direction: host ? directionOf(host.userId, event.scope.brand) : 'inbound' as const,
    author: host ? personRef(host.userId, host.screen_name) : undefined,
    context: accountContext(event.scope.brand),
  });
}

/**
 * A Space or broadcast starting or ending as a `space` / `broadcast` interaction by its host,
 * keyed `space:<id>:start`, `broadcast:<id>:end`… (one event per transition, whatever the
 * delivery), plus the host's identity. Kept as events; written to a CRM only when a mapping asks.
 */
export function parseLiveEvent(event: ActivityEvent): ParsedEvent[] {
  if (event.eventType === 'broadcast.chat') return parseBroadcastChat(event);
  const live = readPayload(XaaBroadcast, event);
  const [family, transition] = event.eventType.split('.') as ['spaces' | 'broadcast', string];
  const activity = family === 'spaces' ? 'space' as const : 'broadcast' as const;
  const id = live.broadcast_id;
  const interaction = interactionOf({
    networkId: id,
    activity,
    title: nonEmpty(live.title),
    url: validUrl(`https://x.com/i/${family === 'spaces' ? 'spaces' : 'broadcasts'}/${encodeURIComponent(id)}`),
    occurredAt: firstTime(event.scope.receivedAt, live.event_timestamp_ms == null ? undefined : fromEpochMs(live.event_timestamp_ms)),
    language: nonEmpty(live.language),
  }, live.user, event);
  return activityEvents(`${activity}:${id}:${transition}`, interaction, [live.user], event.scope);
}

/** A broadcast's chat message as a `broadcast` interaction with its text, keyed `broadcast-chat:<message id>`. */
function parseBroadcastChat(event: ActivityEvent): ParsedEvent[] {
  const chat = readPayload(XaaBroadcastChat, event);
  const interaction = interactionOf({
    networkId: chat.message_id,
    activity: 'broadcast',
    // Live chat text is sent as typed (no HTML escaping is documented for it, unlike post text).
    text: nonEmpty(chat.message),
    threadId: chat.broadcast_id ?? undefined,
    occurredAt: event.scope.receivedAt.toISOString(),
  }, chat.author, event);
  return activityEvents(`broadcast-chat:${chat.message_id}`, interaction, [chat.author], event.scope);
}
