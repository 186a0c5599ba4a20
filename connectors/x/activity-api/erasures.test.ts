import { describe, expect, it } from 'vitest';
import { isPayloadError } from '../../../src/connectors/index.ts';
import { parseXDelivery } from '../delivery.ts';
import { sample, RECEIVED, parse, BRAND } from './testing/samples.ts';


describe('post.delete', () => {
  // Built from its description: payload {id, author_id}; includes.users wrapped as {"data": {user}}.
  const deletion = {
    data: {
      event_uuid: '-2781149976877970683', filter: { user_id: BRAND }, event_type: 'post.delete', tag: 'post-deletes',
      payload: { id: '2080761269309813134', author_id: BRAND },
      includes: { users: [{ data: { id: BRAND, username: 'ExampleUser' } }] },
    },
  };

  it('is a post erasure keyed like the Account Activity tweet_delete_events item, with no identities', () => {
    expect(parse(deletion)).toEqual([{
      key: 'tweet-delete:2080761269309813134',
      data: { kind: 'erasure', network: 'x', subject: { type: 'post', networkId: '2080761269309813134', userId: BRAND }, reason: 'deleted', occurredAt: RECEIVED.toISOString() },
    }]);
    const aaa = parseXDelivery({ tweet_delete_events: [{ status: { id: '2080761269309813134', user_id: BRAND }, timestamp_ms: '1784927000000' }] }, { receivedAt: RECEIVED });
    expect(aaa.map((event) => event.key)).toEqual(['tweet-delete:2080761269309813134']);
  });

  it('refuses a delete without the post id', () => {
    let error: unknown;
    try { parse({ data: { ...deletion.data, payload: { author_id: BRAND } } }); } catch (caught) { error = caught; }
    expect(isPayloadError(error) && error.path).toBe('data.payload.id');
  });
});

describe('oauth.revoke', () => {
  it('the sample (filter {}): an authorization erasure keyed like the Account Activity user_event.revoke', () => {
    expect(parse(sample('oauth.revoke.json'))).toEqual([{
      key: `revoke:${BRAND}:2026-07-23T21:44:05+00:00`,
      data: { kind: 'erasure', network: 'x', subject: { type: 'authorization', userId: BRAND, appId: '29820954' }, reason: 'revoked', occurredAt: '2026-07-23T21:44:05.000Z' },
    }]);
    const aaa = parseXDelivery({ user_event: { revoke: { date_time: '2026-07-23T21:44:05+00:00', target: { app_id: '29820954' }, source: { user_id: BRAND } } } }, { receivedAt: RECEIVED });
    expect(aaa.map((event) => event.key)).toEqual([`revoke:${BRAND}:2026-07-23T21:44:05+00:00`]);
  });
});
