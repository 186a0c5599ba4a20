import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParsedEvent, isPayloadError, type Identity, type Interaction } from '../../../src/connectors/index.ts';
import { parseDelivery } from './index.ts';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/x/${name}`, import.meta.url), 'utf8'));
const parse = (body: unknown): ParsedEvent[] =>
  parseDelivery(body, { receivedAt: new Date('2026-03-01T12:00:00.000Z') }).map((event) => ParsedEvent.parse(event));
const interactionOf = (events: ParsedEvent[]) => events.filter((event) => event.data.kind === 'interaction').map((event) => event.data as Interaction);
const identitiesOf = (events: ParsedEvent[]) => events.flatMap((event) => (event.data.kind === 'identity' ? [event.data as Identity] : []));

const body = fixture('zammad-follow.json');
const [followEvent] = body.follow_events as Record<string, unknown>[];
/** The follow fixture's event as another type in another array. */
const variant = (array: string, type: string) => ({ for_user_id: body.for_user_id, [array]: [{ ...followEvent, type }] });

describe('follow_events, block_events, mute_events', () => {
  it('the brand follows someone (zammad-follow)', () => {
    const events = parse(body);
    expect(events.map((event) => event.key)).toEqual([
      'follow:2975699229:1205290247124217856:1576212630171/identity:1205290247124217856',
      'follow:2975699229:1205290247124217856:1576212630171',
    ]);
    expect(interactionOf(events)).toEqual([{
      kind: 'interaction',
      network: 'x',
      networkId: '2975699229:1205290247124217856:1576212630171',
      activity: 'follow',
      direction: 'outbound',
      author: { key: 'x:2975699229', userId: '2975699229', handle: 'ScruffyMcG' },
      recipient: { key: 'x:1205290247124217856', userId: '1205290247124217856', handle: 'pennbrooke1' },
      occurredAt: '2019-12-13T04:50:30.171Z',
      context: { account: { network: 'x', userId: '2975699229' } },
    }]);
    // String `id`, no `id_str`; empty strings and -1 colours in the object are not fatal.
    expect(identitiesOf(events)).toEqual([{
      kind: 'identity', network: 'x', userId: '1205290247124217856', key: 'x:1205290247124217856',
      handle: 'pennbrooke1', displayName: 'pennbrooke', profileUrl: 'https://x.com/pennbrooke1',
      avatarUrl: 'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png',
      followers: 1, following: 0, posts: 2, verified: false, protected: false, location: 'London',
      bio: 'More like penn-broke, amirite?', createdAt: '2019-12-13T00:56:10.000Z', observedAt: '2019-12-13T04:50:30.171Z',
    }]);
  });

  it('an unfollow is its own activity with its own key', () => {
    const events = parse(variant('follow_events', 'unfollow'));
    expect(interactionOf(events)[0]!.activity).toBe('unfollow');
    expect(events.at(-1)!.key).toBe('unfollow:2975699229:1205290247124217856:1576212630171');
  });

  it.each([
    ['block_events', 'block'], ['block_events', 'unblock'], ['mute_events', 'mute'], ['mute_events', 'unmute'],
  ])('%s of type %s', (array, type) => {
    const events = parse(variant(array, type));
    expect(interactionOf(events)[0]).toMatchObject({ activity: type, direction: 'outbound', recipient: { userId: '1205290247124217856' } });
    expect(events.at(-1)!.key).toBe(`${type}:2975699229:1205290247124217856:1576212630171`);
  });

  it('a customer following the brand is inbound, with the follower as the identity', () => {
    const events = parse({ ...body, for_user_id: '1205290247124217856' });
    expect(interactionOf(events)[0]!.direction).toBe('inbound');
    expect(identitiesOf(events).map((identity) => identity.userId)).toEqual(['2975699229']);
  });

  it('rejects a type that does not belong to the array', () => {
    try {
      parse(variant('follow_events', 'block'));
      expect.unreachable();
    } catch (error) {
      expect(isPayloadError(error) && error.path).toBe('follow_events[0].type');
    }
  });
});
