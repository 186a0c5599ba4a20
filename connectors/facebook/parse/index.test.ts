import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParsedEvent } from '../../../src/connectors/index.ts';
import { parseFacebookDelivery } from './index.ts';

const FIXTURES = new URL('../../../test/fixtures/', import.meta.url);
const fixture = (path: string): unknown => JSON.parse(readFileSync(new URL(path, FIXTURES), 'utf8'));
const receivedAt = new Date('2026-03-01T12:00:00.000Z');
const parse = (body: unknown) => parseFacebookDelivery(body, { receivedAt }).map((event) => ParsedEvent.parse(event));

// restfb anonymised its samples with the Page's own id as the author: every feed fixture is the
// Page's own activity, so outbound and without an identity.
const PAGE = '1234567890321';
const pageRef = { key: `facebook:${PAGE}`, userId: PAGE };
const pageContext = { account: { network: 'facebook', userId: PAGE }, page: PAGE };

describe('every facebook/ and messenger/ fixture', () => {
  const names = [...readdirSync(new URL('facebook/', FIXTURES)).map((n) => `facebook/${n}`), ...readdirSync(new URL('messenger/', FIXTURES)).map((n) => `messenger/${n}`)].sort();

  it('finds them', () => expect(names).toHaveLength(9));

  it.each(names)('%s parses into model events with unique keys', (name) => {
    const events = parse(fixture(name));
    expect(new Set(events.map((event) => event.key)).size).toBe(events.length);
  });
});

describe('facebook/ fixtures, field by field', () => {
  it('restfb-feed-status-add: the Page posts a status', () => {
    expect(parse(fixture('facebook/restfb-feed-status-add.json'))).toEqual([{ key: `post:${PAGE}_930145403745849`, data: {
      kind: 'interaction', network: 'facebook', networkId: `${PAGE}_930145403745849`, activity: 'post', direction: 'outbound',
      author: pageRef, text: 'This is just a short test message', occurredAt: '2015-11-27T14:03:58.000Z', context: pageContext,
    } }]);
  });

  it('restfb-feed-share-add: a shared link, kept as a link attachment', () => {
    expect(parse(fixture('facebook/restfb-feed-share-add.json'))).toEqual([{ key: `post:${PAGE}_98735342324352`, data: {
      kind: 'interaction', network: 'facebook', networkId: `${PAGE}_98735342324352`, activity: 'share', direction: 'outbound',
      author: pageRef, text: 'Ein Link zu was ganz anderem: www.daserste.de', occurredAt: '2016-04-08T10:37:23.000Z',
      attachments: [{ type: 'link', url: 'http://www.google.com/' }], context: pageContext,
    } }]);
  });

  it('restfb-feed-comment-add: a top-level comment answers the post, in its thread', () => {
    expect(parse(fixture('facebook/restfb-feed-comment-add.json'))).toEqual([{ key: 'comment:901097836652708_903438993085259', data: {
      kind: 'interaction', network: 'facebook', networkId: '901097836652708_903438993085259', activity: 'comment', direction: 'outbound',
      author: pageRef, text: 'and the next one', occurredAt: '2015-12-03T09:30:03.000Z',
      inReplyTo: { networkId: `${PAGE}_901097836652708` }, threadId: `${PAGE}_901097836652708`, context: pageContext,
    } }]);
  });

  it('restfb-feed-comment-remove: an erasure of the comment, at the entry time (the value has none)', () => {
    expect(parse(fixture('facebook/restfb-feed-comment-remove.json'))).toEqual([{ key: 'comment:905578656204626_905579239537901/removed', data: {
      kind: 'erasure', network: 'facebook', subject: { type: 'post', networkId: '905578656204626_905579239537901', userId: PAGE },
      reason: 'deleted', occurredAt: '2016-01-06T19:06:22.000Z',
    } }]);
  });

  it('restfb-feed-reaction-add: a love on the post (no comment_id), at its own created_time', () => {
    const POST = `${PAGE}_98735342324352`;
    expect(parse(fixture('facebook/restfb-feed-reaction-add.json'))).toEqual([{ key: `reaction:${POST}:${PAGE}:add:2016-10-04T11:00:54.000Z`, data: {
      kind: 'interaction', network: 'facebook', networkId: `${POST}/reactions/${PAGE}`, activity: 'reaction', direction: 'outbound',
      author: pageRef, reaction: 'love', subject: { networkId: POST }, threadId: POST, occurredAt: '2016-10-04T11:00:54.000Z', context: pageContext,
    } }]);
  });
});

describe('messenger/ fixtures, field by field', () => {
  it('rapidpro-message-text: a customer writes "hi" to the Page', () => {
    const mid = 'ld5jgfQP8TLBX9FFc3AETshZgE6Zn5UjpY3vY00t3A_YYC2AYDM3quxaodTiHj7nK6lI_ds4WFUJlTmM2l5xoA';
    expect(parse(fixture('messenger/rapidpro-message-text.json'))).toEqual([
      { key: `message:${mid}/identity:2150393045080607`, data: { kind: 'identity', network: 'messenger', userId: '2150393045080607', key: 'messenger:2150393045080607', observedAt: '2019-05-29T03:59:23.925Z' } },
      { key: `message:${mid}`, data: {
        kind: 'interaction', network: 'messenger', networkId: mid, activity: 'message', direction: 'inbound',
        author: { key: 'messenger:2150393045080607', userId: '2150393045080607' }, recipient: { key: 'messenger:311494332880244', userId: '311494332880244' },
        text: 'hi', occurredAt: '2019-05-29T03:59:23.925Z',
        context: { account: { network: 'messenger', userId: '311494332880244' }, page: '311494332880244' },
      } },
    ]);
  });

  it('restfb-message-escaped-unicode-nlp: the text only (nlp is not kept); the anonymised recipient gets no identity', () => {
    const events = parse(fixture('messenger/restfb-message-escaped-unicode-nlp.json'));
    expect(events.map((event) => event.key)).toEqual(['message:OJNsdcNtKglZvaa3FlPKYy67x9QLy11Ivvc/identity:987654321432', 'message:OJNsdcNtKglZvaa3FlPKYy67x9QLy11Ivvc']);
    expect(events[1]!.data).toEqual({
      kind: 'interaction', network: 'messenger', networkId: 'OJNsdcNtKglZvaa3FlPKYy67x9QLy11Ivvc', activity: 'message', direction: 'inbound',
      author: { key: 'messenger:987654321432', userId: '987654321432' }, recipient: { key: 'messenger:12345654332', userId: '12345654332' },
      text: 'Can we meet in Los Angeles?', occurredAt: '2019-01-08T23:26:35.572Z',
      context: { account: { network: 'messenger', userId: '349489628480201' }, page: '349489628480201' },
    });
  });

  it('courier-postback: a button tap with its title and payload', () => {
    expect(parse(fixture('messenger/courier-postback.json'))).toEqual([
      { key: 'postback:5678/postbacks/2016-04-07T01:11:27.970Z/identity:5678', data: { kind: 'identity', network: 'messenger', userId: '5678', key: 'messenger:5678', observedAt: '2016-04-07T01:11:27.970Z' } },
      { key: 'postback:5678/postbacks/2016-04-07T01:11:27.970Z', data: {
        kind: 'interaction', network: 'messenger', networkId: '5678/postbacks/2016-04-07T01:11:27.970Z', activity: 'postback', direction: 'inbound',
        author: { key: 'messenger:5678', userId: '5678' }, recipient: { key: 'messenger:1234567890', userId: '1234567890' },
        title: 'postback title', text: 'postback payload', occurredAt: '2016-04-07T01:11:27.970Z',
        context: { account: { network: 'messenger', userId: '1234567890' }, page: '1234567890' },
      } },
    ]);
  });

  it('restfb-read: a read receipt (numeric ids) gives nothing', () => {
    expect(parse(fixture('messenger/restfb-read.json'))).toEqual([]);
  });
});

describe('a mixed Page delivery', () => {
  it('reads feed, mention and Messenger items side by side, skipping fields it does not model', () => {
    const body = {
      object: 'page',
      entry: [
        { id: '1', time: 1449135003, changes: [
          { field: 'feed', value: { item: 'status', verb: 'add', post_id: '1_2', from: { id: '7' }, created_time: 1449135003 } },
          { field: 'ratings', value: { review_text: 'x' } },
          { field: 'mention', value: { item: 'post', verb: 'add', post_id: '8_9' } },
        ] },
        { id: '1', time: 1459991487970, messaging: [{ sender: { id: '7' }, recipient: { id: '1' }, timestamp: 1459991487970, message: { mid: 'm.1', text: 'hi' } }] },
      ],
    };
    expect(parse(body).filter((event) => event.data.kind === 'interaction').map((event) => event.key)).toEqual(['post:1_2', 'mention:8_9', 'message:m.1']);
  });

  it('refuses an Instagram delivery sent to the facebook source', () => {
    expect(() => parse(fixture('instagram/courier-message-text.json'))).toThrow(/belongs on the instagram source/);
  });
});
