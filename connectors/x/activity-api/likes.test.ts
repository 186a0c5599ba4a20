import { describe, expect, it } from 'vitest';
import { ParsedEvent, isPayloadError, type Interaction } from '../../../src/connectors/index.ts';
import { parseXDelivery } from '../delivery.ts';

const RECEIVED = new Date('2026-08-30T10:00:00.000Z');
const parse = (body: unknown): ParsedEvent[] => parseXDelivery(body, { receivedAt: RECEIVED }).map((event) => ParsedEvent.parse(event));
const BRAND = '1111111111111111111';
const OTHER = '3333333333333333333';

/**
 * like.create as its field description gives it (docs.x.com/x-api/activity/event-payloads): `id`
 * (hex), `liked_tweet_id`, `liked_tweet_author_id`, `created_at`, `timestamp_ms` (a digit string);
 * `filter.direction` optional; `includes` may hold the liked post and users.
 */
function like(options: { direction?: 'inbound' | 'outbound'; payload?: Record<string, unknown>; includes?: unknown } = {}): unknown {
  return {
    data: {
      event_uuid: '-3402274206530057851',
      filter: { user_id: BRAND, ...(options.direction ? { direction: options.direction } : {}) },
      event_type: 'like.create',
      tag: 'likes',
      payload: {
        id: '87719f50ee17bdfa06a3089098a2b9ed', created_at: '2026-07-24T21:12:45.000Z', timestamp_ms: '1784927565236',
        liked_tweet_author_id: OTHER, liked_tweet_id: '2079814480427442556', ...options.payload,
      },
      includes: options.includes ?? {
        users: [{ id: OTHER, username: 'PublicUser', name: 'Public User', location: 'New York, NY', verified: true }],
        tweets: [{ id: '2079814480427442556', author_id: OTHER, text: 'Great guide on using the X API &amp; XMCP' }],
      },
    },
  };
}
const interactionOf = (events: ParsedEvent[]): Interaction => events.find((event) => event.data.kind === 'interaction')!.data as Interaction;

describe('like.create', () => {
  it('an outbound like: the brand liked another user\'s post, keyed like the Account Activity favorite', () => {
    const events = parse(like({ direction: 'outbound' }));
    expect(events.map((event) => event.key)).toEqual([
      'favorite:87719f50ee17bdfa06a3089098a2b9ed/identity:3333333333333333333', 'favorite:87719f50ee17bdfa06a3089098a2b9ed',
    ]);
    expect(interactionOf(events)).toEqual({
      kind: 'interaction', network: 'x', networkId: '87719f50ee17bdfa06a3089098a2b9ed', activity: 'reaction', reaction: 'like',
      direction: 'outbound',
      author: { key: `x:${BRAND}`, userId: BRAND },
      subject: { networkId: '2079814480427442556', author: { key: `x:${OTHER}`, userId: OTHER, handle: 'PublicUser' }, text: 'Great guide on using the X API & XMCP' },
      // timestamp_ms (the like), not created_at (documented as the liked post's creation).
      occurredAt: '2026-07-24T21:12:45.236Z',
      context: { account: { network: 'x', userId: BRAND } },
    });
    expect(events[0]!.data).toMatchObject({ kind: 'identity', userId: OTHER, handle: 'PublicUser', location: 'New York, NY', verified: true });
  });

  it('an inbound like: someone liked the brand\'s post; the liker is the expanded user who is not the author', () => {
    const events = parse(like({
      direction: 'inbound',
      payload: { liked_tweet_author_id: BRAND },
      includes: { users: [{ id: BRAND, username: 'ExampleUser' }, { id: '2222', username: 'Fan' }] },
    }));
    const interaction = interactionOf(events);
    expect(interaction.direction).toBe('inbound');
    expect(interaction.author).toEqual({ key: 'x:2222', userId: '2222', handle: 'Fan' });
    expect(interaction.subject).toEqual({ networkId: '2079814480427442556', author: { key: `x:${BRAND}`, userId: BRAND, handle: 'ExampleUser' } });
    expect(events.filter((event) => event.data.kind === 'identity').map((event) => event.key)).toEqual(['favorite:87719f50ee17bdfa06a3089098a2b9ed/identity:2222']);
  });

  it('an inbound like whose liker X did not expand has no author rather than a guessed one', () => {
    const interaction = interactionOf(parse(like({ direction: 'inbound', payload: { liked_tweet_author_id: BRAND }, includes: {} })));
    expect(interaction.author).toBeUndefined();
    expect(interaction.direction).toBe('inbound');
  });

  it('without filter.direction: a like on the brand\'s own post is inbound, on anyone else\'s outbound', () => {
    expect(interactionOf(parse(like({ payload: { liked_tweet_author_id: BRAND }, includes: {} }))).direction).toBe('inbound');
    const outbound = interactionOf(parse(like({})));
    expect(outbound.direction).toBe('outbound');
    expect(outbound.author?.userId).toBe(BRAND);
  });

  it('reads the OpenAPI spellings: tweet_author_id, a numeric timestamp_ms', () => {
    const interaction = interactionOf(parse(like({ direction: 'outbound', payload: { liked_tweet_author_id: undefined, tweet_author_id: OTHER, timestamp_ms: 1784927565236 } })));
    expect(interaction.subject?.author?.userId).toBe(OTHER);
    expect(interaction.occurredAt).toBe('2026-07-24T21:12:45.236Z');
  });

  it('falls back to created_at, then the receive time', () => {
    expect(interactionOf(parse(like({ payload: { timestamp_ms: undefined } }))).occurredAt).toBe('2026-07-24T21:12:45.000Z');
    expect(interactionOf(parse(like({ payload: { timestamp_ms: undefined, created_at: undefined } }))).occurredAt).toBe(RECEIVED.toISOString());
  });

  it('refuses a like without its id or the liked post\'s id', () => {
    for (const field of ['id', 'liked_tweet_id']) {
      let error: unknown;
      try { parse(like({ payload: { [field]: undefined } })); } catch (caught) { error = caught; }
      expect(isPayloadError(error) && error.path).toBe(`data.payload.${field}`);
    }
  });
});
