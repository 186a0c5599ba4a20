import { describe, expect, it } from 'vitest';
import type { Erasure, Interaction } from '../../src/connectors/index.ts';
import { activityEvents, contentDigest, directionOf, personRef, toIdentity } from './activity.ts';

const occurredAt = '2016-04-07T01:11:27.970Z';
const interaction: Interaction = { kind: 'interaction', network: 'facebook', networkId: 'p_1', activity: 'post', direction: 'inbound', occurredAt };
const customer = { network: 'facebook', userId: '42', displayName: 'A Customer' };
const page = { network: 'facebook', userId: '1234567890321', displayName: 'The Page' };

describe('activityEvents', () => {
  it('gives one identity per distinct person, never the brand, before the activity', () => {
    expect(activityEvents('post:p_1', interaction, [customer, page, customer, undefined], page.userId)).toEqual([
      { key: 'post:p_1/identity:42', data: { kind: 'identity', network: 'facebook', userId: '42', key: 'facebook:42', displayName: 'A Customer', observedAt: occurredAt } },
      { key: 'post:p_1', data: interaction },
    ]);
  });

  it('gives an erasure no identity: a deletion is no profile update', () => {
    const erasure: Erasure = { kind: 'erasure', network: 'facebook', subject: { type: 'post', networkId: 'p_1', userId: '42' }, reason: 'deleted', occurredAt };
    expect(activityEvents('post:p_1/removed', erasure, [customer], page.userId)).toEqual([{ key: 'post:p_1/removed', data: erasure }]);
  });
});

describe('people and direction', () => {
  it('references a person by network:userId, with the handle when there is one', () => {
    expect(personRef({ network: 'instagram', userId: '1234536447', handle: 'testuser' })).toEqual({ key: 'instagram:1234536447', userId: '1234536447', handle: 'testuser' });
    expect(toIdentity({ network: 'messenger', userId: '5678' }, occurredAt)).toEqual({ kind: 'identity', network: 'messenger', userId: '5678', key: 'messenger:5678', observedAt: occurredAt });
  });

  it('is outbound only when the brand did it', () => {
    expect(directionOf('1', '1')).toBe('outbound');
    expect(directionOf('2', '1')).toBe('inbound');
    expect(directionOf(undefined, '1')).toBe('inbound');
  });
});

describe('contentDigest', () => {
  it('is stable for the same content and differs for different content', () => {
    expect(contentDigest('2016-04-07T01:11:27.970Z', 'text')).toBe(contentDigest('2016-04-07T01:11:27.970Z', 'text'));
    expect(contentDigest('a', 'b')).not.toBe(contentDigest('ab', ''));
    expect(contentDigest(undefined, 'x')).toMatch(/^[0-9a-f]{16}$/);
  });
});
