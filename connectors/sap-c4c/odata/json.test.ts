import { describe, expect, it } from 'vitest';
import { collectionBody, entityBody, errorBody, fromGuid, fromODataDate, readCollection, readEntity, readError, toGuid, toODataDate, weakEtag } from './json.ts';

describe('OData v2 JSON', () => {
  it('writes and reads /Date(ms)/, including the wire form with escaped slashes and an offset', () => {
    expect(toODataDate(1490902810849)).toBe('/Date(1490902810849)/');
    expect(toODataDate(new Date(0))).toBe('/Date(0)/');
    expect(fromODataDate(JSON.parse('"\\/Date(1490902810849)\\/"'))).toBe(1490902810849);
    expect(fromODataDate('/Date(1490902810849+0060)/')).toBe(1490902810849);
    expect(fromODataDate('2017-03-30T19:40:10Z')).toBeUndefined();
  });

  it('reads both single-entity envelopes and a collection with a string __count and __next', () => {
    expect(readEntity({ d: { results: { ObjectID: 'A' } } })).toEqual({ ObjectID: 'A' });
    expect(readEntity({ d: { ObjectID: 'B' } })).toEqual({ ObjectID: 'B' });
    expect(readEntity(entityBody({ ObjectID: 'C' }))).toEqual({ ObjectID: 'C' });
    expect(readEntity({ value: [] })).toBeUndefined();
    const body = JSON.parse(JSON.stringify(collectionBody([{ ID: '1' }], { count: 39080, next: 'x?$skiptoken=1001' })));
    expect(body.d.__count).toBe('39080');
    expect(readCollection(body)).toEqual({ results: [{ ID: '1' }], count: 39080, next: 'x?$skiptoken=1001' });
    expect(readCollection({ d: { results: {} } })).toBeUndefined();
  });

  it('writes and reads the error body (light-odata error.json shape)', () => {
    expect(errorBody("Property 'Foo' is invalid")).toEqual({ error: { code: '', message: { lang: 'en', value: "Property 'Foo' is invalid" } } });
    expect(readError({ error: { code: '', message: { lang: 'en', value: 'x' } } })).toEqual({ code: '', message: 'x' });
    expect(readError({ error: 'x' })).toBeUndefined();
    // light-odata tests/resources/responses/error.json, a real C4C answer: empty code, the user's language.
    expect(readError(JSON.parse('{"error":{"code":"","message":{"lang":"zh","value":"Ungültigen Token an Position 24 gefunden"}}}'))).toEqual({ code: '', message: 'Ungültigen Token an Position 24 gefunden' });
  });

  it('forms weak ETags and converts ObjectID and GUID', () => {
    expect(weakEtag(Date.UTC(2017, 2, 30, 19, 40, 10, 849))).toBe(`W/"datetimeoffset'2017-03-30T19%3A40%3A10.8490000Z'"`);
    expect(toGuid('00163E03A0701ED28A8644CF8D83AE76')).toBe('00163E03-A070-1ED2-8A86-44CF8D83AE76');
    expect(fromGuid('00163e03-a070-1ed2-8a86-44cf8d83ae76')).toBe('00163E03A0701ED28A8644CF8D83AE76');
  });
});
