import { describe, expect, it } from 'vitest';
import { ParsedEvent, type Interaction } from '../../../src/connectors/index.ts';
import { parseDelivery } from './index.ts';

const RECEIVED = new Date('2026-03-01T12:00:00.000Z');
/** Parses JSON text as X's bytes would be parsed: `"__proto__"` becomes an own key, as JSON.parse makes it. */
const parseJson = (json: string): ParsedEvent[] => parseDelivery(JSON.parse(json), { receivedAt: RECEIVED }).map((event) => ParsedEvent.parse(event));
const interactionOf = (events: ParsedEvent[]): Interaction => events.find((event) => event.data.kind === 'interaction')!.data as Interaction;

// Ids that are also names on Object.prototype: a plain-object lookup finds the prototype's member.
const IDS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

describe('user ids that are JavaScript object keys (Account Activity API)', () => {
  it.each(IDS)('a DM from %j, whose profile the users map holds under that key', (id) => {
    const json = `{"for_user_id": "100", "direct_message_events": [{"type": "message_create", "id": "5", "created_timestamp": "1700000000000",
      "message_create": {"target": {"recipient_id": "100"}, "sender_id": ${JSON.stringify(id)}, "message_data": {"text": "hi"}}}],
      "users": {${JSON.stringify(id)}: {"id": ${JSON.stringify(id)}, "screen_name": "odd", "name": "Odd One"}, "100": {"id": "100", "screen_name": "brand"}}}`;
    const events = parseJson(json);
    expect(events.map((event) => event.key)).toEqual([`dm:5/identity:${id}`, 'dm:5']);
    expect(events[0]!.data).toMatchObject({ kind: 'identity', userId: id, key: `x:${id}`, handle: 'odd', displayName: 'Odd One' });
    expect(interactionOf(events)).toMatchObject({ author: { key: `x:${id}`, userId: id, handle: 'odd' }, recipient: { userId: '100', handle: 'brand' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(IDS)('a DM from %j that the users map lacks: no profile, not Object.prototype\'s member', (id) => {
    const json = `{"for_user_id": "100", "direct_message_events": [{"type": "message_create", "id": "5", "created_timestamp": "1700000000000",
      "message_create": {"target": {"recipient_id": "100"}, "sender_id": ${JSON.stringify(id)}, "message_data": {"text": "hi"}}}], "users": {}}`;
    const events = parseJson(json);
    expect(events.map((event) => event.key)).toEqual(['dm:5']);
    expect(interactionOf(events).author).toEqual({ key: `x:${id}`, userId: id });
  });

  it.each(IDS)('a follow from %j', (id) => {
    const json = `{"for_user_id": "100", "follow_events": [{"type": "follow", "created_timestamp": "1700000000000",
      "source": {"id": ${JSON.stringify(id)}, "screen_name": "odd"}, "target": {"id": "100", "screen_name": "brand"}}]}`;
    const events = parseJson(json);
    expect(events.map((event) => event.key)).toEqual([`follow:${id}:100:1700000000000/identity:${id}`, `follow:${id}:100:1700000000000`]);
    expect(interactionOf(events).author).toEqual({ key: `x:${id}`, userId: id, handle: 'odd' });
  });

  it.each(IDS)('a tweet by %j, mentioning %j', (id) => {
    const json = `{"for_user_id": "100", "tweet_create_events": [{"id_str": "9", "text": "hi", "timestamp_ms": "1700000000000",
      "user": {"id_str": ${JSON.stringify(id)}, "screen_name": "odd"}, "entities": {"user_mentions": [{"id_str": ${JSON.stringify(id)}, "screen_name": "odd"}]}}]}`;
    const events = parseJson(json);
    expect(events[0]!.data).toMatchObject({ kind: 'identity', userId: id });
    expect(interactionOf(events)).toMatchObject({ author: { userId: id }, mentions: [{ userId: id }] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a users map entry "__proto__" carrying a polluting payload pollutes nothing', () => {
    const json = `{"direct_message_events": [], "users": {"__proto__": {"id": "__proto__", "screen_name": "x", "polluted": true}}}`;
    expect(parseJson(json)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
