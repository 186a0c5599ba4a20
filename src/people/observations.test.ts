import { describe, expect, it } from 'vitest';
import type { CanonicalData, StoredEvent } from '../model/index.ts';
import { mentionedHandles, observationsOf } from './observations.ts';

const stored = (data: Record<string, unknown>, id = 'e1'): StoredEvent => ({ id, source: 'x', kind: data.kind as StoredEvent['kind'], key: id, deliveryId: 'd1', receivedAt: '2026-11-01T00:00:00.000Z', data: data as CanonicalData });

describe('what the people index keeps of an event', () => {
  it('an identity event: the full profile, its e-mail and whether the source vouches for it, and the handles it names', () => {
    const event = stored({
      kind: 'identity', network: 'x', userId: '1', key: 'x:1', handle: 'AdaL', displayName: 'Ada', email: 'ada@example.com', emailVerified: true, location: 'London',
      profileUrl: 'https://x.com/AdaL', bio: 'Maths. Also instagram.com/ada.lovelace and @AdaOnLinkedIn; write to ada@example.com', observedAt: '2026-11-01T00:00:00.000Z',
    });
    expect(observationsOf(event)).toEqual([{
      key: 'x:1', network: 'x', userId: '1', eventId: 'e1', observedAt: '2026-11-01T00:00:00.000Z', handle: 'AdaL', displayName: 'Ada',
      email: 'ada@example.com', emailVerified: true, location: 'London', profileUrl: 'https://x.com/AdaL', mentions: ['ada.lovelace', 'adaonlinkedin'],
    }]);
  });

  it('a partial profile (only what changed) cannot replace one: it counts as seen, with its handle', () => {
    const event = stored({ kind: 'identity', network: 'x', userId: '1', key: 'x:1', handle: 'new', partial: true, observedAt: '2026-11-02T00:00:00.000Z' });
    expect(observationsOf(event)).toEqual([{ key: 'x:1', network: 'x', userId: '1', handle: 'new', observedAt: '2026-11-02T00:00:00.000Z' }]);
  });

  it('an inbound interaction: its author; the brand\'s own (outbound) and erasures: nothing', () => {
    const post = (direction: string) => stored({ kind: 'interaction', network: 'x', networkId: '9', activity: 'post', direction, author: { key: 'x:2', userId: '2', handle: 'bob' }, occurredAt: '2026-11-03T00:00:00.000Z' });
    expect(observationsOf(post('inbound'))).toEqual([{ key: 'x:2', network: 'x', userId: '2', handle: 'bob', observedAt: '2026-11-03T00:00:00.000Z' }]);
    expect(observationsOf(post('outbound'))).toEqual([]);
    expect(observationsOf(stored({ kind: 'erasure', network: 'x', subject: { type: 'post', networkId: '9' }, occurredAt: '2026-11-03T00:00:00.000Z' }))).toEqual([]);
  });

  it('names handles from profile addresses and @mentions, not its own, not e-mail addresses, not network pages', () => {
    expect(mentionedHandles(['see linkedin.com/in/ada-l, facebook.com/profile.php and www.facebook.com/AdaPage.', 'mail me: a@b.com, or @Ada', undefined], 'ada')).toEqual(['ada-l', 'adapage']);
  });
});
