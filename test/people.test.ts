import jsforce from 'jsforce';
import { createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, postX, signX, startParley, tweetDelivery, type TestParley } from './helpers/parley.ts';
import { until } from './helpers/wait.ts';

// One person across networks, end to end: Standard Webhooks deliveries (whose authors carry an
// e-mail, verified or not) and X deliveries into Parley, the people index linking identities, and
// the Salesforce sandbox showing a persona's ParentId follow its person, and move back on an unmerge.

const secret = 'whsec_' + randomBytes(24).toString('base64');
let p: TestParley;
let conn: InstanceType<typeof jsforce.Connection>;

/** A Standard Webhooks `post.created` by `author` on `network` (signed as the spec says: HMAC-SHA256 over `id.timestamp.body`). */
async function postBy(network: string, author: Record<string, unknown>, postId: string) {
  const body = Buffer.from(JSON.stringify({
    type: 'post.created', timestamp: '2026-11-20T10:00:00.000Z',
    data: { id: postId, network, text: `hello from ${postId}`, createdAt: '2026-11-20T10:00:00.000Z', author },
  }));
  const id = `msg_${postId}`, timestamp = String(Math.floor(Date.now() / 1000));
  const signature = 'v1,' + createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64')).update(`${id}.${timestamp}.`).update(body).digest('base64');
  const response = await fetch(`${p.base}/webhooks/standard`, {
    method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature },
  });
  expect(response.status).toBe(200);
}

const call = (path: string, init: RequestInit & { json?: unknown } = {}) => api(p.base, path, p.adminKey, {
  ...init, ...(init.json !== undefined ? { body: JSON.stringify(init.json), headers: { 'content-type': 'application/json' } } : {}),
});
const personOf = (key: string) => until(`identity ${key} indexed`, async () => (await call(`/v1/identities/${key}`)).json?.personId as string | undefined);
const record = async (object: string, where: string) => (await conn.query<Record<string, string>>(`SELECT Id, ParentId FROM ${object} WHERE ${where}`)).records[0];
/** Waits until `check` holds for the persona with this ExternalId, and answers its ParentId. */
const parentOf = (externalId: string, what: string, check: (parentId: string | undefined) => boolean) => until(what, async () => {
  const persona = await record('SocialPersona', `ExternalId = '${externalId}'`);
  return persona && check(persona.ParentId) ? persona.ParentId : undefined;
}, 30_000);
const postId = (externalPostId: string) => until(`post ${externalPostId} written`, async () => (await record('SocialPost', `ExternalPostId = '${externalPostId}'`))?.Id, 30_000);

beforeAll(async () => {
  p = await startParley({
    extra: { mappingsDir: join(process.cwd(), 'mappings'), outbox: { lingerMs: 20, retryStepsMs: [200, 400] } },
    sources: { standard: { connector: 'standard', secret } },
    sandboxes: { salesforce: {} },
    destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret', retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 } } },
  });
  const base = `${p.base}/sandbox/salesforce`;
  conn = new jsforce.Connection({ version: '62.0', loginUrl: base, oauth2: { loginUrl: base, clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } });
  await conn.login('demo@parley.local', 'demo');
});
afterAll(async () => { await p?.stop(); });

describe('one person across networks', () => {
  it('links two identities with the same verified e-mail automatically: the second persona is parented where the first is; an unmerge moves it back', async () => {
    const ada = { id: 'ada-fb', handle: 'ada.fb', name: 'Ada Lovelace', email: 'Ada@Example.com', emailVerified: true };
    await postBy('facebook', ada, 'fb-post-1');
    const adaPost = await postId('fb-post-1');
    const adaParent = await parentOf('ada-fb', 'Ada\'s persona parented to her first post', (id) => id === adaPost);
    const person = await personOf('facebook:ada-fb');

    await postBy('linkedin', { id: 'ada-li', handle: 'ada-li', name: 'A. Lovelace', email: 'ada@example.com', emailVerified: true }, 'li-post-1');
    const ownPost = await postId('li-post-1');
    expect(await personOf('linkedin:ada-li')).toBe(person);
    // Linked: the LinkedIn persona's parent is the Facebook persona's.
    expect(await parentOf('ada-li', 'the linked persona parented where the person\'s is', (id) => id === adaParent)).toBe(adaParent);

    const view = await call(`/v1/persons/${person}`);
    expect(view.status).toBe(200);
    expect(view.json).toMatchObject({ id: person, primaryIdentity: 'facebook:ada-fb' });
    expect(view.json.identities.map((i: { key: string; primary: boolean }) => [i.key, i.primary])).toEqual([['facebook:ada-fb', true], ['linkedin:ada-li', false]]);
    expect(view.json.links).toEqual([expect.objectContaining({ identityKey: 'facebook:ada-fb', otherKey: 'linkedin:ada-li', state: 'linked', decidedBy: 'parley', confidence: 0.95, evidence: [{ kind: 'verified-email' }] })]);
    expect(view.json.interactions.map((i: { networkId: string }) => i.networkId).sort()).toEqual(['fb-post-1', 'li-post-1']);
    expect(view.json.records).toEqual(expect.arrayContaining([
      expect.objectContaining({ destination: 'salesforce', object: 'SocialPost', recordKey: 'fb-post-1', crmId: adaPost, identityKey: 'facebook:ada-fb', url: `${p.base}/sandbox/salesforce/${adaPost}` }),
      expect.objectContaining({ destination: 'salesforce', object: 'SocialPersona', recordKey: 'linkedin:ada-li', identityKey: 'linkedin:ada-li' }),
    ]));
    expect(view.json.lastSyncAt).toEqual(expect.any(String));

    // Unmerge: the LinkedIn identity is a person of its own again, its persona parented to its own first post.
    const out = await call(`/v1/persons/${person}/links/linkedin:ada-li`, { method: 'DELETE' });
    expect(out.status).toBe(200);
    expect(out.json.identities.map((i: { key: string }) => i.key)).toEqual(['facebook:ada-fb']);
    expect(out.json.unlinked).toEqual({ identityKey: 'linkedin:ada-li', personId: expect.any(String) });
    expect(await parentOf('ada-li', 'the unmerged persona parented back to its own post', (id) => id === ownPost)).toBe(ownPost);
    expect(await parentOf('ada-fb', 'the primary\'s persona unchanged', (id) => id === adaParent)).toBe(adaParent);
    // Rejected by a person: a later delivery with the same evidence does not link them again.
    await postBy('linkedin', { id: 'ada-li', handle: 'ada-li', name: 'A. Lovelace', email: 'ada@example.com', emailVerified: true }, 'li-post-2');
    await postId('li-post-2');
    expect(await personOf('linkedin:ada-li')).toBe(out.json.unlinked.personId);
  }, 90_000);

  it('keeps a weak match (same name and location) for review; approving it links them', async () => {
    const grace = { id: 'grace-fb', handle: 'grace.fb', name: 'Grace Hopper', location: 'Arlington, VA' };
    await postBy('facebook', grace, 'fb-post-g1');
    await postBy('instagram', { id: 'grace-ig', handle: 'gracehopper', name: 'grace hopper', location: 'arlington,  va', email: 'g@example.com' }, 'ig-post-g1');
    const review = await until('a review entry', async () => (await call('/v1/identity-links')).json.items.find((l: { otherKey: string }) => l.otherKey === 'instagram:grace-ig'));
    expect(review).toMatchObject({ identityKey: 'facebook:grace-fb', state: 'review', confidence: 0.5, evidence: [{ kind: 'name-and-location' }] });
    expect(await personOf('instagram:grace-ig')).not.toBe(await personOf('facebook:grace-fb'));

    const approved = await call(`/v1/identity-links/${review.id}/approve`, { method: 'POST' });
    expect(approved.json).toMatchObject({ id: review.id, state: 'linked', decidedBy: 'admin' });
    expect(await personOf('instagram:grace-ig')).toBe(await personOf('facebook:grace-fb'));
    expect((await call('/v1/identity-links')).json.items.some((l: { id: string }) => l.id === review.id)).toBe(false);
  });

  it('links by decision and finds identities by handle, name or e-mail (every identity seen has a person)', async () => {
    const tweet = tweetDelivery(1, '777');
    expect((await postX(p.base, tweet, { 'x-twitter-webhooks-signature': signX(p.secret, tweet) })).status).toBe(200);
    const found = await until('the X author found by handle', async () => (await call('/v1/identities?q=%40USER777')).json.items.find((i: { key: string }) => i.key === 'x:777'));
    expect(found).toEqual({ key: 'x:777', network: 'x', userId: '777', handle: 'user777', displayName: 'User 777', personId: expect.any(String), firstSeen: expect.any(String), lastSeen: expect.any(String) });
    expect((await call('/v1/identities?q=example.COM')).json.items.map((i: { key: string }) => i.key)).toEqual(expect.arrayContaining(['facebook:ada-fb', 'linkedin:ada-li']));

    const grace = await personOf('facebook:grace-fb');
    const linked = await call(`/v1/persons/${grace}/links`, { method: 'POST', json: { identity: 'x:777' } });
    expect(linked.status).toBe(200);
    expect(linked.json.identities.map((i: { key: string }) => i.key)).toContain('x:777');
    expect(linked.json.links).toEqual(expect.arrayContaining([expect.objectContaining({ identityKey: 'facebook:grace-fb', otherKey: 'x:777', state: 'linked', decidedBy: 'admin', evidence: [{ kind: 'decision' }] })]));
  });

  it('answers unknown persons, identities and links with 404, a bad request with 400, and the last identity with 409', async () => {
    const expectError = async (response: Promise<{ status: number; json: Record<string, any> }>, status: number, code: string) => {
      const r = await response;
      expect([r.status, r.json.error?.code]).toEqual([status, code]);
      return r.json.error;
    };
    expect(await expectError(call('/v1/persons/nope'), 404, 'PARLEY_API_PERSON_NOT_FOUND')).toMatchObject({ details: { id: 'nope' } });
    await expectError(call('/v1/identities/x:404'), 404, 'PARLEY_API_IDENTITY_NOT_FOUND');
    await expectError(call('/v1/identity-links/nope/approve', { method: 'POST' }), 404, 'PARLEY_API_IDENTITY_LINK_NOT_FOUND');
    const ada = await personOf('facebook:ada-fb');
    await expectError(call(`/v1/persons/${ada}/links`, { method: 'POST', json: { identity: 'x:404' } }), 404, 'PARLEY_API_IDENTITY_NOT_FOUND');
    await expectError(call(`/v1/persons/${ada}/links`, { method: 'POST', json: { identity: 'not a key' } }), 400, 'PARLEY_API_INVALID_REQUEST');
    await expectError(call(`/v1/persons/${ada}/links`, { method: 'POST', json: {} }), 400, 'PARLEY_API_INVALID_REQUEST');
    await expectError(call(`/v1/persons/${ada}/links/x:777`, { method: 'DELETE' }), 404, 'PARLEY_API_PERSON_LINK_NOT_FOUND');
    await expectError(call(`/v1/persons/${ada}/links/facebook:ada-fb`, { method: 'DELETE' }), 409, 'PARLEY_API_PERSON_LAST_IDENTITY');
    await expectError(call('/v1/identity-links?state=maybe'), 400, 'PARLEY_API_INVALID_REQUEST');
  });
});
