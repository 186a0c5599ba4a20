import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParsedEvent, isPayloadError } from '../../../src/connectors/index.ts';
import { StandardSourceConfig } from '../config.ts';
import { parseProfile } from '../profile/load.ts';
import { parseDelivery } from './index.ts';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const receivedAt = new Date('2026-03-01T12:00:00.000Z');
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../test/fixtures/standard/${name}`, import.meta.url), 'utf8'));
const auto = StandardSourceConfig.parse({ secret: SECRET });
/** `webhookId` null: a delivery without the header. */
const parse = async (body: unknown, config = auto, webhookId: string | null = 'msg_1') =>
  (await parseDelivery(body, { receivedAt, config, ...(webhookId === null ? {} : { headers: { 'webhook-id': webhookId } }) })).map((e) => ParsedEvent.parse(e));
const refusal = async (body: unknown, config = auto, webhookId: string | null = 'msg_1') => {
  try {
    await parse(body, config, webhookId);
  } catch (error) {
    if (isPayloadError(error)) return { message: error.message, path: error.path };
    throw error;
  }
  throw new Error('expected a PayloadError');
};
/** A config whose profiles are exactly these (name → YAML text). */
const withProfiles = (profiles: Record<string, string>, named?: string): StandardSourceConfig => {
  const list = Object.entries(profiles).map(([name, text]) => parseProfile(text, `${name}.yaml`, name));
  return { ...auto, auto: named === undefined, profiles: named === undefined ? list.filter((p) => p.match) : list.filter((p) => p.name === named) };
};

describe('payload profiles on the shipped samples (profile: auto)', () => {
  it('Talkwalker: the Reddit comment\'s author and the mention, field by field', async () => {
    const url = 'http://www.reddit.com/r/PetTheDamnCat/comments/tfmzmh/how_can_anyone_hate_cats/i0zu1ev';
    const events = await parse(fixture('talkwalker-stream-result-reddit-comment.json'));
    expect(events.map((e) => e.key)).toEqual([`talkwalker:${url}/identity:ex:www.reddit.com-586249831`, `talkwalker:${url}`]);
    expect(events[0]!.data).toEqual({
      kind: 'identity', network: 'reddit', userId: 'ex:www.reddit.com-586249831', key: 'reddit:ex:www.reddit.com-586249831',
      displayName: 'Nineteen66galaxie', observedAt: '2022-03-17T08:24:21.000Z',
    });
    const mention = events[1]!.data;
    expect(mention).toMatchObject({
      kind: 'interaction', network: 'reddit', networkId: url, activity: 'mention', direction: 'inbound',
      author: { key: 'reddit:ex:www.reddit.com-586249831', userId: 'ex:www.reddit.com-586249831' },
      title: 'How can anyone hate cats?', url,
      // `published` (ms), not `indexed`
      occurredAt: '2022-03-17T08:24:21.000Z',
      language: 'en',
      // -5 on Talkwalker's -5…5
      sentiment: -1,
      topics: ['TEXT'],
      context: { page: 'PetTheDamnCat' },
    });
    expect(mention.kind === 'interaction' && mention.text).toMatch(/^I was in line at the pet store .* talk smack about dogs…$/);
    expect(mention).not.toHaveProperty('reach');
  });

  it('Brandwatch: the tweet\'s author from "handle (Name)", label sentiment, +0000 times', async () => {
    const events = await parse(fixture('brandwatch-mentions-page.json'));
    expect(events).toEqual([
      {
        key: 'brandwatch:c54d12f5107496bac30b5ddc3478bbab/identity:edwards0819',
        data: {
          kind: 'identity', network: 'twitter', userId: 'edwards0819', key: 'twitter:edwards0819', handle: 'edwards0819',
          displayName: 'Jan Edwards', profileUrl: 'https://twitter.com/edwards0819', observedAt: '2019-10-10T17:48:54.588Z',
        },
      },
      {
        key: 'brandwatch:c54d12f5107496bac30b5ddc3478bbab',
        data: {
          kind: 'interaction', network: 'twitter', networkId: 'c54d12f5107496bac30b5ddc3478bbab', activity: 'mention', direction: 'inbound',
          author: { key: 'twitter:edwards0819', userId: 'edwards0819', handle: 'edwards0819' },
          // title repeats the URL, snippet is null: neither is kept
          url: 'http://twitter.com/1/statuses/1168312574590509056',
          // `date` is null: `added`, "2019-10-10T17:48:54.588+0000"
          occurredAt: '2019-10-10T17:48:54.588Z',
          language: 'en', sentiment: 0, reach: 0,
        },
      },
    ]);
  });

  it('the spec\'s contact.created: the contact\'s identity, no interaction', async () => {
    expect(await parse(fixture('spec-contact-created-full.json'))).toEqual([{
      key: 'standard-event:contact.created:1f81eb52-5198-4599-803e-771906343485@2022-11-03T20:26:10.344522Z/identity:1f81eb52-5198-4599-803e-771906343485',
      data: {
        kind: 'identity', network: 'web', userId: '1f81eb52-5198-4599-803e-771906343485', key: 'web:1f81eb52-5198-4599-803e-771906343485',
        displayName: 'John Smith', observedAt: '2022-11-03T20:26:10.344Z',
      },
    }]);
  });

  it('the spec\'s example.event carries nothing to keep', async () => {
    expect(await parse(fixture('spec-example-event.json'))).toEqual([]);
  });

  it('a convention event of an activity (comment.created) is that interaction', async () => {
    const events = await parse({
      type: 'comment.created', timestamp: '2026-02-01T10:00:00Z',
      data: { id: 'c-1', text: 'Love it', network: 'Mastodon', sentiment: 0.5, author: { id: 'a-1', handle: '@ann', name: 'Ann' } },
    });
    expect(events.map((e) => e.key)).toEqual(['standard-event:comment.created:c-1@2026-02-01T10:00:00Z/identity:a-1', 'standard-event:comment.created:c-1@2026-02-01T10:00:00Z']);
    expect(events[1]!.data).toMatchObject({ network: 'mastodon', networkId: 'c-1', activity: 'comment', text: 'Love it', sentiment: 0.5, author: { userId: 'a-1', handle: 'ann' }, occurredAt: '2026-02-01T10:00:00.000Z' });
  });
});

describe('event keys', () => {
  const noId = { list: 'match: $exists(list)\nitems: list\nfields:\n  networkId: ref\n  text: t\n' };

  it('without an item id: the webhook-id and the item\'s position, so a redelivery is the same events', async () => {
    const body = { list: [{ ref: 'a', t: 'one' }, { ref: 'b', t: 'two' }] };
    const keys = (await parse(body, withProfiles(noId))).map((e) => e.key);
    expect(keys).toEqual(['webhook:msg_1/0', 'webhook:msg_1/1']);
    expect((await parse(body, withProfiles(noId))).map((e) => e.key)).toEqual(keys);
  });

  it('with an item id: the id wins, whatever the delivery (the same mention relayed twice is one event)', async () => {
    const body = fixture('brandwatch-mentions-page.json');
    const first = (await parse(body, auto, 'msg_a')).map((e) => e.key);
    expect((await parse(body, auto, 'msg_b')).map((e) => e.key)).toEqual(first);
  });

  it('two items with one id in one body are one item', async () => {
    const config = withProfiles({ list: 'match: $exists(list)\nitems: list\nid: ref\n' });
    expect((await parse({ list: [{ ref: 'a' }, { ref: 'a' }] }, config)).map((e) => e.key)).toEqual(['list:a']);
  });

  it('an item with no id and a delivery without webhook-id cannot be keyed', async () => {
    expect(await refusal({ list: [{ ref: 'a' }] }, withProfiles(noId), null)).toMatchObject({ path: 'items[0]' });
  });
});

describe('choosing a profile', () => {
  it('auto tries the profiles in order and takes the first whose match is true', async () => {
    const config = withProfiles({
      first: 'match: kind = "a"\nid: id\nfields:\n  text: "\'first\'"\n',
      second: 'match: $exists(kind)\nid: id\nfields:\n  text: "\'second\'"\n',
    });
    expect((await parse({ kind: 'a', id: '1' }, config))[0]!.data).toMatchObject({ text: 'first' });
    expect((await parse({ kind: 'b', id: '1' }, config))[0]!.data).toMatchObject({ text: 'second' });
  });

  it('a match that is not exactly true, or that fails, is a no', async () => {
    const config = withProfiles({ truthy: 'match: kind\nid: id\n', failing: 'match: kind + 1 = 2\nid: id\n' });
    expect(await refusal({ kind: 'yes', id: '1' }, config)).toMatchObject({ message: expect.stringContaining('no payload profile matches this body (tried truthy, failing)') });
  });

  it('a named profile refuses a body its match says is not its format', async () => {
    expect(await refusal(fixture('brandwatch-mentions-page.json'), StandardSourceConfig.parse({ secret: SECRET, profile: 'talkwalker' })))
      .toMatchObject({ message: expect.stringContaining('not a "talkwalker" payload') });
  });

  it('items that are not objects are refused, naming the expression', async () => {
    expect(await refusal({ list: ['a', 'b'] }, withProfiles({ list: 'match: $exists(list)\nitems: list\n' }))).toMatchObject({ path: 'items' });
  });

  it('an id expression that fails is refused, naming it', async () => {
    expect(await refusal({ list: [{ n: 'x' }] }, withProfiles({ list: 'match: $exists(list)\nitems: list\nid: n + 1\n' }))).toMatchObject({ path: 'id' });
  });

  it('ids that are JavaScript object keys are ordinary ids', async () => {
    const config = withProfiles({ list: 'match: $exists(list)\nitems: list\nid: id\nauthor:\n  userId: by\n' });
    const events = await parse({ list: [{ id: '__proto__', by: 'constructor' }] }, config);
    expect(events.map((e) => e.key)).toEqual(['list:__proto__/identity:constructor', 'list:__proto__']);
  });
});

describe('the spec convention over time', () => {
  it('a later contact.updated about the same contact is a new observation; the same event twice is one', async () => {
    const update = (timestamp: string, fullName: string) => ({ type: 'contact.updated', timestamp, data: { id: 'c-1', fullName } });
    const first = await parse(update('2026-01-01T00:00:00Z', 'Ann Lee'), auto, 'msg_1');
    const again = await parse(update('2026-01-01T00:00:00Z', 'Ann Lee'), auto, 'msg_2');
    const later = await parse(update('2026-02-01T00:00:00Z', 'Ann Lee-Smith'), auto, 'msg_3');
    expect(again.map((e) => e.key)).toEqual(first.map((e) => e.key));
    expect(later[0]!.key).not.toBe(first[0]!.key);
    expect(later[0]!.data).toMatchObject({ kind: 'identity', userId: 'c-1', displayName: 'Ann Lee-Smith', observedAt: '2026-02-01T00:00:00.000Z' });
  });
});
