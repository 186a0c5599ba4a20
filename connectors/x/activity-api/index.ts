import { PayloadError, type ParseContext, type ParsedEvent } from '../../../src/connectors/index.ts';
import { jsonPath } from '../parse/json-path.ts';
import { isChatEventType, parseChatEvent } from './chat.ts';
import { DM_EVENT_TYPES, parseDirectMessageEvent } from './direct-messages.ts';
import { isActivityDelivery, readEnvelope, type FamilyParser } from './envelope.ts';
import { parsePostDelete, parseRevoke } from './erasures.ts';
import { parseLikeEvent } from './likes.ts';
import { LIVE_EVENT_TYPES, parseLiveEvent } from './live.ts';
import { parseNewsEvent } from './news.ts';
import { POST_EVENT_TYPES, parsePostEvent } from './posts.ts';
import { PROFILE_EVENT_TYPES, parseProfileUpdate } from './profile-updates.ts';
import { RELATIONSHIP_EVENT_TYPES, parseRelationshipEvent } from './relationships.ts';

export { isActivityDelivery };

/**
 * Every X Activity API event type Parley reads (docs.x.com/x-api/activity/introduction, the
 * reference's section 3.1), and its family parser. A Map: `event_type` is vendor text, and a
 * plain-object lookup of `constructor` would find `Object`.
 */
const PARSERS: ReadonlyMap<string, FamilyParser> = new Map<string, FamilyParser>([
  ...POST_EVENT_TYPES.map((type) => [type, parsePostEvent] as const),
  ['post.delete', parsePostDelete],
  ['like.create', parseLikeEvent],
  ...RELATIONSHIP_EVENT_TYPES.map((type) => [type, parseRelationshipEvent] as const),
  ...DM_EVENT_TYPES.map((type) => [type, parseDirectMessageEvent] as const),
  ...PROFILE_EVENT_TYPES.map((type) => [type, parseProfileUpdate] as const),
  ...LIVE_EVENT_TYPES.map((type) => [type, parseLiveEvent] as const),
  ['news.new', parseNewsEvent],
  ['oauth.revoke', parseRevoke],
]);

/** The family parser of `eventType`: the table, or any `chat.*` (X adds chat types often; all are ciphertext alike). */
function parserOf(eventType: string): FamilyParser | undefined {
  return PARSERS.get(eventType) ?? (isChatEventType(eventType) ? parseChatEvent : undefined);
}

/**
 * Parses one X Activity API delivery, `{"data": {event_uuid, filter, event_type, tag?, payload,
 * includes?}}` (or an array of such `data` items, should X ever batch), into canonical events.
 *
 * An `event_type` Parley does not know is a PayloadError, not an empty result: the delivery is
 * then kept as a dead letter, visible in `GET /v1/dead-letters` and replayable once a parser
 * exists, instead of being acknowledged and silently dropped. XAA sends only the types a
 * subscription asked for, so an unknown one means X added a type someone subscribed to.
 *
 * A known type with an empty payload (`{}`: the docs' generic envelope sample, or a subscription
 * test) carries no item to keep and nothing to key one on: it gives no events, as a typing
 * indicator does (counted as an empty delivery in `parley_derived_deliveries_total`), rather than a
 * dead letter nobody can act on. A payload with content that does not fit is still a PayloadError.
 */
export function parseActivityDelivery(body: { data: unknown }, context: ParseContext): ParsedEvent[] {
  const items = Array.isArray(body.data) ? body.data.map((item, index) => ({ item, path: ['data', index] })) : [{ item: body.data, path: ['data'] }];
  return items.flatMap(({ item, path }) => {
    const event = readEnvelope(item, path, context.receivedAt);
    const parse = parserOf(event.eventType);
    if (!parse) {
      const at = jsonPath([...path, 'event_type']);
      throw new PayloadError(`unknown X Activity API event_type ${JSON.stringify(event.eventType)} at ${at}: no parser for it yet, kept as a dead letter`, at);
    }
    if (isEmptyObject(event.payload)) return [];
    return parse(event);
  });
}

/** `{}`: an object without a single key. */
function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}
