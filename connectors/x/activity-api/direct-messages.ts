import { z } from 'zod';
import type { ParsedEvent } from '../../../src/connectors/index.ts';
import { XDirectMessageEvent, parseDirectMessage } from '../parse/direct-message.ts';
import { idMap } from '../parse/id-map.ts';
import type { XUser } from '../parse/user.ts';
import { readPayload, type ActivityEvent } from './envelope.ts';
import { XaaUser } from './user.ts';

/** The DM event types: two carry a message, two only presence. */
export const DM_EVENT_TYPES: readonly string[] = ['dm.sent', 'dm.received', 'dm.read', 'dm.indicate_typing'];

/**
 * dm.sent / dm.received (docs.x.com/x-api/activity/event-payloads, "Legacy DM events"): the
 * Account Activity `direct_message_events[]` items, and `users`, a map of user id →
 * `{"data": {user}}` (a Map: ids such as `__proto__` are keys here, see parse/id-map.ts).
 */
const XaaDirectMessages = z.object({
  direct_message_events: z.array(XDirectMessageEvent),
  users: idMap(XaaUser).nullish(),
});

/**
 * A DM event: each `message_create` as a `message` interaction keyed `dm:<id>` — the Account
 * Activity key, so one DM delivered by both APIs is one event. dm.read and dm.indicate_typing
 * carry nothing to keep (their payload is not even documented) and give no events.
 */
export function parseDirectMessageEvent(event: ActivityEvent): ParsedEvent[] {
  if (event.eventType === 'dm.read' || event.eventType === 'dm.indicate_typing') return [];
  const payload = readPayload(XaaDirectMessages, event);
  const users: ReadonlyMap<string, XUser> = payload.users ?? new Map();
  return payload.direct_message_events.flatMap((message) => parseDirectMessage(message, users, event.scope));
}
