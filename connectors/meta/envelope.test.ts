import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isPayloadError, type ParsedEvent } from '../../src/connectors/index.ts';
import { itemReader, parseMetaDelivery, type DeliveryShape, type EntryScope } from './envelope.ts';
import { ObjectId } from './ids.ts';

const receivedAt = new Date('2026-03-01T12:00:00.000Z');

/** A test event recording what the reader saw: the item's id and the entry's scope. */
function seen(kind: string) {
  return (item: { id: string }, scope: EntryScope): ParsedEvent[] => [{
    key: `${kind}:${item.id}`,
    data: { kind: 'identity', network: 'facebook', userId: item.id, key: `facebook:${item.id}`, displayName: `${scope.brand} ${scope.entryTime ?? '-'}`, observedAt: receivedAt.toISOString() },
  }];
}
const Item = z.object({ id: ObjectId });
const SHAPE: DeliveryShape = {
  object: 'page',
  changes: new Map([['thing', itemReader(Item, seen('thing'))]]),
  messaging: itemReader(Item, seen('msg')),
};
const parse = (body: unknown) => parseMetaDelivery(body, { receivedAt }, SHAPE);
const keys = (body: unknown) => parse(body).map((event) => event.key);

function payloadErrorOf(fn: () => unknown): { message: string; path: string | undefined } {
  try {
    fn();
  } catch (error) {
    if (isPayloadError(error)) return error;
    throw error;
  }
  throw new Error('expected a PayloadError');
}

describe('parseMetaDelivery: the envelope', () => {
  it('reads many entries, many changes per entry, and messaging and standby items, in order', () => {
    expect(keys({
      object: 'page',
      entry: [
        { id: '1', time: 1449135003, changes: [{ field: 'thing', value: { id: 'a' } }, { field: 'thing', value: { id: 'b' } }] },
        { id: '2', time: 1459991487970, messaging: [{ id: 'm1' }], standby: [{ id: 'm2' }] },
      ],
    })).toEqual(['thing:a', 'thing:b', 'msg:m1', 'msg:m2']);
  });

  it('gives each reader the entry (a numeric id as a string) and its time in seconds or milliseconds', () => {
    const names = parse({ object: 'page', entry: [
      { id: 1234567890321, time: 1449135003, changes: [{ field: 'thing', value: { id: 'a' } }] },
      { id: '9', time: 1459991487970, messaging: [{ id: 'b' }] },
      { id: '8', messaging: [{ id: 'c' }] },
    ] }).map((event) => event.data.kind === 'identity' ? event.data.displayName : undefined);
    expect(names).toEqual(['1234567890321 2015-12-03T09:30:03.000Z', '9 2016-04-07T01:11:27.970Z', '8 -']);
  });

  it('gives nothing for an empty batch', () => {
    expect(parse({ object: 'page', entry: [] })).toEqual([]);
    expect(parse({ object: 'page', entry: [{ id: '1' }] })).toEqual([]);
  });

  it('skips a field it does not model, with or without a value, and keeps the rest of the batch', () => {
    expect(keys({ object: 'page', entry: [{ id: '1', changes: [
      { field: 'ratings', value: { anything: true } }, { field: 'leadgen' }, { field: '__proto__', value: {} }, { field: 'constructor', value: 1 },
      { field: 'thing', value: { id: 'kept' } },
    ] }] })).toEqual(['thing:kept']);
  });

  it("skips Meta's test notifications (entry id \"0\") and entries whose id is a docs placeholder", () => {
    expect(keys({ object: 'page', entry: [
      { id: '0', changes: [{ field: 'thing', value: { id: 'test' } }] },
      { id: '<PAGE_ID>', messaging: [{ id: 'placeholder' }] },
      { id: '5', changes: [{ field: 'thing', value: { id: 'real' } }] },
    ] })).toEqual(['thing:real']);
  });

  it('gives the events of an item delivered twice in one batch once', () => {
    expect(keys({ object: 'page', entry: [
      { id: '1', changes: [{ field: 'thing', value: { id: 'a' } }], messaging: [{ id: 'm' }], standby: [{ id: 'm' }] },
      { id: '1', changes: [{ field: 'thing', value: { id: 'a' } }] },
    ] })).toEqual(['thing:a', 'msg:m']);
  });

  it('works with ids that are JavaScript object keys', () => {
    expect(keys({ object: 'page', entry: [{ id: '__proto__', changes: [{ field: 'thing', value: { id: 'constructor' } }], messaging: [{ id: '__proto__' }] }] }))
      .toEqual(['thing:constructor', 'msg:__proto__']);
  });
});

describe('parseMetaDelivery: refusals', () => {
  it('refuses what is not a Meta envelope', () => {
    for (const body of [null, [], 'page', { object: 'page' }, { entry: [] }, { object: 'page', entry: {} }]) {
      expect(payloadErrorOf(() => parse(body)).message, JSON.stringify(body)).toMatch(/"object" and an "entry" array/);
    }
  });

  it('refuses another object, naming the source it belongs on, or saying it is not modelled', () => {
    expect(payloadErrorOf(() => parse({ object: 'instagram', entry: [] }))).toMatchObject({ path: 'object', message: expect.stringMatching(/belongs on the instagram source/) });
    for (const object of ['user', 'permissions', '__proto__', 'constructor']) {
      expect(payloadErrorOf(() => parse({ object, entry: [] })).message, object).toMatch(/is not modelled/);
    }
    const instagram: DeliveryShape = { ...SHAPE, object: 'instagram' };
    expect(payloadErrorOf(() => parseMetaDelivery({ object: 'page', entry: [] }, { receivedAt }, instagram)).message).toMatch(/belongs on the facebook source/);
  });

  it('fails the batch on a malformed item of a known kind, counting every one and naming the first', () => {
    const error = payloadErrorOf(() => parse({ object: 'page', entry: [
      { id: '1', changes: [{ field: 'thing', value: { id: 'fine' } }] },
      { id: '2', changes: [{ field: 'ratings', value: 7 }, { field: 'thing', value: { id: '' } }] },
      { id: '3', messaging: [{ nope: true }] },
    ] }));
    expect(error.path).toBe('entry[1].changes[1].value.id');
    expect(error.message).toMatch(/^2 malformed items in the Meta delivery; the first at entry\[1\]\.changes\[1\]\.value\.id: /);
  });

  it('names a malformed entry or change', () => {
    expect(payloadErrorOf(() => parse({ object: 'page', entry: [{ time: 1 }] })).path).toBe('entry[0].id');
    expect(payloadErrorOf(() => parse({ object: 'page', entry: [{ id: '1', changes: [{ value: {} }] }] })).path).toBe('entry[0].changes[0].field');
    expect(payloadErrorOf(() => parse({ object: 'page', entry: [{ id: '1', messaging: {} }] })).path).toBe('entry[0].messaging');
    expect(payloadErrorOf(() => parse({ object: 'page', entry: [{ id: JSON.parse('17841400008460056123') as number, changes: [] }] })).message).toMatch(/one malformed item.*entry\[0\]\.id: .*2\^53/);
  });
});
