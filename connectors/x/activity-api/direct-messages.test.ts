import { describe, expect, it } from 'vitest';
import { ParsedEvent, type Interaction } from '../../../src/connectors/index.ts';
import { sample, parse, BRAND } from './testing/samples.ts';

const interactionOf = (events: ParsedEvent[]): Interaction => events.find((event) => event.data.kind === 'interaction')!.data as Interaction;

/** dm.received as its description gives it: the dm.sent shape, sent by someone else to the brand. */
function received(senderId: string, usersJson: string): unknown {
  return JSON.parse(`{"data": {"event_uuid": "-6850472171600526495", "filter": {"user_id": "${BRAND}"}, "event_type": "dm.received", "tag": "dm-inbound",
    "payload": {"direct_message_events": [{"type": "message_create", "id": "2080765901528535096", "created_timestamp": "1784928224372",
      "message_create": {"target": {"recipient_id": "${BRAND}"}, "sender_id": ${JSON.stringify(senderId)}, "message_data": {"text": "hello &amp; bye!"}}}],
      "users": ${usersJson}}}}`);
}

describe('dm.sent / dm.received', () => {
  it('the dm.sent sample: an outbound message keyed dm:<id> (the Account Activity key), the recipient\'s identity', () => {
    const events = parse(sample('dm.sent.json'));
    expect(events.map((event) => event.key)).toEqual(['dm:2080763914820927863/identity:2244994945', 'dm:2080763914820927863']);
    expect(interactionOf(events)).toEqual({
      kind: 'interaction', network: 'x', networkId: '2080763914820927863', activity: 'message', direction: 'outbound',
      author: { key: `x:${BRAND}`, userId: BRAND, handle: 'ExampleUser' },
      recipient: { key: 'x:2244994945', userId: '2244994945', handle: 'XDevelopers' },
      text: 'Thanks for the update!',
      occurredAt: '2026-07-24T21:15:50.704Z',
      context: { account: { network: 'x', userId: BRAND } },
    });
    expect(events[0]!.data).toEqual({
      kind: 'identity', network: 'x', userId: '2244994945', key: 'x:2244994945', handle: 'XDevelopers', displayName: 'X Developers',
      profileUrl: 'https://x.com/XDevelopers', avatarUrl: 'https://pbs.twimg.com/profile_images/0000000000000000001/example_normal.jpg',
      followers: 694887, following: 762, posts: 4309, verified: true, protected: false, location: '127.0.0.1',
      bio: 'The voice of the X Dev team and your official source for updates, news, and events, related to the X AnotherUser.',
      createdAt: '2013-12-14T04:35:55.000Z', observedAt: '2026-07-24T21:15:50.704Z',
    });
  });

  it('dm.received (built from its description): an inbound message, text decoded once', () => {
    const events = parse(received('2222222222222222222', '{"2222222222222222222": {"data": {"id": "2222222222222222222", "username": "OtherUser", "name": "OtherUser", "description": ""}}}'));
    expect(interactionOf(events)).toEqual({
      kind: 'interaction', network: 'x', networkId: '2080765901528535096', activity: 'message', direction: 'inbound',
      author: { key: 'x:2222222222222222222', userId: '2222222222222222222', handle: 'OtherUser' },
      recipient: { key: `x:${BRAND}`, userId: BRAND },
      text: 'hello & bye!',
      occurredAt: '2026-07-24T21:23:44.372Z',
      context: { account: { network: 'x', userId: BRAND } },
    });
    expect(events[0]!.data).toMatchObject({ kind: 'identity', userId: '2222222222222222222', handle: 'OtherUser' });
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('a sender id %j is a user like any other, and pollutes nothing', (id) => {
    const events = parse(received(id, `{${JSON.stringify(id)}: {"data": {"id": ${JSON.stringify(id)}, "username": "odd"}}}`));
    expect(interactionOf(events).author).toEqual({ key: `x:${id}`, userId: id, handle: 'odd' });
    expect(events[0]).toMatchObject({ key: `dm:2080765901528535096/identity:${id}`, data: { userId: id, handle: 'odd' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a sender id such as constructor that the users map lacks finds no profile (not Object)', () => {
    const events = parse(received('constructor', '{}'));
    expect(events.map((event) => event.key)).toEqual(['dm:2080765901528535096']);
    expect(interactionOf(events).author).toEqual({ key: 'x:constructor', userId: 'constructor' });
  });
});

describe('dm.read / dm.indicate_typing', () => {
  it.each(['dm.read', 'dm.indicate_typing'])('%s carries nothing to keep (no documented payload)', (eventType) => {
    expect(parse({ data: { event_uuid: '1', filter: { user_id: BRAND }, event_type: eventType, payload: { anything: true } } })).toEqual([]);
  });
});
