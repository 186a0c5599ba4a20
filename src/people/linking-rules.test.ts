import { describe, expect, it } from 'vitest';
import type { StoredIdentity } from '../store/people-store.ts';
import { AUTO_LINK_AT, confidenceOf, evidenceBetween, proposeLinks } from './linking-rules.ts';

const identity = (key: string, extra: Partial<StoredIdentity> = {}): StoredIdentity => ({
  key, network: key.split(':')[0]!, userId: key.split(':')[1]!, emailVerified: false, mentions: [], personId: `p-${key}`,
  firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-01T00:00:00.000Z', ...extra,
});

// One scenario table: two identities, the evidence between them, and what the rules decide.
const cases: Array<{ name: string; a: Partial<StoredIdentity>; b: Partial<StoredIdentity>; evidence: string[]; decision?: 'link' | 'review' }> = [
  { name: 'the same verified e-mail (case and spaces aside) links at once', a: { email: 'Ada@Example.com', emailVerified: true }, b: { email: ' ada@example.com', emailVerified: true }, evidence: ['verified-email'], decision: 'link' },
  { name: 'the same e-mail, one side not verified, waits for review', a: { email: 'ada@example.com', emailVerified: true }, b: { email: 'ada@example.com' }, evidence: ['email'], decision: 'review' },
  { name: 'same display name and location waits for review', a: { displayName: 'Ada  Lovelace', location: 'London' }, b: { displayName: 'ada lovelace', location: 'london' }, evidence: ['name-and-location'], decision: 'review' },
  { name: 'the same name in another place is nothing', a: { displayName: 'Ada', location: 'London' }, b: { displayName: 'Ada', location: 'Paris' }, evidence: [] },
  { name: 'a cross-link (one profile names the other\'s handle) waits for review', a: { mentions: ['ada.l'] }, b: { handle: 'Ada.L' }, evidence: ['cross-link'], decision: 'review' },
  { name: 'all the weak evidence together still waits for review', a: { email: 'a@x.io', displayName: 'Ada', location: 'London', mentions: ['ada.l'] }, b: { email: 'a@x.io', displayName: 'Ada', location: 'London', handle: 'ada.l' }, evidence: ['email', 'name-and-location', 'cross-link'], decision: 'review' },
];

describe('linking rules', () => {
  for (const c of cases) {
    it(c.name, () => {
      const a = identity('x:1', c.a), b = identity('facebook:9', c.b);
      expect(evidenceBetween(a, b).map((e) => e.kind)).toEqual(c.evidence);
      expect(evidenceBetween(b, a).map((e) => e.kind)).toEqual(c.evidence);
      expect(proposeLinks(a, [b]).map((p) => p.decision)).toEqual(c.decision ? [c.decision] : []);
    });
  }

  it('combines evidence as independent: 1 − Π(1 − c); only a verified e-mail reaches the automatic threshold', () => {
    expect(confidenceOf([{ kind: 'verified-email' }])).toBe(0.95);
    expect(confidenceOf([{ kind: 'email' }, { kind: 'name-and-location' }, { kind: 'cross-link' }])).toBe(0.88);
    expect(confidenceOf([{ kind: 'email' }, { kind: 'name-and-location' }, { kind: 'cross-link' }])).toBeLessThan(AUTO_LINK_AT);
    expect(confidenceOf([])).toBe(0);
  });

  it('proposes nothing for identities of one person already, and no cross-link within one network', () => {
    expect(proposeLinks(identity('x:1', { email: 'a@x.io', emailVerified: true }), [identity('x:2', { email: 'a@x.io', emailVerified: true, personId: 'p-x:1' })])).toEqual([]);
    expect(evidenceBetween(identity('x:1', { mentions: ['bob'] }), identity('x:2', { handle: 'bob' }))).toEqual([]);
    expect(proposeLinks(identity('x:1', { email: 'a@x.io', emailVerified: true }), [identity('facebook:9', { email: 'a@x.io', emailVerified: true })])).toEqual([
      { identityKey: 'x:1', otherKey: 'facebook:9', evidence: [{ kind: 'verified-email' }], confidence: 0.95, decision: 'link' },
    ]);
  });
});
