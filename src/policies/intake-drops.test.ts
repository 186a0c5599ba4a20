import { describe, expect, it } from 'vitest';
import type { CanonicalData } from '../model/index.ts';
import { anonymiseEvent } from './anonymise.ts';
import { compileIntakeDrops } from './intake-drops.ts';
import { PoliciesConfig } from './policy-schema.ts';

const profile = { kind: 'identity', network: 'x', userId: '1', key: 'x:1', handle: 'ann', location: 'Berlin', bio: 'hi', observedAt: '2026-11-01T00:00:00.000Z' } as CanonicalData;
const mention = {
  kind: 'interaction', network: 'x', networkId: '9', activity: 'mention', direction: 'inbound', occurredAt: '2026-11-01T00:00:00.000Z', text: '@brand hi',
  author: { key: 'x:1', userId: '1', handle: 'ann', followers: 3 }, mentions: [{ key: 'x:2', userId: '2', handle: 'brand' }, { key: 'x:3', userId: '3' }],
  attachments: [{ type: 'photo', url: 'https://example.com/a.jpg' }],
} as CanonicalData;

describe('intake drops', () => {
  const drop = compileIntakeDrops(PoliciesConfig.parse({ intake: [
    { source: 'x', kind: 'identity', drop: ['location', 'bio'] },
    { source: '*', kind: 'interaction', drop: ['attachments', 'mentions.handle'] },
  ] }).intake)!;

  it('drops the paths of every rule matching the source and kind, items of lists included', () => {
    expect(drop('x', profile)).toEqual({ kind: 'identity', network: 'x', userId: '1', key: 'x:1', handle: 'ann', observedAt: '2026-11-01T00:00:00.000Z' });
    expect(drop('facebook', mention)).toEqual({ ...mention, attachments: undefined, mentions: [{ key: 'x:2', userId: '2' }, { key: 'x:3', userId: '3' }] } satisfies Record<string, unknown>);
    expect(drop('facebook', mention)).not.toHaveProperty('attachments');
  });

  it('leaves other sources and kinds, and the event given, as they are', () => {
    expect(drop('facebook', profile)).toBe(profile);
    expect(profile).toHaveProperty('location', 'Berlin');
    expect(compileIntakeDrops([])).toBeUndefined();
  });
});

describe('anonymising an event', () => {
  it('removes what says who a person is or what they said, and keeps the keys', () => {
    expect(anonymiseEvent(profile)).toEqual({ kind: 'identity', network: 'x', userId: '1', key: 'x:1', observedAt: '2026-11-01T00:00:00.000Z' });
    expect(anonymiseEvent(mention)).toEqual({
      kind: 'interaction', network: 'x', networkId: '9', activity: 'mention', direction: 'inbound', occurredAt: '2026-11-01T00:00:00.000Z',
      author: { key: 'x:1', userId: '1', followers: 3 }, mentions: [{ key: 'x:2', userId: '2' }, { key: 'x:3', userId: '3' }],
    });
    expect(anonymiseEvent(anonymiseEvent(mention))).toEqual(anonymiseEvent(mention));
  });
});
