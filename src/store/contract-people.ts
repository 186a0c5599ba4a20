import { expect, it } from 'vitest';
import type { CanonicalData } from '../model/index.ts';
import type { IdentityObservation, PeopleStore } from './people-store.ts';
import type { NewEvent, NewOperation, Store } from './store.ts';

/** What the people cases borrow from the contract suite. */
export interface PeopleCaseKit {
  fresh: () => Promise<{ store: Store }>;
  at: (ms: number) => Date;
  /** Stores these events, derived from one delivery. */
  storeNewEvents: (store: Store, events: NewEvent[]) => Promise<void>;
  operation: (id: string, eventId: string, extra?: Partial<NewOperation>) => NewOperation;
}

const seen = (key: string, extra: Partial<IdentityObservation> = {}): IdentityObservation => ({
  key, network: key.split(':')[0]!, userId: key.split(':')[1]!, observedAt: '2026-11-01T00:00:00.000Z', eventId: `ev-${key}`, ...extra,
});
const post = (id: string, author: string): NewEvent => ({
  id, kind: 'interaction', key: `post:${id}`,
  data: { kind: 'interaction', network: 'x', networkId: id, activity: 'post', direction: 'inbound', author: { key: author, userId: author.split(':')[1]! }, text: 'hi', occurredAt: '2026-11-02T00:00:00.000Z' } as CanonicalData,
});
const personOf = async (people: PeopleStore, key: string) => (await people.getIdentity(key))!.personId;

/** The Store contract's cases about people (`Store.people`). Called inside `describeStoreContract`. */
export function peopleCases({ fresh, at, storeNewEvents, operation }: PeopleCaseKit): void {
  it('gives every identity seen a person of its own; a newer profile wins, an older one only moves lastSeen; an author fills a missing handle', async () => {
    const { store } = await fresh();
    const p = store.people;
    const changed = await p.observe([
      seen('x:1', { handle: 'Ada', displayName: 'Ada Lovelace', email: 'Ada@Example.com', emailVerified: true, observedAt: '2026-11-02T00:00:00.000Z' }),
      seen('x:1', { handle: 'old', observedAt: '2026-11-01T00:00:00.000Z', eventId: 'ev-old' }),
      { key: 'facebook:9', network: 'facebook', userId: '9', handle: 'ada.l', observedAt: '2026-11-03T00:00:00.000Z' },
    ], { now: at(0) });
    expect(changed.sort()).toEqual(['facebook:9', 'x:1']);
    const ada = (await p.getIdentity('x:1'))!;
    expect(ada).toMatchObject({ handle: 'Ada', displayName: 'Ada Lovelace', email: 'Ada@Example.com', emailVerified: true, eventId: 'ev-x:1', lastSeen: '2026-11-02T00:00:00.000Z', firstSeen: '2026-11-01T00:00:00.000Z' });
    expect((await p.getIdentity('facebook:9'))!.personId).not.toBe(ada.personId);
    expect(await p.identitiesOf(ada.personId)).toEqual(['x:1']);
    expect((await p.getPerson(ada.personId))!.primaryKey).toBe('x:1');
    // Seeing the same again changes nothing the rules need to look at.
    expect(await p.observe([{ key: 'facebook:9', network: 'facebook', userId: '9', handle: 'other', observedAt: '2026-11-04T00:00:00.000Z' }], { now: at(1) })).toEqual([]);
    expect(await p.getPerson('nope')).toBeUndefined();
    // Read from an event an erasure removed since: ignored, the person does not come back.
    expect(await p.observe([seen('x:gone', { seenIn: 'an-erased-event' })], { now: at(2) })).toEqual([]);
    expect(await p.getIdentity('x:gone')).toBeUndefined();
  });

  it('finds identities by handle, name or e-mail, case-insensitive and contained, page by page', async () => {
    const { store } = await fresh();
    await store.people.observe([
      seen('x:1', { handle: 'AdaL', displayName: 'Ada Lovelace' }), seen('x:2', { handle: 'bob', email: 'ada@example.com' }),
      seen('x:3', { handle: 'carol_x' }), seen('x:4', { handle: 'carolx' }),
    ], { now: at(0) });
    const keys = async (q: string | undefined, limit = 10, after?: string) => (await store.people.search({ ...(q !== undefined ? { q } : {}), limit, ...(after ? { after } : {}) }));
    expect((await keys('@ada')).items.map((i) => i.key)).toEqual(['x:1', 'x:2']);
    expect((await keys('LOVE')).items.map((i) => i.key)).toEqual(['x:1']);
    // `_` is a character, not a wildcard.
    expect((await keys('carol_')).items.map((i) => i.key)).toEqual(['x:3']);
    const first = await keys(undefined, 3);
    expect(first.items.map((i) => i.key)).toEqual(['x:1', 'x:2', 'x:3']);
    expect((await keys(undefined, 3, first.next!)).items.map((i) => i.key)).toEqual(['x:4']);
  });

  it('indexes events in store order from its cursor; merges on a link (the older person survives), keeps a review, never undoes a rejection', async () => {
    const { store } = await fresh();
    const p = store.people;
    await storeNewEvents(store, [post('e1', 'x:1'), post('e2', 'x:2')]);
    const page = await p.readIndexable(10);
    expect(page.events.map((e) => e.id)).toEqual(['e1', 'e2']);
    await p.observe([seen('x:1', { email: 'a@example.com', displayName: 'Ada', location: 'London' }), seen('facebook:9', { email: 'A@example.com' }), seen('linkedin:5', { displayName: 'ada', location: 'london' })], { now: at(0) });
    const found = await p.candidates(['x:1']);
    expect(found[0]!.candidates.map((c) => c.key).sort()).toEqual(['facebook:9', 'linkedin:5']);
    const older = await personOf(p, 'x:1');
    await p.commitIndex({ cursor: page.cursor!, now: at(1), proposals: [
      { identityKey: 'facebook:9', otherKey: 'x:1', evidence: [{ kind: 'verified-email' }], confidence: 0.95, decision: 'link' },
      { identityKey: 'x:1', otherKey: 'linkedin:5', evidence: [{ kind: 'name-and-location' }], confidence: 0.5, decision: 'review' },
    ] });
    expect((await p.readIndexable(10)).events).toEqual([]);
    expect(await personOf(p, 'facebook:9')).toBe(older);
    expect(await p.identitiesOf(older)).toEqual(['x:1', 'facebook:9']);
    expect((await p.primaries(['facebook:9', 'nope'])).map((r) => [r.key, r.primaryKey])).toEqual([['facebook:9', 'x:1']]);
    expect((await p.readParentChanges(10)).map((c) => [c.identityKey, c.eventId])).toEqual([['facebook:9', 'ev-facebook:9']]);
    const reviews = await p.listLinks({ limit: 10 });
    expect(reviews.items).toEqual([expect.objectContaining({ identityKey: 'linkedin:5', otherKey: 'x:1', state: 'review', confidence: 0.5, evidence: [{ kind: 'name-and-location' }] })]);
    const person = (await p.getPerson(older))!;
    expect(person.links.map((l) => [l.identityKey, l.otherKey, l.state, l.decidedBy])).toEqual([['facebook:9', 'x:1', 'linked', 'parley'], ['linkedin:5', 'x:1', 'review', undefined]]);
    // Rejected once, the pair is not proposed into a link again.
    expect((await p.decideLink(reviews.items[0]!.id, { approve: false, decidedBy: 'ops', now: at(2) }))).toMatchObject({ state: 'rejected', decidedBy: 'ops' });
    await p.commitIndex({ now: at(3), proposals: [{ identityKey: 'linkedin:5', otherKey: 'x:1', evidence: [{ kind: 'verified-email' }], confidence: 0.95, decision: 'link' }] });
    expect(await personOf(p, 'linkedin:5')).not.toBe(older);
  });

  it('links by decision, approves a review, and unmerges: the identity leaves for a person of its own and is not linked back', async () => {
    const { store } = await fresh();
    const p = store.people;
    await p.observe([seen('x:1'), seen('facebook:9'), seen('linkedin:5')], { now: at(0) });
    const a = await personOf(p, 'x:1');
    expect(await p.link('nope', 'x:1', { decidedBy: 'ops', now: at(1) })).toEqual({ refused: 'no-person' });
    expect(await p.link(a, 'x:404', { decidedBy: 'ops', now: at(1) })).toEqual({ refused: 'no-identity' });
    const linked = await p.link(a, 'facebook:9', { decidedBy: 'ops', now: at(1) });
    expect('refused' in linked ? linked : linked.identities.map((i) => i.key)).toEqual(['x:1', 'facebook:9']);
    await p.commitIndex({ now: at(2), proposals: [{ identityKey: 'linkedin:5', otherKey: 'facebook:9', evidence: [{ kind: 'cross-link' }], confidence: 0.4, decision: 'review' }] });
    const [review] = (await p.listLinks({ limit: 10 })).items;
    expect(await p.decideLink(review!.id, { approve: true, decidedBy: 'ops', now: at(3) })).toMatchObject({ state: 'linked', decidedBy: 'ops' });
    expect(await p.identitiesOf(a)).toEqual(['x:1', 'facebook:9', 'linkedin:5']);
    await p.commitParentChanges({ throughSeq: Number.MAX_SAFE_INTEGER, operations: [], now: at(4) });

    expect(await p.unlink(a, 'x:404', { decidedBy: 'ops', now: at(5) })).toEqual({ refused: 'no-identity' });
    // The primary leaves: the oldest left becomes primary, and every member's parent moves.
    const out = await p.unlink(a, 'x:1', { decidedBy: 'ops', now: at(5) });
    if ('refused' in out) throw new Error(out.refused);
    expect(out.person.primaryKey).toBe('facebook:9');
    expect(await p.identitiesOf(out.newPersonId)).toEqual(['x:1']);
    expect((await p.readParentChanges(10)).map((c) => c.identityKey)).toEqual(['x:1', 'facebook:9', 'linkedin:5']);
    expect(out.person.links.filter((l) => l.identityKey === 'x:1' || l.otherKey === 'x:1').map((l) => l.state)).toEqual(['rejected', 'rejected']);
    expect(await p.unlink(a, 'x:1', { decidedBy: 'ops', now: at(6) })).toEqual({ refused: 'not-a-member' });
    expect(await p.unlink(out.newPersonId, 'x:1', { decidedBy: 'ops', now: at(6) })).toEqual({ refused: 'only-identity' });
    await p.commitIndex({ now: at(7), proposals: [{ identityKey: 'x:1', otherKey: 'facebook:9', evidence: [{ kind: 'verified-email' }], confidence: 0.95, decision: 'link' }] });
    expect(await personOf(p, 'x:1')).toBe(out.newPersonId);
  });

  it('queues parent updates through the outbox and forgets the changes; shows an identity\'s CRM records and interactions; forgets identities', async () => {
    const { store } = await fresh();
    const p = store.people;
    await storeNewEvents(store, [post('e1', 'x:1'), post('e2', 'x:2'), post('e3', 'x:1')]);
    await p.observe([seen('x:1'), seen('x:2')], { now: at(0) });
    await p.link(await personOf(p, 'x:1'), 'x:2', { decidedBy: 'ops', now: at(0) });
    const [change] = await p.readParentChanges(10);
    await p.commitParentChanges({ throughSeq: change!.seq, operations: [operation('reparent-1', 'e2', { object: 'SocialPersona', operation: 'update', recordKey: 'x:2', orderingKey: 'salesforce:x:2' })], now: at(1) });
    expect(await p.readParentChanges(10)).toEqual([]);
    const [claimed] = await store.claimOperations('salesforce', { owner: 'a', now: at(2), leaseMs: 1000, limit: 10 });
    expect(claimed).toMatchObject({ id: 'reparent-1', operation: 'update', recordKey: 'x:2' });
    await store.recordOutcomes([{ id: 'reparent-1', outcome: 'done', crmId: '0SP2' }], { owner: 'a', now: at(3) });
    expect(await p.records(['x:1', 'x:2'], { destinations: ['salesforce', 'sap'], limit: 10 })).toEqual([
      { destination: 'salesforce', object: 'SocialPersona', recordKey: 'x:2', crmId: '0SP2', syncedAt: at(3).toISOString(), identityKey: 'x:2' },
    ]);
    expect((await p.recentInteractions(['x:1'], 10)).map((e) => e.id)).toEqual(['e3', 'e1']);

    const person = await personOf(p, 'x:1');
    expect(await p.forget(['x:1', 'x:404'], { now: at(4) })).toBe(1);
    expect(await p.getIdentity('x:1')).toBeUndefined();
    expect((await p.getPerson(person))!.primaryKey).toBe('x:2');
    expect((await p.getPerson(person))!.links).toEqual([]);
    expect(await p.forget(['x:2'], { now: at(5) })).toBe(1);
    expect(await p.getPerson(person)).toBeUndefined();
    expect((await p.search({ limit: 10 })).items).toEqual([]);
  });
}
