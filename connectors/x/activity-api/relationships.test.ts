import { describe, expect, it } from 'vitest';
import { ParsedEvent, isPayloadError, type Interaction } from '../../../src/connectors/index.ts';
import { sample, RECEIVED, parse, BRAND } from './testing/samples.ts';

const interactionOf = (events: ParsedEvent[]): Interaction => events.find((event) => event.data.kind === 'interaction')!.data as Interaction;

/** A relationship event as "a source / target user pair similar to follow events" describes it, users flat or wrapped. */
function relationship(eventType: string, source: string, target: string, wrap = true): unknown {
  const person = (id: string) => (wrap ? { data: { id, username: `u${id}` } } : { id, username: `u${id}` });
  return { data: { event_uuid: '77', filter: { user_id: BRAND }, event_type: eventType, payload: { source: person(source), target: person(target) } } };
}

describe('follow.follow / follow.unfollow', () => {
  it('the follow.follow sample: the brand followed AnotherUser (outbound), an identity for the target only', () => {
    const events = parse(sample('follow.follow.json'));
    const key = `follow:${BRAND}:4444444444444444444:-7953119945885597316`;
    expect(events.map((event) => event.key)).toEqual([`${key}/identity:4444444444444444444`, key]);
    expect(interactionOf(events)).toEqual({
      kind: 'interaction', network: 'x', networkId: `${BRAND}:4444444444444444444:-7953119945885597316`, activity: 'follow', direction: 'outbound',
      author: { key: `x:${BRAND}`, userId: BRAND, handle: 'ExampleUser' },
      recipient: { key: 'x:4444444444444444444', userId: '4444444444444444444', handle: 'AnotherUser' },
      occurredAt: RECEIVED.toISOString(),
      context: { account: { network: 'x', userId: BRAND } },
    });
    expect(events[0]!.data).toEqual({
      kind: 'identity', network: 'x', userId: '4444444444444444444', key: 'x:4444444444444444444', handle: 'AnotherUser', displayName: 'AnotherUser',
      profileUrl: 'https://x.com/AnotherUser', avatarUrl: 'https://pbs.twimg.com/profile_images/0000000000000000001/example_normal.jpg',
      followers: 4934564, following: 12, posts: 3755, verified: true, protected: false,
      bio: 'Updates about X AnotherUser changes and service issues.', createdAt: '2007-05-23T06:01:13.000Z', observedAt: RECEIVED.toISOString(),
    });
  });

  it('follow.unfollow of the brand by someone (built from its description): an inbound unfollow', () => {
    const interaction = interactionOf(parse(relationship('follow.unfollow', '2222', BRAND)));
    expect(interaction).toMatchObject({ activity: 'unfollow', direction: 'inbound', author: { userId: '2222', handle: 'u2222' }, recipient: { userId: BRAND } });
  });

  it('takes users bare (the OpenAPI shape) as well as wrapped in data', () => {
    expect(parse(relationship('follow.follow', '2222', BRAND, false))).toEqual(parse(relationship('follow.follow', '2222', BRAND, true)));
  });

  it('a re-follow after an unfollow is a new event: the key ends with the event_uuid (XAA sends no id or time)', () => {
    const first = relationship('follow.follow', '2222', BRAND) as { data: Record<string, unknown> };
    const again = { data: { ...first.data, event_uuid: '78' } };
    expect(parse(first).at(-1)!.key).not.toBe(parse(again).at(-1)!.key);
    // Without an event_uuid (stream samples) the receive time stands in.
    const bare = { data: { ...first.data, event_uuid: undefined } };
    expect(parse(bare).at(-1)!.key).toBe(`follow:2222:${BRAND}:received-${RECEIVED.getTime()}`);
  });

  it('refuses a follow without a source id, naming the path', () => {
    const body = relationship('follow.follow', '2222', BRAND) as { data: { payload: { source: { data: Record<string, unknown> } } } };
    delete body.data.payload.source.data.id;
    let error: unknown;
    try { parse(body); } catch (caught) { error = caught; }
    expect(isPayloadError(error) && error.path).toBe('data.payload.source.id');
  });
});

describe('mute.* and block.* (no sample: "source / target like follow", filter = the actor)', () => {
  it.each([
    ['mute.mute', 'mute'], ['mute.unmute', 'unmute'], ['block.block', 'block'], ['block.unblock', 'unblock'],
  ])('%s → %s, outbound from the brand', (eventType, activity) => {
    const events = parse(relationship(eventType, BRAND, '5555'));
    expect(events.map((event) => event.key)).toEqual([`${activity}:${BRAND}:5555:77/identity:5555`, `${activity}:${BRAND}:5555:77`]);
    expect(interactionOf(events)).toEqual({
      kind: 'interaction', network: 'x', networkId: `${BRAND}:5555:77`, activity, direction: 'outbound',
      author: { key: `x:${BRAND}`, userId: BRAND, handle: `u${BRAND}` },
      recipient: { key: 'x:5555', userId: '5555', handle: 'u5555' },
      occurredAt: RECEIVED.toISOString(),
      context: { account: { network: 'x', userId: BRAND } },
    });
  });
});
