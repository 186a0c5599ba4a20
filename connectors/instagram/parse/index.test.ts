import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParsedEvent } from '../../../src/connectors/index.ts';
import { parseInstagramDelivery } from './index.ts';

const FIXTURES = new URL('../../../test/fixtures/', import.meta.url);
const fixture = (name: string): { entry: Array<Record<string, unknown>> } => JSON.parse(readFileSync(new URL(`instagram/${name}`, FIXTURES), 'utf8'));
const receivedAt = new Date('2026-03-01T12:00:00.000Z');
const parse = (body: unknown) => parseInstagramDelivery(body, { receivedAt }).map((event) => ParsedEvent.parse(event));
/** A test-notification fixture as a real account's delivery: the same body with a real `entry.id`. */
function asAccount(name: string, id = '17841400008460056') {
  const body = fixture(name);
  body.entry[0]!.id = id;
  return body;
}

describe('every instagram/ fixture', () => {
  const names = readdirSync(new URL('instagram/', FIXTURES)).sort();
  it('finds them', () => expect(names).toEqual(['courier-message-text.json', 'restfb-comments.json', 'restfb-mentions.json']));

  it('courier-message-text: a direct message to the account', () => {
    expect(parse(fixture('courier-message-text.json'))).toEqual([
      { key: 'message:external_id/identity:5678', data: { kind: 'identity', network: 'instagram', userId: '5678', key: 'instagram:5678', observedAt: '2016-04-07T01:11:27.970Z' } },
      { key: 'message:external_id', data: {
        kind: 'interaction', network: 'instagram', networkId: 'external_id', activity: 'message', direction: 'inbound',
        author: { key: 'instagram:5678', userId: '5678' }, recipient: { key: 'instagram:1234567890', userId: '1234567890' },
        text: 'Hello World', occurredAt: '2016-04-07T01:11:27.970Z', context: { account: { network: 'instagram', userId: '1234567890' } },
      } },
    ]);
  });

  it('restfb-comments and restfb-mentions are test notifications (entry.id "0"): accepted, and nothing is kept', () => {
    expect(fixture('restfb-comments.json').entry[0]!.id).toBe('0');
    expect(parse(fixture('restfb-comments.json'))).toEqual([]);
    expect(parse(fixture('restfb-mentions.json'))).toEqual([]);
  });

  it('restfb-comments from a real account: a reply by @testuser on the media', () => {
    const context = { account: { network: 'instagram', userId: '17841400008460056' } };
    expect(parse(asAccount('restfb-comments.json'))).toEqual([
      { key: 'comment:123456789/identity:1234536447', data: {
        kind: 'identity', network: 'instagram', userId: '1234536447', key: 'instagram:1234536447', handle: 'testuser',
        profileUrl: 'https://www.instagram.com/testuser/', observedAt: '2018-02-23T15:21:47.000Z',
      } },
      { key: 'comment:123456789', data: {
        kind: 'interaction', network: 'instagram', networkId: '123456789', activity: 'comment', direction: 'inbound',
        author: { key: 'instagram:1234536447', userId: '1234536447', handle: 'testuser' }, text: 'This is an example.',
        occurredAt: '2018-02-23T15:21:47.000Z', inReplyTo: { networkId: '987654321' }, threadId: '76543987', context,
      } },
    ]);
  });

  it('restfb-mentions from a real account: a mention without author or text', () => {
    expect(parse(asAccount('restfb-mentions.json'))).toEqual([{ key: 'mention:17887498072083520', data: {
      kind: 'interaction', network: 'instagram', networkId: '17887498072083520', activity: 'mention', direction: 'inbound',
      occurredAt: '2018-02-23T15:21:50.000Z', threadId: '17887498072083520', context: { account: { network: 'instagram', userId: '17841400008460056' } },
    } }]);
  });

  it('refuses a Page delivery sent to the instagram source', () => {
    expect(() => parse(JSON.parse(readFileSync(new URL('facebook/restfb-feed-status-add.json', FIXTURES), 'utf8')))).toThrow(/belongs on the facebook source/);
  });
});
