import { describe, expect, it } from 'vitest';
import { ParsedEvent, isPayloadError, type Interaction } from '../../../src/connectors/index.ts';
import { parseFacebookDelivery } from './index.ts';

const PAGE = '1234567890321';
const POST = `${PAGE}_901097836652708`;
const receivedAt = new Date('2026-03-01T12:00:00.000Z');
const customer = { id: '10155000000000001', name: 'A Customer' };
const context = { account: { network: 'facebook', userId: PAGE }, page: PAGE };
const customerRef = { key: `facebook:${customer.id}`, userId: customer.id };

/** The events of one `feed` change of the Page, each checked against the model. */
function feed(value: Record<string, unknown>, entry: Record<string, unknown> = {}): ParsedEvent[] {
  const body = { object: 'page', entry: [{ id: PAGE, time: 1449135099, changes: [{ field: 'feed', value }], ...entry }] };
  return parseFacebookDelivery(body, { receivedAt }).map((event) => ParsedEvent.parse(event));
}
const last = (events: ParsedEvent[]) => events.at(-1)!;
const comment = (fields: Record<string, unknown> = {}) => ({
  item: 'comment', verb: 'add', comment_id: '901097836652708_903438993085259', post_id: POST, parent_id: POST,
  from: customer, created_time: 1449135003, message: 'and the next one', ...fields,
});

describe('feed: comments', () => {
  it("a customer's comment: its identity, then the comment on the post", () => {
    expect(feed(comment())).toEqual([
      { key: `comment:901097836652708_903438993085259/identity:${customer.id}`, data: { kind: 'identity', network: 'facebook', userId: customer.id, key: `facebook:${customer.id}`, displayName: 'A Customer', observedAt: '2015-12-03T09:30:03.000Z' } },
      { key: 'comment:901097836652708_903438993085259', data: {
        kind: 'interaction', network: 'facebook', networkId: '901097836652708_903438993085259', activity: 'comment', direction: 'inbound',
        author: customerRef, text: 'and the next one', occurredAt: '2015-12-03T09:30:03.000Z',
        inReplyTo: { networkId: POST }, threadId: POST, context,
      } },
    ]);
  });

  it('a reply answers the parent comment, in the thread of the post', () => {
    const reply = last(feed(comment({ comment_id: '901097836652708_903440000000000', parent_id: '901097836652708_903438993085259' }))).data as Interaction;
    expect(reply).toMatchObject({ activity: 'comment', inReplyTo: { networkId: '901097836652708_903438993085259' }, threadId: POST });
  });

  it("the Page's own comment is outbound and gives no identity", () => {
    const events = feed(comment({ from: { id: Number(PAGE), name: 'The Page' } }));
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ direction: 'outbound', author: { key: `facebook:${PAGE}`, userId: PAGE } });
  });

  it('a photo or video comment keeps its media', () => {
    expect(last(feed(comment({ photo: 'https://scontent.xx.fbcdn.net/p.jpg' }))).data).toMatchObject({ attachments: [{ type: 'photo', url: 'https://scontent.xx.fbcdn.net/p.jpg' }] });
    expect(last(feed(comment({ video: 'https://video.xx.fbcdn.net/v.mp4', message: undefined }))).data).toMatchObject({ attachments: [{ type: 'video', url: 'https://video.xx.fbcdn.net/v.mp4' }] });
  });

  it('an edit is the same comment (networkId), edited, under a key of its own that a retry repeats', () => {
    const added = last(feed(comment()));
    const edited = last(feed(comment({ verb: 'edited', message: 'and the next one!', created_time: 1449135999 })));
    const editedAgain = last(feed(comment({ verb: 'edit', message: 'and the next one!!', created_time: 1449136999 })));
    expect(edited.data).toMatchObject({ networkId: added.data.kind === 'interaction' ? added.data.networkId : '', edited: true, text: 'and the next one!' });
    expect(new Set([added.key, edited.key, editedAgain.key]).size).toBe(3);
    expect(edited.key).toMatch(/^comment:901097836652708_903438993085259\/edit:[0-9a-f]{16}$/);
    expect(last(feed(comment({ verb: 'edited', message: 'and the next one!', created_time: 1449135999 }))).key).toBe(edited.key);
    expect(added.data).not.toHaveProperty('edited');
  });

  it('a removed comment is an erasure of it, with no identity', () => {
    expect(feed({ item: 'comment', verb: 'remove', comment_id: 'c_1', post_id: POST, parent_id: POST, from: customer, created_time: 1452107182 })).toEqual([
      { key: 'comment:c_1/removed', data: { kind: 'erasure', network: 'facebook', subject: { type: 'post', networkId: 'c_1', userId: customer.id }, reason: 'deleted', occurredAt: '2016-01-06T19:06:22.000Z' } },
    ]);
  });

  it('refuses a comment without comment_id', () => {
    try {
      feed(comment({ comment_id: undefined }));
      expect.unreachable();
    } catch (error) {
      expect(isPayloadError(error) && error.path).toBe('entry[0].changes[0].value.comment_id');
    }
  });
});

describe('feed: posts and shares', () => {
  const post = (fields: Record<string, unknown> = {}) => ({ item: 'status', verb: 'add', post_id: `${PAGE}_930145403745849`, from: customer, published: 1, created_time: 1448633038, message: 'Hello Page', ...fields });

  it("a visitor's post is an inbound post; status, post, photo and video are all posts", () => {
    expect(last(feed(post())).data).toEqual({
      kind: 'interaction', network: 'facebook', networkId: `${PAGE}_930145403745849`, activity: 'post', direction: 'inbound',
      author: customerRef, text: 'Hello Page', occurredAt: '2015-11-27T14:03:58.000Z', context,
    });
    for (const item of ['post', 'photo', 'video']) expect(last(feed(post({ item }))).data, item).toMatchObject({ activity: 'post' });
  });

  it('photos and videos become attachments', () => {
    expect(last(feed(post({ item: 'photo', link: 'https://scontent.xx.fbcdn.net/p.jpg', photo_id: '930145400000000' }))).data)
      .toMatchObject({ attachments: [{ type: 'photo', url: 'https://scontent.xx.fbcdn.net/p.jpg', networkId: '930145400000000' }] });
    expect(last(feed(post({ item: 'status', photos: ['https://a/1.jpg', 'https://a/2.jpg'] }))).data)
      .toMatchObject({ attachments: [{ type: 'photo', url: 'https://a/1.jpg' }, { type: 'photo', url: 'https://a/2.jpg' }] });
    expect(last(feed(post({ item: 'video', link: 'https://video.xx.fbcdn.net/v.mp4', video_id: 930145411111111 }))).data)
      .toMatchObject({ attachments: [{ type: 'video', url: 'https://video.xx.fbcdn.net/v.mp4', networkId: '930145411111111' }] });
    // A decoration of an unexpected shape falls away; the post stays.
    expect(last(feed(post({ photos: [{ url: 'x' }] }))).data).not.toHaveProperty('attachments');
  });

  it('a share keeps its own activity and its link', () => {
    expect(last(feed(post({ item: 'share', share_id: 98735342324352, link: 'http://www.google.com/' }))).data)
      .toMatchObject({ activity: 'share', attachments: [{ type: 'link', url: 'http://www.google.com/' }] });
  });

  it('an edited post is the same post, edited, under a new key', () => {
    const edited = feed(post({ verb: 'edited', message: 'Hello Page (edited)' }));
    expect(last(edited).key).toMatch(new RegExp(`^post:${PAGE}_930145403745849/edit:[0-9a-f]{16}$`));
    expect(last(edited).data).toMatchObject({ networkId: `${PAGE}_930145403745849`, edited: true, text: 'Hello Page (edited)' });
  });

  it('a removed post is an erasure; hide, unhide, block, mute and unknown verbs or items give nothing', () => {
    expect(feed({ item: 'post', verb: 'remove', post_id: 'p_9', recipient_id: PAGE, created_time: 1448633038 })).toEqual([
      { key: 'post:p_9/removed', data: { kind: 'erasure', network: 'facebook', subject: { type: 'post', networkId: 'p_9' }, reason: 'deleted', occurredAt: '2015-11-27T14:03:58.000Z' } },
    ]);
    for (const verb of ['hide', 'unhide', 'block', 'unblock', 'mute', 'unmute', 'something-new']) expect(feed(post({ verb })), verb).toEqual([]);
    // An item not modelled needs none of the modelled items' ids.
    for (const item of ['album', 'event', 'milestone']) expect(feed({ item, verb: 'add' }), item).toEqual([]);
    expect(feed({ item: 'comment', verb: 'hide' })).toEqual([]);
  });

  it('reads the pre-2017 author fields, and falls back to the entry time', () => {
    const events = feed(post({ from: undefined, sender_id: 100001234567890, sender_name: 'Old Style', created_time: undefined }));
    expect(events[0]!.data).toMatchObject({ kind: 'identity', userId: '100001234567890', displayName: 'Old Style' });
    expect(last(events).data).toMatchObject({ author: { userId: '100001234567890' }, occurredAt: '2015-12-03T09:31:39.000Z' });
  });
});

describe('feed: reactions', () => {
  const reaction = (fields: Record<string, unknown> = {}) => ({ item: 'reaction', verb: 'add', post_id: POST, parent_id: POST, reaction_type: 'love', from: customer, created_time: 1475578854, ...fields });

  it('a reaction on a post, named after the post and the person', () => {
    expect(feed(reaction())).toEqual([
      { key: `reaction:${POST}:${customer.id}:add:2016-10-04T11:00:54.000Z/identity:${customer.id}`, data: expect.objectContaining({ kind: 'identity', userId: customer.id }) },
      { key: `reaction:${POST}:${customer.id}:add:2016-10-04T11:00:54.000Z`, data: {
        kind: 'interaction', network: 'facebook', networkId: `${POST}/reactions/${customer.id}`, activity: 'reaction', direction: 'inbound',
        author: customerRef, reaction: 'love', subject: { networkId: POST }, threadId: POST, occurredAt: '2016-10-04T11:00:54.000Z', context,
      } },
    ]);
  });

  it('a reaction with comment_id is on the comment; the legacy like item is a like', () => {
    expect(last(feed(reaction({ comment_id: 'c_1' }))).data).toMatchObject({ subject: { networkId: 'c_1' }, threadId: POST, reaction: 'love' });
    expect(last(feed({ item: 'like', verb: 'add', post_id: POST, from: customer, created_time: 1475578854 })).data).toMatchObject({ activity: 'reaction', reaction: 'like' });
    // A like without a post or comment is a like of the Page itself: not modelled.
    expect(feed({ item: 'like', verb: 'add', from: customer })).toEqual([]);
  });

  it('a changed reaction is an edit; a removed one a reaction erasure; added again later, a new key', () => {
    const changed = last(feed(reaction({ verb: 'edit', reaction_type: 'haha', created_time: 1475578900 })));
    expect(changed.data).toMatchObject({ reaction: 'haha', edited: true });
    const removed = feed(reaction({ verb: 'remove', created_time: 1475579000 }));
    expect(removed).toEqual([{ key: `reaction:${POST}:${customer.id}:remove:2016-10-04T11:03:20.000Z`, data: {
      kind: 'erasure', network: 'facebook', subject: { type: 'reaction', networkId: POST, userId: customer.id, reaction: 'love' }, reason: 'deleted', occurredAt: '2016-10-04T11:03:20.000Z',
    } }]);
    const again = last(feed(reaction({ created_time: 1475579100 })));
    expect(new Set([last(feed(reaction())).key, changed.key, removed[0]!.key, again.key]).size).toBe(4);
  });

  it('refuses a reaction on nothing', () => {
    expect(() => feed(reaction({ post_id: undefined }))).toThrow(/value\.post_id: a reaction needs post_id or comment_id/);
  });
});
