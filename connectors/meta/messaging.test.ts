import { describe, expect, it } from 'vitest';
import { ParsedEvent } from '../../src/connectors/index.ts';
import { parseMetaDelivery, type DeliveryShape } from './envelope.ts';
import { messagingReader } from './messaging.ts';

const PAGE = '311494332880244';
const USER = '2150393045080607';
const receivedAt = new Date('2026-03-01T12:00:00.000Z');
const MESSENGER: DeliveryShape = { object: 'page', changes: new Map(), messaging: messagingReader({ network: 'messenger', page: true }) };
const INSTAGRAM: DeliveryShape = { object: 'instagram', changes: new Map(), messaging: messagingReader({ network: 'instagram', page: false }) };

/** Parses one messaging item from USER to PAGE (or as given) in an entry of `brand`, checking every event against the model. */
function parseItem(fields: Record<string, unknown>, shape = MESSENGER, brand = PAGE): ParsedEvent[] {
  const item = { sender: { id: USER }, recipient: { id: brand }, timestamp: 1559102363925, ...fields };
  const events = parseMetaDelivery({ object: shape.object, entry: [{ id: brand, time: 1559102364444, messaging: [item] }] }, { receivedAt }, shape);
  return events.map((event) => ParsedEvent.parse(event));
}
const messenger = { account: { network: 'messenger', userId: PAGE }, page: PAGE };
const userRef = { key: `messenger:${USER}`, userId: USER };
const pageRef = { key: `messenger:${PAGE}`, userId: PAGE };
const userIdentity = (key: string, observedAt = '2019-05-29T03:59:23.925Z') => ({ key: `${key}/identity:${USER}`, data: { kind: 'identity', network: 'messenger', userId: USER, key: `messenger:${USER}`, observedAt } });

describe('Messenger messages', () => {
  it('a text message: the sender (a PSID, network messenger) to the Page, keyed by mid, timestamp in ms', () => {
    expect(parseItem({ message: { mid: 'mid.1', seq: 0, text: 'hi' } })).toEqual([
      userIdentity('message:mid.1'),
      { key: 'message:mid.1', data: {
        kind: 'interaction', network: 'messenger', networkId: 'mid.1', activity: 'message', direction: 'inbound',
        author: userRef, recipient: pageRef, text: 'hi', occurredAt: '2019-05-29T03:59:23.925Z', context: messenger,
      } },
    ]);
  });

  it("an echo is the Page's own message: outbound, author the Page, the identity the user's", () => {
    const events = parseItem({ sender: { id: PAGE }, recipient: { id: USER }, message: { mid: 'mid.2', is_echo: true, app_id: 1517776481860111, text: 'Hello!' } });
    expect(events.map((event) => event.key)).toEqual(['message:mid.2/identity:' + USER, 'message:mid.2']);
    expect(events[1]!.data).toMatchObject({ direction: 'outbound', author: pageRef, recipient: userRef, text: 'Hello!' });
  });

  it('a reply names the message it answers; attachments keep their type and URL', () => {
    const [, message] = parseItem({ message: {
      mid: 'mid.3', reply_to: { mid: 'mid.1' },
      attachments: [
        { type: 'image', payload: { url: 'https://scontent.xx.fbcdn.net/a.jpg' } },
        { type: 'video', payload: { url: 'https://video.xx.fbcdn.net/b.mp4' } },
        { type: 'file', payload: { url: 'https://cdn.fbsbx.com/c.pdf' } },
        { type: 'location', payload: { coordinates: { lat: 1, long: 2 } } },
        'not an attachment',
      ],
    } });
    expect(message!.data).toMatchObject({
      inReplyTo: { networkId: 'mid.1' },
      attachments: [
        { type: 'photo', url: 'https://scontent.xx.fbcdn.net/a.jpg' },
        { type: 'video', url: 'https://video.xx.fbcdn.net/b.mp4' },
        { type: 'file', url: 'https://cdn.fbsbx.com/c.pdf' },
        { type: 'other' },
      ],
    });
    expect(message!.data).not.toHaveProperty('text');
  });

  it('an edit is the same message (networkId), edited, under a key per edit', () => {
    const first = parseItem({ message_edit: { mid: 'mid.1', text: 'hi there', num_edit: 1 } });
    const second = parseItem({ message_edit: { mid: 'mid.1', text: 'hi there!', num_edit: 2 } });
    expect(first.at(-1)).toEqual({ key: 'message:mid.1/edit:1', data: {
      kind: 'interaction', network: 'messenger', networkId: 'mid.1', activity: 'message', direction: 'inbound',
      author: userRef, recipient: pageRef, text: 'hi there', edited: true, occurredAt: '2019-05-29T03:59:23.925Z', context: messenger,
    } });
    expect(second.at(-1)!.key).toBe('message:mid.1/edit:2');
    // Without num_edit the key still tells edits apart, by content and time.
    const a = parseItem({ message_edit: { mid: 'mid.1', text: 'one' } }).at(-1)!.key;
    const b = parseItem({ message_edit: { mid: 'mid.1', text: 'two' } }).at(-1)!.key;
    expect(a).toMatch(/^message:mid\.1\/edit:[0-9a-f]{16}$/);
    expect(a).not.toBe(b);
  });

  it('a reaction is a reaction on the message; unreact erases it; each keyed by who, what and when', () => {
    const react = parseItem({ reaction: { mid: 'mid.2', action: 'react', emoji: '❤', reaction: 'love' } });
    expect(react.at(-1)).toEqual({ key: `reaction:mid.2:${USER}:react:2019-05-29T03:59:23.925Z`, data: {
      kind: 'interaction', network: 'messenger', networkId: `mid.2/reactions/${USER}`, activity: 'reaction', direction: 'inbound',
      author: userRef, reaction: 'love', subject: { networkId: 'mid.2' }, occurredAt: '2019-05-29T03:59:23.925Z', context: messenger,
    } });
    const unreact = parseItem({ timestamp: 1559102400000, reaction: { mid: 'mid.2', action: 'unreact', emoji: '❤', reaction: 'love' } });
    expect(unreact).toEqual([{ key: `reaction:mid.2:${USER}:unreact:2019-05-29T04:00:00.000Z`, data: {
      kind: 'erasure', network: 'messenger', reason: 'deleted', occurredAt: '2019-05-29T04:00:00.000Z',
      subject: { type: 'reaction', networkId: 'mid.2', userId: USER, reaction: 'love' },
    } }]);
    expect(parseItem({ reaction: { mid: 'mid.2', action: 'something-new' } })).toEqual([]);
  });

  it('a postback is a postback: the button title as title, its payload as text', () => {
    const events = parseItem({ postback: { title: 'Get Started', payload: 'GET_STARTED', mid: 'mid.pb' } });
    expect(events.at(-1)).toEqual({ key: 'postback:mid.pb', data: {
      kind: 'interaction', network: 'messenger', networkId: 'mid.pb', activity: 'postback', direction: 'inbound',
      author: userRef, recipient: pageRef, title: 'Get Started', text: 'GET_STARTED', occurredAt: '2019-05-29T03:59:23.925Z', context: messenger,
    } });
  });

  it('reads, deliveries, opt-ins and referrals give nothing', () => {
    for (const fields of [
      { read: { watermark: 1458668856253, seq: 38 } },
      { delivery: { mids: ['mid.1'], watermark: 1458668856253 } },
      { optin: { ref: 'x' } }, { referral: { ref: 'ad' } }, {},
    ]) expect(parseItem(fields), JSON.stringify(fields)).toEqual([]);
  });

  it('falls back to the entry time, then to the time Parley received it', () => {
    expect(parseItem({ timestamp: undefined, message: { mid: 'm' } }).at(-1)!.data).toMatchObject({ occurredAt: '2019-05-29T03:59:24.444Z' });
    const events = parseMetaDelivery({ object: 'page', entry: [{ id: PAGE, messaging: [{ sender: { id: USER }, recipient: { id: PAGE }, message: { mid: 'm' } }] }] }, { receivedAt }, MESSENGER);
    expect(events.at(-1)!.data).toMatchObject({ occurredAt: '2026-03-01T12:00:00.000Z' });
  });

  it('ignores an item between docs placeholders (the dashboard test button)', () => {
    expect(parseItem({ sender: { id: '<PSID>' }, message: { mid: 'm' } })).toEqual([]);
    expect(parseItem({ recipient: { id: 'PAGE_ID' }, message: { mid: 'm' } })).toEqual([]);
  });

  it('refuses a message without a mid or sender, and a sender id rounded past 2^53', () => {
    expect(() => parseItem({ message: { text: 'no mid' } })).toThrow(/messaging\[0\]\.message\.mid/);
    expect(() => parseItem({ sender: undefined, message: { mid: 'm' } })).toThrow(/messaging\[0\]\.sender/);
    expect(() => parseItem({ sender: { id: JSON.parse('21503930450806071') as number }, message: { mid: 'm' } })).toThrow(/2\^53/);
  });
});

describe('Instagram direct messages', () => {
  const IG = '17841400008460056';
  const ig = (fields: Record<string, unknown>) => parseItem({ sender: { id: '5678' }, ...fields }, INSTAGRAM, IG);
  it('a message is on network instagram, with no page in its context', () => {
    const events = parseMetaDelivery({ object: 'instagram', entry: [{ id: IG, time: 1459991487970, messaging: [
      { sender: { id: '5678' }, recipient: { id: IG }, timestamp: 1459991487970, message: { mid: 'aWdfZAG1', text: 'Hello World' } },
    ] }] }, { receivedAt }, INSTAGRAM);
    expect(events).toEqual([
      { key: 'message:aWdfZAG1/identity:5678', data: { kind: 'identity', network: 'instagram', userId: '5678', key: 'instagram:5678', observedAt: '2016-04-07T01:11:27.970Z' } },
      { key: 'message:aWdfZAG1', data: {
        kind: 'interaction', network: 'instagram', networkId: 'aWdfZAG1', activity: 'message', direction: 'inbound',
        author: { key: 'instagram:5678', userId: '5678' }, recipient: { key: `instagram:${IG}`, userId: IG },
        text: 'Hello World', occurredAt: '2016-04-07T01:11:27.970Z', context: { account: { network: 'instagram', userId: IG } },
      } },
    ]);
  });

  it('an unsent message is an erasure of it', () => {
    expect(ig({ message: { mid: 'aWdf', is_deleted: true } })).toEqual([{ key: 'message:aWdf/deleted', data: {
      kind: 'erasure', network: 'instagram', reason: 'deleted', occurredAt: '2019-05-29T03:59:23.925Z',
      subject: { type: 'post', networkId: 'aWdf', userId: '5678' },
    } }]);
  });

  it('a story mention and a heart are messages with an attachment; a story reply answers the story', () => {
    const mention = ig({ message: { mid: 'a1', attachments: [{ type: 'story_mention', payload: { url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1' } }] } }).at(-1)!;
    expect(mention.data).toMatchObject({ activity: 'message', attachments: [{ type: 'other', url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1' }] });
    expect(ig({ message: { mid: 'a2', attachments: [{ type: 'like_heart' }] } }).at(-1)!.data).toMatchObject({ attachments: [{ type: 'other' }] });
    expect(ig({ message: { mid: 'a3', text: 'nice', reply_to: { story: { url: 'https://x', id: '17900000000000001' } } } }).at(-1)!.data)
      .toMatchObject({ inReplyTo: { networkId: '17900000000000001' } });
  });

  it('a read receipt gives nothing', () => {
    expect(ig({ read: { mid: 'aWdf' } })).toEqual([]);
  });
});
