import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParsedEvent, type Identity, type Interaction } from '../../../src/connectors/index.ts';
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

const BRAND = '100';
const customer = { id: 200, id_str: '200', screen_name: 'customer', name: 'A Customer', followers_count: 5 };
const other = { id_str: '300', screen_name: 'other', name: 'Someone Else' };

/** A minimal v1.1 tweet by `customer`. */
function tweet(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { id_str: '9000000000000000001', text: 'hi', user: customer, timestamp_ms: '1700000000000', ...fields };
}
const deliver = (...tweets: Record<string, unknown>[]) => parse({ for_user_id: BRAND, tweet_create_events: tweets });

describe('tweet_create_events: fixtures', () => {
  it("the brand's own post with a photo (zammad-tweet-create-mention-photo)", () => {
    const events = parse(fixture('zammad-tweet-create-mention-photo.json'));
    // The author is the brand (123): no identity; @medenhofer appears only as a bare mention: none either.
    expect(identitiesOf(events)).toEqual([]);
    expect(events.map((event) => event.key)).toEqual(['tweet:1063212927510081536']);
    expect(interactionOf(events)).toEqual({
      kind: 'interaction',
      network: 'x',
      networkId: '1063212927510081536',
      activity: 'post',
      direction: 'outbound',
      author: { key: 'x:123', userId: '123', handle: 'zammadhq', followers: 427 },
      text: 'Hey @medenhofer !  #hello1234 https://t.co/f1kffFlwpN',
      url: 'https://x.com/zammadhq/status/1063212927510081536',
      occurredAt: '2018-11-15T23:31:30.116Z',
      mentions: [{ key: 'x:456', userId: '456', handle: 'medenhofer' }],
      hashtags: ['hello1234'],
      attachments: [{ type: 'photo', url: 'https://pbs.twimg.com/media/DsFKfJRWkAAFEbo.jpg', networkId: '1063212885961248768' }],
      // lang "und" is left out
      context: { account: { network: 'x', userId: '123' } },
    });
  });

  it('a truncated tweet addressed to the brand (zammad-tweet-create-truncated-reply-to-user)', () => {
    const body = fixture('zammad-tweet-create-truncated-reply-to-user.json');
    const events = parse(body);
    const interaction = interactionOf(events);
    // JSON.parse rounded the numeric id; the string id is the real one.
    expect(String((body.tweet_create_events as { id: number }[])[0]!.id)).not.toBe('1065035365336141825');
    expect(interaction.networkId).toBe('1065035365336141825');
    expect(events.map((event) => event.key)).toEqual(['tweet:1065035365336141825/identity:219826253', 'tweet:1065035365336141825']);
    expect(interaction.text).toMatch(/^@znuny Lorem ipsum .* sanctus est Lore$/);
    expect(interaction.text).not.toContain('…');
    expect(interaction.text).toHaveLength(279);
    // Addressed to a user, not a status: a mention of the brand, not a reply.
    expect(interaction.activity).toBe('mention');
    expect(interaction.inReplyTo).toEqual({ author: { key: 'x:123', userId: '123', handle: 'znuny' } });
    expect(interaction.direction).toBe('inbound');
    expect(interaction.language).toBe('ro');
    expect(interaction.occurredAt).toBe('2018-11-21T00:13:13.153Z');
    expect(identitiesOf(events)).toEqual([{
      kind: 'identity',
      network: 'x',
      userId: '219826253',
      key: 'x:219826253',
      handle: 'medenhofer',
      displayName: 'Martin Edenhofer',
      profileUrl: 'https://x.com/medenhofer',
      avatarUrl: 'https://pbs.twimg.com/profile_images/794220000450150401/D-eFg44R_normal.jpg',
      followers: 310,
      following: 314,
      posts: 225,
      verified: false,
      protected: false,
      bio: 'Open Source professional and geek. Also known as #OTRS and #Zammad inventor. ;)\r\nEntrepreneur and Advisor for open source people in need.',
      createdAt: '2010-11-26T00:19:49.000Z',
      observedAt: '2018-11-21T00:13:13.153Z',
    }]);
  });

  it('a reply to a user that does not mention the brand is a post', () => {
    const body = fixture('zammad-tweet-create-truncated-reply-to-user.json');
    expect(interactionOf(parse({ ...body, for_user_id: '999' })).activity).toBe('post');
  });
});

describe('tweet_create_events: kinds', () => {
  it('a reply to a status names the status and its author', () => {
    const interaction = interactionOf(deliver(tweet({
      in_reply_to_status_id: 1, in_reply_to_status_id_str: '8000000000000000001',
      in_reply_to_user_id_str: BRAND, in_reply_to_screen_name: 'brand',
    })));
    expect(interaction.activity).toBe('reply');
    expect(interaction.inReplyTo).toEqual({ networkId: '8000000000000000001', author: { key: 'x:100', userId: '100', handle: 'brand' } });
  });

  it('a quote carries the quoted status in full, and its author as an identity', () => {
    const quoted = tweet({ id_str: '7000000000000000001', user: other, text: 'cut…', truncated: true, extended_tweet: { full_text: 'the whole quoted text' } });
    const events = deliver(tweet({ is_quote_status: true, quoted_status_id_str: '7000000000000000001', quoted_status: quoted }));
    const interaction = interactionOf(events);
    expect(interaction.activity).toBe('quote');
    expect(interaction.subject).toEqual({ networkId: '7000000000000000001', author: { key: 'x:300', userId: '300', handle: 'other' }, text: 'the whole quoted text' });
    expect(identitiesOf(events).map((identity) => identity.userId)).toEqual(['200', '300']);
  });

  it('a quote of a status the payload does not include keeps its id', () => {
    const interaction = interactionOf(deliver(tweet({ is_quote_status: true, quoted_status_id_str: '7000000000000000002' })));
    expect(interaction.activity).toBe('quote');
    expect(interaction.subject).toEqual({ networkId: '7000000000000000002' });
  });

  it('a retweet of the brand is a share of the brand post; the brand gets no identity', () => {
    const original = tweet({ id_str: '6000000000000000001', user: { id_str: BRAND, screen_name: 'brand' }, text: 'we &amp; you' });
    const events = deliver(tweet({
      text: 'RT @brand: we &amp; you', retweeted_status: original,
      entities: { user_mentions: [{ id_str: BRAND, screen_name: 'brand' }] },
    }));
    const interaction = interactionOf(events);
    expect(interaction.activity).toBe('share');
    // The text is what was shared, not the `RT @brand: ` stub.
    expect(interaction.text).toBe('we & you');
    expect(interaction.subject).toEqual({ networkId: '6000000000000000001', author: { key: 'x:100', userId: '100', handle: 'brand' }, text: 'we & you' });
    expect(identitiesOf(events).map((identity) => identity.userId)).toEqual(['200']);
  });

  it('a retweet of a long tweet has the FULL shared text, not the truncated "RT @user: …" stub', () => {
    // The fixture's truncated tweet (extended_tweet.full_text of 279 characters), retweeted by the customer.
    const [original] = fixture('zammad-tweet-create-truncated-reply-to-user.json').tweet_create_events as Record<string, unknown>[];
    const events = deliver(tweet({
      text: 'RT @medenhofer: @znuny Lorem ipsum dolor sit amet, consetetur sadipscing elitr, sed diam nonumy eirmod tempor invidunt ut labore et…',
      retweeted_status: original,
      entities: { user_mentions: [{ id_str: '219826253', screen_name: 'medenhofer' }] },
    }));
    const full = (original!.extended_tweet as { full_text: string }).full_text;
    const interaction = interactionOf(events);
    expect(interaction).toMatchObject({ networkId: '9000000000000000001', activity: 'share', author: { userId: '200', handle: 'customer' } });
    expect(interaction.text).toBe(full);
    expect(interaction.text).toMatch(/no sea takimata sanctus est Lore$/);
    expect(interaction.subject).toEqual({ networkId: '1065035365336141825', author: { key: 'x:219826253', userId: '219826253', handle: 'medenhofer' }, text: full });
    // The original author's identity is kept beside the retweeter's.
    expect(identitiesOf(events).map((identity) => identity.userId)).toEqual(['200', '219826253']);
  });

  it('a retweet whose original is short uses its text, entities decoded once', () => {
    const original = tweet({ id_str: '6000000000000000002', user: other, text: 'fish &amp;amp; chips' });
    expect(interactionOf(deliver(tweet({ text: 'RT @other: fish &amp;amp; chips', retweeted_status: original }))).text).toBe('fish &amp; chips');
  });

  it('a tweet mentioning the brand in extended_tweet entities is a mention', () => {
    const interaction = interactionOf(deliver(tweet({
      truncated: true, text: 'long…',
      entities: { user_mentions: [] },
      extended_tweet: { full_text: 'long text for @brand', entities: { user_mentions: [{ id_str: BRAND, screen_name: 'brand' }], hashtags: [{ text: 'help' }] } },
    })));
    expect(interaction.activity).toBe('mention');
    expect(interaction.text).toBe('long text for @brand');
    expect(interaction.mentions).toEqual([{ key: 'x:100', userId: '100', handle: 'brand' }]);
    expect(interaction.hashtags).toEqual(['help']);
  });

  it('a plain tweet is a post; the brand author makes it outbound', () => {
    expect(interactionOf(deliver(tweet())).activity).toBe('post');
    expect(interactionOf(deliver(tweet())).direction).toBe('inbound');
    expect(interactionOf(deliver(tweet({ user: { id_str: BRAND, screen_name: 'brand' } }))).direction).toBe('outbound');
  });
});

describe('tweet_create_events: fields', () => {
  it('decodes HTML entities exactly once', () => {
    expect(interactionOf(deliver(tweet({ text: 'a &amp;lt; b &lt;3 &gt; AT&amp;T' }))).text).toBe('a &lt; b <3 > AT&T');
  });

  it('takes the time from created_at when timestamp_ms is absent', () => {
    expect(interactionOf(deliver(tweet({ timestamp_ms: undefined, created_at: 'Wed Nov 21 00:13:13 +0000 2018' }))).occurredAt)
      .toBe('2018-11-21T00:13:13.000Z');
  });

  it('lists every media item of extended_entities, typed', () => {
    const media = [
      { id_str: '1', type: 'video', media_url_https: 'https://pbs.twimg.com/v.jpg' },
      { id_str: '2', type: 'animated_gif', media_url_https: 'https://pbs.twimg.com/g.jpg' },
      { id_str: '3', type: 'hologram' },
    ];
    expect(interactionOf(deliver(tweet({ entities: { media: media.slice(0, 1) }, extended_entities: { media } }))).attachments).toEqual([
      { type: 'video', url: 'https://pbs.twimg.com/v.jpg', networkId: '1' },
      { type: 'animated_gif', url: 'https://pbs.twimg.com/g.jpg', networkId: '2' },
      { type: 'other', networkId: '3' },
    ]);
  });

  it("gives the author's follower count as the tweet's user object sent it, and no one else's", () => {
    const quoted = tweet({ id_str: '7000000000000000001', user: { ...other, followers_count: 50_000 } });
    const interaction = interactionOf(deliver(tweet({
      user: { ...customer, followers_count: 50_000 }, is_quote_status: true, quoted_status: quoted,
      in_reply_to_user_id_str: '300', in_reply_to_screen_name: 'other', entities: { user_mentions: [{ id_str: '300', screen_name: 'other' }] },
    })));
    expect(interaction.author).toEqual({ key: 'x:200', userId: '200', handle: 'customer', followers: 50_000 });
    // Only the author's: the quoted post's author has their count on their identity event; the person
    // answered and those mentioned come as bare ids and handles.
    expect(interaction.subject?.author?.followers).toBeUndefined();
    expect(interaction.inReplyTo?.author?.followers).toBeUndefined();
    expect(interaction.mentions?.[0]?.followers).toBeUndefined();
  });

  it('leaves followers out when the user object has no usable count', () => {
    for (const followers_count of [undefined, null, -1, 1.5, 2 ** 53]) {
      expect(interactionOf(deliver(tweet({ user: { ...customer, followers_count } }))).author, String(followers_count))
        .toEqual({ key: 'x:200', userId: '200', handle: 'customer' });
    }
    expect(interactionOf(deliver(tweet({ user: { ...customer, followers_count: 0 } }))).author?.followers).toBe(0);
  });

  it('emits one identity per person even when they appear twice', () => {
    const events = deliver(tweet({ is_quote_status: true, quoted_status: tweet({ id_str: '5' }) }));
    expect(identitiesOf(events).map((identity) => identity.userId)).toEqual(['200']);
  });

  it('without for_user_id: inbound, no account context, no mention', () => {
    const interaction = interactionOf(parse({ tweet_create_events: [tweet({ entities: { user_mentions: [{ id_str: BRAND }] } })] }));
    expect(interaction).toMatchObject({ activity: 'post', direction: 'inbound' });
    expect(interaction.context).toBeUndefined();
  });
});
