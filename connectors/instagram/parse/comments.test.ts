import { describe, expect, it } from 'vitest';
import { ParsedEvent } from '../../../src/connectors/index.ts';
import { parseInstagramDelivery } from './index.ts';

const ACCOUNT = '17841400008460056';
const receivedAt = new Date('2026-03-01T12:00:00.000Z');
const context = { account: { network: 'instagram', userId: ACCOUNT } };

function change(field: string, value: Record<string, unknown>, time: number | null = 1519399307): ParsedEvent[] {
  const body = { object: 'instagram', entry: [{ id: ACCOUNT, time, changes: [{ field, value }] }] };
  return parseInstagramDelivery(body, { receivedAt }).map((event) => ParsedEvent.parse(event));
}
const value = (fields: Record<string, unknown> = {}) => ({
  id: '17870913679156914', text: 'Love it', from: { id: '17841405309211844', username: 'a.customer' },
  media: { id: '17887498072083520', media_product_type: 'FEED' }, ...fields,
});

describe('Instagram comments', () => {
  it('a comment on the media: its author with @username and profile, then the comment', () => {
    expect(change('comments', value())).toEqual([
      { key: 'comment:17870913679156914/identity:17841405309211844', data: {
        kind: 'identity', network: 'instagram', userId: '17841405309211844', key: 'instagram:17841405309211844',
        handle: 'a.customer', profileUrl: 'https://www.instagram.com/a.customer/', observedAt: '2018-02-23T15:21:47.000Z',
      } },
      { key: 'comment:17870913679156914', data: {
        kind: 'interaction', network: 'instagram', networkId: '17870913679156914', activity: 'comment', direction: 'inbound',
        author: { key: 'instagram:17841405309211844', userId: '17841405309211844', handle: 'a.customer' }, text: 'Love it',
        occurredAt: '2018-02-23T15:21:47.000Z', inReplyTo: { networkId: '17887498072083520' }, threadId: '17887498072083520', context,
      } },
    ]);
  });

  it('a reply answers its parent comment; a live comment reads the same', () => {
    expect(change('comments', value({ parent_id: '17870000000000001' })).at(-1)!.data).toMatchObject({ inReplyTo: { networkId: '17870000000000001' }, threadId: '17887498072083520' });
    expect(change('live_comments', value()).at(-1)!.data).toMatchObject({ activity: 'comment', networkId: '17870913679156914' });
  });

  it("the account's own reply is outbound and gives no identity", () => {
    const events = change('comments', value({ from: { id: ACCOUNT, username: 'the.brand' } }));
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ direction: 'outbound' });
  });

  it('an old-style comment (id and text only) has no author; without an entry time it is when Parley received it', () => {
    expect(change('comments', { id: '17865799348089039', text: 'This is an example.' }, null)).toEqual([{ key: 'comment:17865799348089039', data: {
      kind: 'interaction', network: 'instagram', networkId: '17865799348089039', activity: 'comment', direction: 'inbound',
      text: 'This is an example.', occurredAt: '2026-03-01T12:00:00.000Z', context,
    } }]);
  });

  it('refuses a comment without an id', () => {
    expect(() => change('comments', value({ id: undefined }))).toThrow(/changes\[0\]\.value\.id/);
  });
});

describe('Instagram mentions', () => {
  it('a mention in a comment: no author, no text (Meta sends neither), on the media', () => {
    expect(change('mentions', { comment_id: '17894227972186120', media_id: '17918195224117851' })).toEqual([{ key: 'mention:17894227972186120', data: {
      kind: 'interaction', network: 'instagram', networkId: '17894227972186120', activity: 'mention', direction: 'inbound',
      occurredAt: '2018-02-23T15:21:47.000Z', threadId: '17918195224117851', context,
    } }]);
  });

  it('a mention in a caption is named after the media', () => {
    expect(change('mentions', { media_id: '17918195224117851' }).at(-1)).toMatchObject({ key: 'mention:17918195224117851', data: { networkId: '17918195224117851' } });
    expect(() => change('mentions', {})).toThrow(/a mention needs media_id or comment_id/);
  });
});
