import { describe, expect, it } from 'vitest';
import { Identity } from '../../../src/connectors/index.ts';
import { XUser, toIdentity } from './user.ts';

const OBSERVED = '2026-03-01T12:00:00.000Z';

describe('toIdentity', () => {
  it('prefers id_str over a (rounded) numeric id', () => {
    const user = XUser.parse({ id: 1205290247124217900, id_str: '1205290247124217856', screen_name: 'a' });
    expect(toIdentity(user, OBSERVED)).toMatchObject({ userId: '1205290247124217856', key: 'x:1205290247124217856' });
  });

  it('accepts a string id without id_str, and refuses a numeric id alone', () => {
    expect(XUser.parse({ id: '42' }).userId).toBe('42');
    expect(XUser.safeParse({ id: 42 }).success).toBe(false);
  });

  it('leaves out null, empty and invalid details', () => {
    const identity = toIdentity(XUser.parse({
      id_str: '7', screen_name: '', name: null, location: '', description: null,
      profile_image_url_https: 'not a url', followers_count: -1, friends_count: 1.5, statuses_count: null,
      verified: null, created_at: 'sometime',
    }), OBSERVED);
    expect(identity).toEqual({ kind: 'identity', network: 'x', userId: '7', key: 'x:7', observedAt: OBSERVED });
    expect(Identity.parse(identity)).toEqual(identity);
  });

  it('reads created_timestamp when there is no created_at', () => {
    expect(toIdentity(XUser.parse({ id: '1', created_timestamp: '1422556069340' }), OBSERVED).createdAt).toBe('2015-01-29T18:27:49.340Z');
  });
});
