import { describe, expect, it } from 'vitest';
import { ParsedEvent } from '../../../src/connectors/index.ts';
import { parseFacebookDelivery } from './index.ts';

const PAGE = '1234567890321';
const receivedAt = new Date('2026-03-01T12:00:00.000Z');
const context = { account: { network: 'facebook', userId: PAGE }, page: PAGE };

function mention(value: Record<string, unknown>): ParsedEvent[] {
  const body = { object: 'page', entry: [{ id: PAGE, time: 1501000000, changes: [{ field: 'mention', value }] }] };
  return parseFacebookDelivery(body, { receivedAt }).map((event) => ParsedEvent.parse(event));
}

describe('Page mentions', () => {
  it('a mention in a post, without an author as recent payloads have none', () => {
    expect(mention({ item: 'post', verb: 'add', post_id: '44444444_444444444', message: 'Thanks @Page!', created_time: 1500999999 })).toEqual([
      { key: 'mention:44444444_444444444', data: {
        kind: 'interaction', network: 'facebook', networkId: '44444444_444444444', activity: 'mention', direction: 'inbound',
        text: 'Thanks @Page!', occurredAt: '2017-07-25T16:26:39.000Z', threadId: '44444444_444444444', context,
      } },
    ]);
  });

  it('a mention in a comment is named after the comment; a 2017-era author gives an identity', () => {
    const events = mention({ item: 'comment', verb: 'add', post_id: 'p_1', comment_id: 'p_1_c_2', sender_id: 42, sender_name: 'Old Style' });
    expect(events.map((event) => event.key)).toEqual(['mention:p_1_c_2/identity:42', 'mention:p_1_c_2']);
    expect(events[1]!.data).toMatchObject({ networkId: 'p_1_c_2', threadId: 'p_1', author: { key: 'facebook:42', userId: '42' }, occurredAt: '2017-07-25T16:26:40.000Z' });
  });

  it('an edited mention is a new version; a removed one an erasure; other verbs nothing', () => {
    expect(mention({ item: 'post', verb: 'edited', post_id: 'p_1', message: 'changed' }).at(-1)).toMatchObject({ key: expect.stringMatching(/^mention:p_1\/edit:/), data: { edited: true, text: 'changed' } });
    expect(mention({ item: 'post', verb: 'remove', post_id: 'p_1' })).toEqual([
      { key: 'mention:p_1/removed', data: { kind: 'erasure', network: 'facebook', subject: { type: 'post', networkId: 'p_1' }, reason: 'deleted', occurredAt: '2017-07-25T16:26:40.000Z' } },
    ]);
    expect(mention({ item: 'post', verb: 'hide', post_id: 'p_1' })).toEqual([]);
  });

  it('refuses a mention of nothing', () => {
    expect(() => mention({ item: 'post', verb: 'add' })).toThrow(/a mention needs post_id or comment_id/);
  });
});
