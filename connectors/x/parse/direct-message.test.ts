import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParsedEvent, isPayloadError, type Identity, type Interaction } from '../../../src/connectors/index.ts';
import { parseDelivery } from './index.ts';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/x/${name}`, import.meta.url), 'utf8'));
const parse = (body: unknown): ParsedEvent[] =>
  parseDelivery(body, { receivedAt: new Date('2026-03-01T12:00:00.000Z') }).map((event) => ParsedEvent.parse(event));

function interactionOf(events: ParsedEvent[]): Interaction {
  const interactions = events.filter((event) => event.data.kind === 'interaction');
  expect(interactions).toHaveLength(1);
  return interactions[0]!.data as Interaction;
}
function identitiesOf(events: ParsedEvent[]): Identity[] {
  return events.flatMap((event) => (event.data.kind === 'identity' ? [event.data] : []));
}

/** The docs DM with `message_create` fields replaced. */
function dmWith(messageCreate: Record<string, unknown>, envelope: Record<string, unknown> = {}): Record<string, unknown> {
  const body = fixture('docs-dm-message-create.json');
  const [event] = body.direct_message_events as Record<string, Record<string, unknown>>[];
  return { ...body, ...envelope, direct_message_events: [{ ...event, message_create: { ...event!.message_create, ...messageCreate } }] };
}

describe('direct_message_events', () => {
  it('an inbound DM (docs-dm-message-create)', () => {
    const events = parse(fixture('docs-dm-message-create.json'));
    expect(events.map((event) => event.key)).toEqual(['dm:954491830116155396/identity:3001969357', 'dm:954491830116155396']);
    expect(interactionOf(events)).toEqual({
      kind: 'interaction',
      network: 'x',
      networkId: '954491830116155396',
      activity: 'message',
      direction: 'inbound',
      author: { key: 'x:3001969357', userId: '3001969357', handle: 'furiouscamper' },
      recipient: { key: 'x:4337869213', userId: '4337869213', handle: 'Harris_0ff' },
      text: 'Hello World!',
      occurredAt: '2018-01-19T23:12:40.557Z',
      context: { account: { network: 'x', userId: '4337869213' } },
    });
    // The sender's profile from the users map (string id, created_timestamp in ms).
    expect(identitiesOf(events)).toEqual([{
      kind: 'identity', network: 'x', userId: '3001969357', key: 'x:3001969357',
      handle: 'furiouscamper', displayName: 'Jordan Brinks', profileUrl: 'https://x.com/furiouscamper',
      avatarUrl: 'https://pbs.twimg.com/profile_images/851526626785480705/cW4WTi7C_normal.jpg',
      followers: 22, following: 45, posts: 494, verified: false, protected: false,
      location: 'Boulder, CO', bio: 'Alter Ego - X PE opinions-are-my-own',
      createdAt: '2015-01-29T18:27:49.340Z', observedAt: '2018-01-19T23:12:40.557Z',
    }]);
  });

  it('a DM whose body used \\u escapes (rapidpro-dm-escaped-unicode)', () => {
    const events = parse(fixture('rapidpro-dm-escaped-unicode.json'));
    const interaction = interactionOf(events);
    expect(interaction).toMatchObject({
      networkId: '1140928844112814089',
      direction: 'inbound',
      author: { userId: '767659860', handle: 'tumaaron' },
      recipient: { userId: '3753944237', handle: 'tehecaug' },
      text: 'Briefly what will you be talking about and do you have any feature stories',
      occurredAt: '2019-06-18T10:26:48.526Z',
    });
    const [sender, ...rest] = identitiesOf(events);
    expect(rest).toEqual([]);
    expect(sender).toMatchObject({ userId: '767659860', displayName: 'Aaron Tumukunde', createdAt: '2012-08-19T14:34:21.000Z' });
    expect(sender!.bio).toBe('Mathematics \u25a1 Media \u25a1 Real Estate \u25a1 And Jesus above all.');
    expect(sender!.bio).toContain('□');
    expect(sender!.location).toBeUndefined();
  });

  it("the brand's own DM is outbound and only the recipient gets an identity (zammad-dm-outgoing-with-apps)", () => {
    const events = parse(fixture('zammad-dm-outgoing-with-apps.json'));
    const interaction = interactionOf(events);
    expect(interaction).toMatchObject({
      networkId: '1062015437679050760',
      direction: 'outbound',
      author: { key: 'x:123', userId: '123', handle: 'zammadhq' },
      recipient: { key: 'x:456', userId: '456', handle: 'medenhofer' },
      text: 'Hey! Hello!',
      occurredAt: '2018-11-12T16:13:06.292Z',
    });
    expect(identitiesOf(events).map((identity) => [identity.userId, identity.handle])).toEqual([['456', 'medenhofer']]);
    expect(events.map((event) => event.key)).toEqual(['dm:1062015437679050760/identity:456', 'dm:1062015437679050760']);
  });

  it('decodes HTML entities in the text once', () => {
    expect(interactionOf(parse(dmWith({ message_data: { text: 'Fish &amp; chips &amp;amp; &lt;3' } }))).text).toBe('Fish & chips &amp; <3');
  });

  it('without for_user_id, the recipient is the brand', () => {
    const body = fixture('zammad-dm-outgoing-with-apps.json');
    delete body.for_user_id;
    const events = parse(body);
    // 456 received it: it is the brand now, and 123 the customer writing in.
    expect(interactionOf(events)).toMatchObject({ direction: 'inbound', context: { account: { network: 'x', userId: '456' } } });
    expect(identitiesOf(events).map((identity) => identity.userId)).toEqual(['123']);
  });

  it('a DM whose people are missing from users still parses, without identities', () => {
    const events = parse({ for_user_id: '1', direct_message_events: (fixture('docs-dm-message-create.json').direct_message_events) });
    expect(identitiesOf(events)).toEqual([]);
    expect(interactionOf(events).author).toEqual({ key: 'x:3001969357', userId: '3001969357' });
  });

  it('reads a media attachment', () => {
    const attachment = { type: 'media', media: { id: 1, id_str: '1063212885961248768', type: 'photo', media_url_https: 'https://ton.twitter.com/1.1/ton/data/dm/1/2/a.jpg' } };
    expect(interactionOf(parse(dmWith({ message_data: { text: 'see', attachment } }))).attachments)
      .toEqual([{ type: 'photo', url: 'https://ton.twitter.com/1.1/ton/data/dm/1/2/a.jpg', networkId: '1063212885961248768' }]);
  });

  it('ignores an event of an unknown type', () => {
    expect(parse({ for_user_id: '1', direct_message_events: [{ type: 'message_reaction_create', id: '5' }] })).toEqual([]);
  });

  it('rejects a message_create without its message_create object', () => {
    try {
      parse({ for_user_id: '1', direct_message_events: [{ type: 'message_create', id: '5' }] });
      expect.unreachable();
    } catch (error) {
      expect(isPayloadError(error) && error.path).toBe('direct_message_events[0].message_create');
    }
  });
});
