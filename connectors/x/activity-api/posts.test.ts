import { describe, expect, it } from 'vitest';
import { ParsedEvent, isPayloadError, type Identity, type Interaction } from '../../../src/connectors/index.ts';
import { sample, RECEIVED, parse, BRAND, brandContext } from './testing/samples.ts';


/** An XAA envelope for the brand's subscription. */
function envelope(eventType: string, payload: unknown, includes?: unknown): unknown {
  return { data: { event_uuid: '42', filter: { user_id: BRAND }, event_type: eventType, tag: 't', payload, ...(includes ? { includes } : {}) } };
}
function interactionOf(events: ParsedEvent[]): Interaction {
  const [activity] = events.filter((event) => event.data.kind === 'interaction');
  expect(events.filter((event) => event.data.kind !== 'identity')).toHaveLength(1);
  return activity!.data as Interaction;
}
const identitiesOf = (events: ParsedEvent[]): Identity[] => events.flatMap((event) => (event.data.kind === 'identity' ? [event.data] : []));

/** A v2 user as `includes.users` carries it (flat). */
const user = (id: string, username: string, extra: Record<string, unknown> = {}) => ({ id, username, name: `${username} name`, ...extra });

describe('post.create: the brand\'s own posts', () => {
  it('the post.create sample is the brand\'s outbound post, with no identity for the brand', () => {
    const events = parse(sample('post.create.json'));
    expect(events).toEqual([{
      key: 'tweet:2080761390344937796',
      data: {
        kind: 'interaction', network: 'x', networkId: '2080761390344937796', activity: 'post', direction: 'outbound',
        author: { key: `x:${BRAND}`, userId: BRAND, handle: 'ExampleUser', followers: 5502 },
        text: 'Hello from the Activity API',
        url: 'https://x.com/ExampleUser/status/2080761390344937796',
        occurredAt: '2026-07-24T21:05:48.000Z',
        threadId: '2080761390344937796',
        language: 'en',
        context: brandContext,
      },
    }]);
  });

  it('is a reply when in_reply_to_tweet_id is present, naming the post and person answered', () => {
    const body = sample('post.create.json');
    body.data.payload = { ...body.data.payload, in_reply_to_tweet_id: '77', in_reply_to_user_id: '2222', referenced_tweets: [{ type: 'replied_to', id: '77' }] };
    body.data.includes.users!.push(user('2222', 'Customer'));
    const events = parse(body);
    expect(interactionOf(events)).toMatchObject({ activity: 'reply', direction: 'outbound', inReplyTo: { networkId: '77', author: { key: 'x:2222', userId: '2222', handle: 'Customer' } } });
    // The person answered gets an identity from includes; the brand does not.
    expect(identitiesOf(events).map((identity) => identity.userId)).toEqual(['2222']);
  });

  it('is a quote when referenced_tweets (or the OpenAPI spelling referenced_posts) names a quoted post', () => {
    for (const field of ['referenced_tweets', 'referenced_posts']) {
      const body = envelope('post.create', { id: '10', author_id: BRAND, text: 'look', [field]: [{ type: 'quoted', id: '9' }] });
      expect(interactionOf(parse(body))).toMatchObject({ activity: 'quote', direction: 'outbound', subject: { networkId: '9' } });
    }
  });

  it('is a share when the brand reposts, with the full text of what was shared and its author', () => {
    const original = { id: '9', author_id: '3333', text: 'A long original, truncated in the RT…', note_tweet: { text: 'A long original, in full & complete.' } };
    const body = envelope('post.create', {
      id: '10', author_id: BRAND, text: 'RT @Other: A long original, truncated in the RT…', referenced_tweets: [{ type: 'retweeted', id: '9' }],
      entities: { mentions: [{ start: 3, end: 9, username: 'Other', id: '3333' }] },
    }, { tweets: [original], users: [user('3333', 'Other')] });
    const events = parse(body);
    expect(interactionOf(events)).toMatchObject({
      activity: 'share', direction: 'outbound', text: 'A long original, in full & complete.',
      subject: { networkId: '9', author: { key: 'x:3333', userId: '3333', handle: 'Other' }, text: 'A long original, in full & complete.' },
    });
    expect(identitiesOf(events).map((identity) => identity.userId)).toEqual(['3333']);
  });
});

describe('post.mention.create, post.reply.create, post.quote.create: others\' posts', () => {
  it('a mention (built from its field description: payload Post, includes users and tweets)', () => {
    const events = parse(envelope('post.mention.create', {
      id: '2080765813578191303', text: 'hey @ExampleUser', author_id: '2222222222222222222', created_at: '2026-07-24T21:23:23.000Z',
      conversation_id: '2080765813578191303', lang: 'und',
      entities: { mentions: [{ start: 4, start_str: '4', end: 16, end_str: '16', username: 'ExampleUser', id: BRAND }] },
    }, {
      users: [
        user('2222222222222222222', 'OtherUser', { description: '', url: '', profile_banner_url: '', verified: false, protected: false, created_at: '2026-04-20T19:55:59.000Z', public_metrics: { followers_count: 97, following_count: 1, tweet_count: 50 } }),
        user(BRAND, 'ExampleUser'),
      ],
      tweets: [{ id: '2080765813578191303', text: 'hey @ExampleUser', author_id: '2222222222222222222' }],
    }));
    expect(events.map((event) => event.key)).toEqual(['tweet:2080765813578191303/identity:2222222222222222222', 'tweet:2080765813578191303']);
    expect(interactionOf(events)).toEqual({
      kind: 'interaction', network: 'x', networkId: '2080765813578191303', activity: 'mention', direction: 'inbound',
      // followers: includes.users[].public_metrics.followers_count, as of this post
      author: { key: 'x:2222222222222222222', userId: '2222222222222222222', handle: 'OtherUser', followers: 97 },
      text: 'hey @ExampleUser',
      url: 'https://x.com/OtherUser/status/2080765813578191303',
      occurredAt: '2026-07-24T21:23:23.000Z',
      threadId: '2080765813578191303',
      mentions: [{ key: `x:${BRAND}`, userId: BRAND, handle: 'ExampleUser' }],
      // `und` (undetermined) is no language.
      context: brandContext,
    });
    expect(identitiesOf(events)).toEqual([{
      kind: 'identity', network: 'x', userId: '2222222222222222222', key: 'x:2222222222222222222',
      handle: 'OtherUser', displayName: 'OtherUser name', profileUrl: 'https://x.com/OtherUser',
      followers: 97, following: 1, posts: 50, verified: false, protected: false,
      createdAt: '2026-04-20T19:55:59.000Z', observedAt: '2026-07-24T21:23:23.000Z',
    }]);
  });

  it('the post.reply.create sample: an inbound reply to the brand\'s post', () => {
    expect(parse(sample('post.reply.create.json'))).toEqual([{
      key: 'tweet:2090000000000000001',
      data: {
        kind: 'interaction', network: 'x', networkId: '2090000000000000001', activity: 'reply', direction: 'inbound',
        author: { key: 'x:2222222222222222222', userId: '2222222222222222222' },
        text: '@ExampleUser Great post — thanks for sharing!',
        // No includes: the author's @handle is unknown, so the handle-free status address.
        url: 'https://x.com/i/web/status/2090000000000000001',
        occurredAt: '2026-08-12T18:00:00.000Z',
        inReplyTo: { networkId: '2080761390344937796', author: { key: `x:${BRAND}`, userId: BRAND } },
        threadId: '2080761390344937796',
        mentions: [{ key: `x:${BRAND}`, userId: BRAND, handle: 'ExampleUser' }],
        language: 'en',
        context: brandContext,
      },
    }]);
  });

  it('the post.quote.create sample: subject = the quoted post', () => {
    expect(interactionOf(parse(sample('post.quote.create.json')))).toEqual({
      kind: 'interaction', network: 'x', networkId: '2090000000000000002', activity: 'quote', direction: 'inbound',
      author: { key: 'x:2222222222222222222', userId: '2222222222222222222' },
      text: 'Adding some context to this. https://t.co/xxxxxxxx',
      url: 'https://x.com/i/web/status/2090000000000000002',
      occurredAt: '2026-08-12T18:05:00.000Z',
      threadId: '2090000000000000002',
      subject: { networkId: '2080761390344937796' },
      language: 'en',
      context: brandContext,
    });
  });

  it('a quote whose quoted post is expanded in includes carries its text and author', () => {
    const body = sample('post.quote.create.json');
    body.data.includes = { tweets: [{ id: '2080761390344937796', author_id: BRAND, text: 'Hello from the Activity API' }], users: [user(BRAND, 'ExampleUser')] };
    expect(interactionOf(parse(body)).subject).toEqual({
      networkId: '2080761390344937796', author: { key: `x:${BRAND}`, userId: BRAND, handle: 'ExampleUser' }, text: 'Hello from the Activity API',
    });
  });
});

describe('post.repost.create', () => {
  it('the sample: text is the shared post without "RT @user: ", the original author kept', () => {
    expect(interactionOf(parse(sample('post.repost.create.json')))).toEqual({
      kind: 'interaction', network: 'x', networkId: '2090000000000000003', activity: 'share', direction: 'inbound',
      author: { key: 'x:2222222222222222222', userId: '2222222222222222222' },
      text: 'Hello from the Activity API',
      url: 'https://x.com/i/web/status/2090000000000000003',
      occurredAt: '2026-08-12T18:10:00.000Z',
      threadId: '2090000000000000003',
      subject: { networkId: '2080761390344937796', author: { key: `x:${BRAND}`, userId: BRAND, handle: 'ExampleUser' }, text: 'Hello from the Activity API' },
      mentions: [{ key: `x:${BRAND}`, userId: BRAND, handle: 'ExampleUser' }],
      language: 'en',
      context: brandContext,
    });
  });

  it('takes the FULL text of the original from includes.tweets when present, not the truncated RT', () => {
    const body = sample('post.repost.create.json');
    const full = 'Hello from the Activity API. '.repeat(12).trim();
    body.data.payload.text = `RT @ExampleUser: ${full.slice(0, 100)}…`;
    body.data.includes = { tweets: [{ id: '2080761390344937796', author_id: BRAND, text: full.slice(0, 270) + '…', note_tweet: { text: full } }] };
    const interaction = interactionOf(parse(body));
    expect(interaction.text).toBe(full);
    expect(interaction.subject).toEqual({ networkId: '2080761390344937796', author: { key: `x:${BRAND}`, userId: BRAND, handle: 'ExampleUser' }, text: full });
  });

  it('without an RT mention, the original author is the filtered user (whose post was reposted)', () => {
    const body = sample('post.repost.create.json');
    delete body.data.payload.entities;
    expect(interactionOf(parse(body)).subject?.author).toEqual({ key: `x:${BRAND}`, userId: BRAND });
  });
});

describe('post fields', () => {
  it('decodes HTML entities once, prefers the long-form note_tweet/note_post text', () => {
    expect(interactionOf(parse(envelope('post.mention.create', { id: '1', author_id: '2', text: 'a &amp;lt; b &amp; c' }))).text).toBe('a &lt; b & c');
    expect(interactionOf(parse(envelope('post.mention.create', { id: '1', author_id: '2', text: 'short…', note_tweet: { text: 'long text' } }))).text).toBe('long text');
    expect(interactionOf(parse(envelope('post.mention.create', { id: '1', author_id: '2', text: 'short…', note_post: { text: 'long post' } }))).text).toBe('long post');
  });

  it('reads hashtags and the media includes.media describes', () => {
    const interaction = interactionOf(parse(envelope('post.mention.create', {
      id: '1', author_id: '2', text: '#zammad look', entities: { hashtags: [{ start: 0, end: 7, tag: 'zammad' }] },
      attachments: { media_keys: ['3_1', '7_2', '3_missing'] },
    }, { media: [
      { media_key: '3_1', type: 'photo', url: 'https://pbs.twimg.com/media/a.jpg' },
      { media_key: '7_2', type: 'video', preview_image_url: 'https://pbs.twimg.com/media/v.jpg' },
    ] })));
    expect(interaction.hashtags).toEqual(['zammad']);
    expect(interaction.attachments).toEqual([
      { type: 'photo', url: 'https://pbs.twimg.com/media/a.jpg', networkId: '3_1' },
      { type: 'video', url: 'https://pbs.twimg.com/media/v.jpg', networkId: '7_2' },
    ]);
  });

  it('takes a numeric id only while it is exact, and refuses one past 2^53 (already rounded)', () => {
    expect(interactionOf(parse(envelope('post.mention.create', { id: 12345, author_id: 2, text: 'x' }))).networkId).toBe('12345');
    let error: unknown;
    try { parse(envelope('post.mention.create', { id: 2 ** 60, author_id: '2', text: 'x' })); } catch (caught) { error = caught; }
    expect(isPayloadError(error) && error.path).toBe('data.payload.id');
  });

  it('falls back to the receive time when created_at is missing or not a date', () => {
    expect(interactionOf(parse(envelope('post.mention.create', { id: '1', author_id: '2', text: 'x', created_at: 'yesterday' }))).occurredAt).toBe(RECEIVED.toISOString());
  });

  it('skips an includes user it cannot read instead of failing the post', () => {
    const events = parse(envelope('post.mention.create', { id: '1', author_id: '2', text: 'x' }, { users: [{ username: 'no-id' }, 'junk', user('2', 'Two')] }));
    expect(identitiesOf(events).map((identity) => identity.handle)).toEqual(['Two']);
  });
});
