import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import type { CanonicalData } from '../model/index.ts';
import type { NewMappingVersion } from './mapping-store.ts';
import type { NewEvent, NewOperation, Store } from './store.ts';

/** What the mapping-version cases borrow from the contract suite. */
export interface MappingCaseKit {
  fresh: () => Promise<{ store: Store }>;
  at: (ms: number) => Date;
  storeNewEvents: (store: Store, events: NewEvent[]) => Promise<void>;
  operation: (id: string, eventId: string, extra?: Partial<NewOperation>) => NewOperation;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A version of `mappingId` as the API saves it: YAML, by key `ops`. */
const edit = (mappingId: string, body: string, extra: Partial<NewMappingVersion> = {}): NewMappingVersion => ({
  mappingId, body, format: 'yaml', deleted: false, author: 'ops', origin: 'api', digest: sha256(body), ...extra,
});
const deletion = (mappingId: string): NewMappingVersion => ({ mappingId, format: 'yaml', deleted: true, author: 'ops', origin: 'api', digest: '' });

const post = (id: string): NewEvent => ({
  id, kind: 'interaction', key: `tweet:${id}`,
  data: { kind: 'interaction', network: 'x', networkId: id, activity: 'post', direction: 'inbound', author: { key: 'x:1', userId: '1' }, text: 'hi', occurredAt: '2026-11-01T00:00:00.000Z' } as CanonicalData,
});

/** The Store contract's cases about mapping versions (`Store.mappings`). Called inside `describeStoreContract`. */
export function mappingCases({ fresh, at, storeNewEvents, operation }: MappingCaseKit): void {
  it('numbers the versions of each mapping 1, 2, 3…, keeping the text as given, who and when', async () => {
    const { store } = await fresh();
    const first = await store.mappings.save(edit('sf-x-post', 'a: 1\n', { author: 'file:mappings/salesforce/x-post.yaml', origin: 'file' }), { now: at(0) });
    expect(first).toEqual({ conflict: false, version: {
      mappingId: 'sf-x-post', version: 1, body: 'a: 1\n', format: 'yaml', deleted: false, author: 'file:mappings/salesforce/x-post.yaml',
      origin: 'file', digest: sha256('a: 1\n'), createdAt: at(0).toISOString(),
    } });
    expect(await store.mappings.save(edit('sf-x-post', '{"a":2}', { format: 'json' }), { now: at(1) })).toMatchObject({ conflict: false, version: { version: 2, format: 'json' } });
    expect(await store.mappings.save(edit('hs-x-post', 'a: 1\n'), { now: at(2) })).toMatchObject({ conflict: false, version: { mappingId: 'hs-x-post', version: 1 } });
    expect(await store.mappings.get('sf-x-post', 1)).toEqual(first.conflict ? undefined : first.version);
    expect(await store.mappings.get('sf-x-post', 2)).toMatchObject({ body: '{"a":2}', author: 'ops', origin: 'api', createdAt: at(1).toISOString() });
    expect(await store.mappings.get('sf-x-post', 3)).toBeUndefined();
    expect(await store.mappings.get('nope', 1)).toBeUndefined();
  });

  it('saves with ifVersion only on top of exactly that version (0: none yet); otherwise answers the latest and stores nothing', async () => {
    const { store } = await fresh();
    expect(await store.mappings.save(edit('m', 'v: 1\n'), { now: at(0), ifVersion: 0 })).toMatchObject({ conflict: false, version: { version: 1 } });
    const stale = await store.mappings.save(edit('m', 'v: stale\n'), { now: at(1), ifVersion: 0 });
    expect(stale).toMatchObject({ conflict: true, latest: { mappingId: 'm', version: 1, body: 'v: 1\n' } });
    expect(await store.mappings.save(edit('m', 'v: 2\n'), { now: at(2), ifVersion: 1 })).toMatchObject({ conflict: false, version: { version: 2 } });
    expect(await store.mappings.save(edit('m', 'v: ahead\n'), { now: at(3), ifVersion: 5 })).toMatchObject({ conflict: true, latest: { version: 2 } });
    // An id with no version: the conflict has no latest to show.
    expect(await store.mappings.save(edit('other', 'v: 1\n'), { now: at(4), ifVersion: 1 })).toEqual({ conflict: true });
    expect((await store.mappings.versions('m', { limit: 10 })).items.map((v) => v.body)).toEqual(['v: 2\n', 'v: 1\n']);
    expect((await store.mappings.latest()).map((v) => v.mappingId)).toEqual(['m']);
  });

  it('lets exactly one of two concurrent saves with the same ifVersion win; saves without it all append', async () => {
    const { store } = await fresh();
    const first = await Promise.all([store.mappings.save(edit('m', 'a: 1\n'), { now: at(0), ifVersion: 0 }), store.mappings.save(edit('m', 'b: 1\n'), { now: at(0), ifVersion: 0 })]);
    expect(first.filter((r) => r.conflict)).toHaveLength(1);
    const second = await Promise.all([store.mappings.save(edit('m', 'a: 2\n'), { now: at(1), ifVersion: 1 }), store.mappings.save(edit('m', 'b: 2\n'), { now: at(1), ifVersion: 1 })]);
    expect(second.filter((r) => r.conflict)).toHaveLength(1);
    const winner = second.find((r) => !r.conflict)!;
    expect(second.find((r) => r.conflict)).toEqual({ conflict: true, latest: winner.conflict ? undefined : winner.version });
    const free = await Promise.all(['c', 'd', 'e', 'f'].map((x) => store.mappings.save(edit('m', `${x}: 3\n`), { now: at(2) })));
    expect(free.map((r) => (r.conflict ? 0 : r.version.version)).sort((a, b) => a - b)).toEqual([3, 4, 5, 6]);
    expect((await store.mappings.versions('m', { limit: 10 })).items.map((v) => v.version)).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it('answers the latest version of every mapping, by id, a deleted one as its tombstone', async () => {
    const { store } = await fresh();
    await store.mappings.save(edit('b', 'v: 1\n'), { now: at(0) });
    await store.mappings.save(edit('a', 'v: 1\n'), { now: at(1) });
    await store.mappings.save(edit('a', 'v: 2\n'), { now: at(2) });
    await store.mappings.save(deletion('b'), { now: at(3), ifVersion: 1 });
    const latest = await store.mappings.latest();
    expect(latest.map((v) => [v.mappingId, v.version, v.deleted])).toEqual([['a', 2, false], ['b', 2, true]]);
    expect(latest[1]).toEqual({ mappingId: 'b', version: 2, format: 'yaml', deleted: true, author: 'ops', origin: 'api', digest: '', createdAt: at(3).toISOString() });
    // A save after the deletion brings it back, numbered on.
    expect(await store.mappings.save(edit('b', 'v: 3\n'), { now: at(4), ifVersion: 2 })).toMatchObject({ conflict: false, version: { version: 3, deleted: false } });
  });

  it('lists one mapping\'s versions newest first, a page at a time', async () => {
    const { store } = await fresh();
    for (let i = 1; i <= 5; i++) await store.mappings.save(edit('m', `v: ${i}\n`), { now: at(i) });
    await store.mappings.save(edit('other', 'v: 1\n'), { now: at(9) });
    const first = await store.mappings.versions('m', { limit: 2 });
    expect(first.items.map((v) => v.version)).toEqual([5, 4]);
    const second = await store.mappings.versions('m', { limit: 2, after: first.next! });
    expect(second.items.map((v) => v.version)).toEqual([3, 2]);
    const last = await store.mappings.versions('m', { limit: 2, after: second.next! });
    expect(last).toEqual({ items: [expect.objectContaining({ version: 1, body: 'v: 1\n' })], next: null });
    expect(await store.mappings.versions('nope', { limit: 2 })).toEqual({ items: [], next: null });
  });

  it('has a change mark that grows with every save, whichever mapping, and not with a conflict', async () => {
    const { store } = await fresh();
    const marks = [await store.mappings.changeMark()];
    await store.mappings.save(edit('a', 'v: 1\n'), { now: at(0) });
    marks.push(await store.mappings.changeMark());
    await store.mappings.save(edit('b', 'v: 1\n'), { now: at(1) });
    marks.push(await store.mappings.changeMark());
    await store.mappings.save(deletion('a'), { now: at(2) });
    marks.push(await store.mappings.changeMark());
    for (let i = 1; i < marks.length; i++) expect(marks[i]).toBeGreaterThan(marks[i - 1]!);
    await store.mappings.save(edit('a', 'v: 9\n'), { now: at(3), ifVersion: 1 });
    expect(await store.mappings.changeMark()).toBe(marks.at(-1));
  });

  it('keeps the mapping version that made each operation', async () => {
    const { store } = await fresh();
    await storeNewEvents(store, [post('e1')]);
    await store.commitPlan([{ eventId: 'e1', operations: [
      operation('o1', 'e1', { references: [], mappingVersion: 3 }),
      operation('o2', 'e1', { references: [], recordKey: 'o2', mappingId: 'erasure' }),
    ], problems: [] }], { now: at(0) });
    const listed = new Map((await store.listOperations({ limit: 10 })).items.map((o) => [o.id, o]));
    expect(listed.get('o1')!.mappingVersion).toBe(3);
    expect(listed.get('o2')).not.toHaveProperty('mappingVersion');
    const claimed = await store.claimOperations('salesforce', { owner: 'd', now: at(1), leaseMs: 60_000, limit: 10 });
    expect(claimed.find((o) => o.id === 'o1')).toMatchObject({ mappingVersion: 3 });
  });
}
