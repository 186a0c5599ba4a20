import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOracleCxSandbox, type RunningOracleCxSandbox } from './testing/server.ts';

// Collections (../shared/reference/oracle-cx.md §2): `q` by framework version, paging, fields,
// onlyData, totalResults, orderBy, finder.

let running: RunningOracleCxSandbox;
beforeEach(async () => {
  running = await startOracleCxSandbox({ maxLimit: 4 });
  for (let i = 1; i <= 6; i++) {
    await running.call('POST', 'contacts', { body: { FirstName: i % 2 ? 'Ann' : "O'Neil", LastName: `Lee${i}`, EmailAddress: `c${i}@example.com` } });
  }
});
afterEach(async () => { await running.close(); });

const V1 = { 'rest-framework-version': '1' };
const names = (answer: { json: { items: Array<{ LastName: string }> } }) => answer.json.items.map((c) => c.LastName);
const get = (path: string, headers: Record<string, string> = {}) => running.call('GET', path, { headers });
const q = (text: string) => `contacts?onlyData=true&q=${encodeURIComponent(text)}`;

describe('the Oracle CX sandbox: q by framework version', () => {
  it('takes query-by-example under version 1: A=v;B=w* with * as wildcard', async () => {
    expect(names(await get(q('FirstName=Ann;LastName=Lee*'), V1))).toEqual(['Lee1', 'Lee3', 'Lee5']);
    expect(names(await get(q('EmailAddress=c2@example.com'), V1))).toEqual(['Lee2']);
  });

  it('takes expressions from version 2: =, IN, LIKE, or, parentheses, quoted quotes, IS NULL', async () => {
    expect(names(await get(q("LastName IN ('Lee1','Lee4') or (FirstName = 'O''Neil' and LastName LIKE '%6')")))).toEqual(['Lee1', 'Lee4', 'Lee6']);
    expect(names(await get(q("EmailAddress <> 'c1@example.com' and LastName >= 'Lee5'"), { 'rest-framework-version': '2' }))).toEqual(['Lee5', 'Lee6']);
    expect((await get(q('FirstName IS NULL'))).json.count).toBe(0);
  });

  it('answers 400 for the wrong form for the version, and for an unknown attribute', async () => {
    const qbeUnderV4 = await get(q('FirstName=Ann;LastName=Lee1'));
    expect(qbeUnderV4.status).toBe(400);
    expect(qbeUnderV4.json['o:errorDetails'][0].detail).toMatch(/query-by-example/);
    expect((await get(q('FirstName=Ann'))).status).toBe(400);
    const expressionUnderV1 = await get(q("FirstName = 'Ann'"), V1);
    expect([expressionUnderV1.status, expressionUnderV1.text]).toEqual([400, expect.stringMatching(/REST-Framework-Version 2 or later/)]);
    expect((await get(q("Nickname = 'x'"))).status).toBe(400);
  });
});

describe('the Oracle CX sandbox: paging and shaping', () => {
  it('pages with limit/offset and hasMore, clamps limit to maxLimit, and counts totalResults only when asked', async () => {
    const first = await get('contacts?onlyData=true&limit=4&totalResults=true');
    expect(first.json).toMatchObject({ count: 4, hasMore: true, limit: 4, offset: 0, totalResults: 6 });
    const second = await get('contacts?onlyData=true&limit=4&offset=4');
    expect([names(second), second.json.hasMore, 'totalResults' in second.json]).toEqual([['Lee5', 'Lee6'], false, false]);
    expect((await get('contacts?limit=100')).json.limit).toBe(4);
    expect((await get('contacts?limit=lots')).status).toBe(400);
  });

  it('narrows attributes with fields, drops links with onlyData, and keeps links without it', async () => {
    const shaped = await get('contacts?fields=PartyNumber,LastName&onlyData=true&limit=1');
    expect(shaped.json).toEqual({ items: [{ PartyNumber: expect.stringMatching(/^CDRM_/), LastName: 'Lee1' }], count: 1, hasMore: true, limit: 1, offset: 0 });
    const linked = await get('contacts?fields=LastName&limit=1');
    expect(linked.json.items[0].links[0]).toMatchObject({ rel: 'self', kind: 'item', properties: { changeIndicator: expect.any(String) } });
    expect(linked.json.links).toEqual([{ rel: 'self', href: `${running.root}/contacts`, name: 'contacts', kind: 'collection' }]);
    expect((await get('contacts?fields=Nickname')).status).toBe(400);
  });

  it('orders with orderBy and finds by the PrimaryKey finder; another finder is 400', async () => {
    // The default limit (25) is clamped to maxLimit (4) too.
    expect(names(await get('contacts?onlyData=true&orderBy=FirstName:desc,LastName:asc'))).toEqual(['Lee2', 'Lee4', 'Lee6', 'Lee1']);
    expect(names(await get('contacts?onlyData=true&orderBy=LastName:desc&offset=3'))).toEqual(['Lee3', 'Lee2', 'Lee1']);
    const one = (await get('contacts?onlyData=true&limit=1')).json.items[0];
    expect(names(await get(`contacts?onlyData=true&finder=PrimaryKey;PartyNumber=${String(one.PartyNumber)}`))).toEqual(['Lee1']);
    expect((await get('contacts?finder=ContactByEmail;Email=x')).status).toBe(400);
  });
});
