import { afterEach, describe, expect, it } from 'vitest';
import { startOracleCxSandbox, type RunningOracleCxSandbox } from './testing/server.ts';

// Creates, upserts, updates and deletes over HTTP (../shared/reference/oracle-cx.md §3, §6.1):
// statuses, links, ETags, If-Match, 405s and attribute validation.

let running: RunningOracleCxSandbox | undefined;
afterEach(async () => { await running?.close(); running = undefined; });
const start = async (config: Record<string, unknown> = {}) => (running = await startOracleCxSandbox(config));

const USER = { SocialNetworkCd: 'TWITTER', SocialNetworkUserId: '1001', SocialNetworkUserName: 'ann' };
const UPSERT = { 'upsert-mode': 'true' };

describe('the Oracle CX sandbox: creating and upserting social users', () => {
  it('creates with 201, the full item with self/canonical links carrying the changeIndicator, Location and ETag', async () => {
    const { root, call } = await start();
    const created = await call('POST', 'socialUsers', { body: USER });
    expect(created.status).toBe(201);
    const href = `${root}/socialUsers/300000000000001`;
    const changeIndicator = created.json.links[0].properties.changeIndicator;
    expect(created.json).toEqual({
      UserId: 300000000000001, ...USER, ImageURL: null, ProfileURL: null, FollowerCount: null,
      CreationDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), LastUpdateDate: expect.any(String),
      links: [
        { rel: 'self', href, name: 'socialUsers', kind: 'item', properties: { changeIndicator: expect.stringMatching(/^ACED0005[0-9A-F]+$/) } },
        { rel: 'canonical', href, name: 'socialUsers', kind: 'item' },
      ],
    });
    expect(created.headers.get('location')).toBe(href);
    expect(created.headers.get('etag')).toBe(`"${changeIndicator}"`);
    expect((await call('GET', 'socialUsers/300000000000001')).headers.get('etag')).toBe(`"${changeIndicator}"`);
  });

  it('refuses a plain duplicate of (SocialNetworkCd, SocialNetworkUserId) with 400', async () => {
    const { call } = await start();
    await call('POST', 'socialUsers', { body: USER });
    const duplicate = await call('POST', 'socialUsers', { body: { ...USER, SocialNetworkUserName: 'other' } });
    expect(duplicate.status).toBe(400);
    expect(duplicate.json['o:errorDetails'][0].detail).toBe('A row with SocialNetworkCd TWITTER and SocialNetworkUserId 1001 already exists in socialUsers.');
    expect((await call('POST', 'socialUsers', { body: { ...USER, SocialNetworkCd: 'FACEBOOK' } })).status).toBe(201);
  });

  it('with Upsert-Mode, updates the matching user (200) and creates a new one (201)', async () => {
    const { call } = await start();
    const first = await call('POST', 'socialUsers', { body: USER, headers: UPSERT });
    expect(first.status).toBe(201);
    const again = await call('POST', 'socialUsers', { body: { ...USER, SocialNetworkUserName: 'ann2', FollowerCount: 5 }, headers: UPSERT });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ UserId: first.json.UserId, SocialNetworkUserName: 'ann2', FollowerCount: 5 });
    expect(again.headers.get('etag')).not.toBe(first.headers.get('etag'));
    expect((await call('GET', 'socialUsers?onlyData=true')).json.count).toBe(1);
  });

  it('answers an upsert that updated with 201 when upsertUpdateStatus is 201', async () => {
    const { call } = await start({ upsertUpdateStatus: 201 });
    await call('POST', 'socialUsers', { body: USER, headers: UPSERT });
    expect((await call('POST', 'socialUsers', { body: USER, headers: UPSERT })).status).toBe(201);
  });
});

describe('the Oracle CX sandbox: methods, updates and deletes', () => {
  it('answers 405 to PATCH on socialPosts and DELETE on socialUsers, with Allow', async () => {
    const { call } = await start();
    const user = await call('POST', 'socialUsers', { body: USER });
    const post = await call('POST', 'socialPosts', { body: { SocialUserId: user.json.UserId, SourcePostIdPrimary: 'p1', PostContent: 'hi' } });
    const patch = await call('PATCH', `socialPosts/${String(post.json.PostId)}`, { body: { PostContent: 'edited' }, headers: { 'rest-framework-version': '1' } });
    expect([patch.status, patch.text, patch.headers.get('allow')]).toEqual([405, 'Invalid operation update for the specified resource.', 'GET, DELETE']);
    const remove = await call('DELETE', `socialUsers/${String(user.json.UserId)}`);
    expect([remove.status, remove.headers.get('allow')]).toEqual([405, 'GET, PATCH']);
    expect((await call('DELETE', `socialPosts/${String(post.json.PostId)}`)).status).toBe(204);
    expect((await call('GET', `socialPosts/${String(post.json.PostId)}`)).status).toBe(404);
  });

  it('PATCHes with 200 and the full item; a stale If-Match is 412 and changes nothing', async () => {
    const { call } = await start();
    const contact = await call('POST', 'contacts', { body: { FirstName: 'Ann', LastName: 'Lee', EmailAddress: 'ann@example.com' } });
    expect(contact.json.PartyNumber).toMatch(/^CDRM_\d+$/);
    const stale = contact.headers.get('etag')!;
    const patched = await call('PATCH', `contacts/${String(contact.json.PartyNumber)}`, { body: { LastName: 'Li' }, headers: { 'if-match': stale } });
    expect([patched.status, patched.json.LastName, patched.json.FirstName]).toEqual([200, 'Li', 'Ann']);
    const conflict = await call('PATCH', `contacts/${String(contact.json.PartyNumber)}`, { body: { LastName: 'Lo' }, headers: { 'if-match': stale } });
    expect(conflict.status).toBe(412);
    expect((await call('GET', `contacts/${String(contact.json.PartyNumber)}`)).json.LastName).toBe('Li');
    expect((await call('DELETE', `contacts/${String(contact.json.PartyNumber)}`, { headers: { 'if-match': patched.json.links[0].properties.changeIndicator } })).status).toBe(204);
  });

  it('fills PrimaryContactPartyName from the contact and refuses an unknown PrimaryContactPartyId', async () => {
    const { call } = await start();
    const contact = await call('POST', 'contacts', { body: { FirstName: 'Ann', LastName: 'Lee' } });
    const sr = await call('POST', 'serviceRequests', { body: { Title: 'Late order', PrimaryContactPartyId: contact.json.PartyId } });
    expect(sr.json).toMatchObject({ SrNumber: 'SR0000000001', PrimaryContactPartyName: 'Ann Lee', StatusCd: 'ORA_SVC_NEW', SeverityCd: 'ORA_SVC_SEV3' });
    expect((await call('POST', 'serviceRequests', { body: { Title: 'x', PrimaryContactPartyId: 1 } })).status).toBe(400);
  });
});

describe('the Oracle CX sandbox: attribute validation (400, naming the attribute)', () => {
  const cases: Array<[string, string, Record<string, unknown>, string, RegExp]> = [
    ['an unknown attribute', 'socialUsers', { ...USER, Nickname: 'x' }, '/Nickname', /not valid for the resource socialUsers/],
    ['a wrong type', 'socialUsers', { ...USER, FollowerCount: 'many' }, '/FollowerCount', /not a valid integer/],
    ['a value too long', 'socialUsers', { ...USER, SocialNetworkUserId: 'x'.repeat(201) }, '/SocialNetworkUserId', /too long: 201 characters, at most 200/],
    ['a bad LOV code', 'socialUsers', { ...USER, SocialNetworkCd: 'MYSPACE' }, '/SocialNetworkCd', /invalid value/],
    ['a missing mandatory attribute', 'socialUsers', { SocialNetworkCd: 'TWITTER' }, '/SocialNetworkUserId', /is required/],
    ['a read-only attribute', 'socialUsers', { ...USER, UserId: 5 }, '/UserId', /is read only/],
    ['a bad date-time', 'serviceRequests', { Title: 't', OpenDate: 'yesterday' }, '/OpenDate', /not a valid datetime/],
    ['a post by an unknown social user', 'socialPosts', { SocialUserId: 42, PostContent: 'x' }, '/SocialUserId', /No socialUsers row has UserId 42/],
  ];
  it.each(cases)('refuses %s', async (_name, resource, body, path, detail) => {
    const { call } = await start();
    const refused = await call('POST', resource, { body });
    expect(refused.status).toBe(400);
    expect(refused.json['o:errorDetails'][0]['o:errorPath']).toBe(path);
    expect(refused.json['o:errorDetails'][0].detail).toMatch(detail);
  });

  it('refuses a record a _faults rule names, as a pod validation would', async () => {
    const { call, faults } = await start();
    await faults({ rules: [{ object: 'contacts', field: 'LastName', equals: 'Blocked' }] });
    const refused = await call('POST', 'contacts', { body: { LastName: 'Blocked' } });
    expect([refused.status, refused.json['o:errorDetails'][0]]).toEqual([400, { detail: 'A validation rule of the pod refused this record.', 'o:errorCode': 'OKC-VALIDATION' }]);
    expect((await call('POST', 'contacts', { body: { LastName: 'Fine' } })).status).toBe(201);
  });

  it('refuses a body that is not JSON with 400, and a non-JSON media type with 415', async () => {
    const { call } = await start();
    expect((await call('POST', 'contacts', { body: '{"LastName":', headers: {} })).status).toBe(400);
    expect((await call('POST', 'contacts', { body: 'LastName=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
  });
});
