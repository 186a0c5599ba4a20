import { OData, type FetchProxy } from '@odata/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSapC4cSandbox, type RunningSapC4cSandbox } from '../connectors/sap-c4c/sandbox/testing/server.ts';

// A published OData v2 client, @odata/client 2.21.10 (light-odata, written against C4C), drives the
// sandbox unchanged: what it accepts here, a C4C client accepts. Configured only as its users do: the
// service URL, Basic credentials, the `c4c` variant (CSRF token fetch and one retry on `Required`), and
// a fetch that keeps cookies, since C4C binds the CSRF token to the session cookie (reference §1).

/**
 * The library's `fetchProxy` option with a cookie jar. Its own Node setup (`@odata/client/lib/polyfill`:
 * `fetch-cookie` around `node-fetch`) throws with the fetch-cookie 3 it installs, so the same thing is
 * given through the documented option: fetch, keep `Set-Cookie`, parse a JSON body as its default proxy does.
 */
function cookieFetch(): FetchProxy {
  const jar = new Map<string, string>();
  const proxy = async (url: string, init: { method?: string; headers?: Record<string, string>; body?: string }) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers });
    for (const cookie of response.headers.getSetCookie()) {
      const pair = cookie.split(';')[0]!;
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    const text = await response.text();
    const json = response.headers.get('content-type')?.startsWith('application/json');
    return { content: json ? JSON.parse(text) as unknown : text, response };
  };
  return proxy as unknown as FetchProxy;
}

type Activity = { ObjectID: string; ID: string; SocialMediaMessageID: string; Text: string; ParentSocialMediaActivityUUID: string | null };
type Answer<T> = { d: { results: T[]; __count?: string; __next?: string } };

let sandbox: RunningSapC4cSandbox;
let client: OData;
const SMA = 'SocialMediaActivityCollection';

beforeAll(async () => {
  sandbox = await startSapC4cSandbox({ pageSize: 2 });
  client = OData.New({ serviceEndpoint: sandbox.root, credential: { username: 'parley-demo', password: 'parley-demo-secret' }, variant: 'c4c', fetchProxy: cookieFetch() });
  // Three root posts, written one by one through the library (CSRF fetch, then POSTs with token and cookie).
  const activities = client.getEntitySet<Partial<Activity> & { SocialMediaChannelCode: string }>(SMA);
  for (const n of [1, 2, 3]) await activities.create({ SocialMediaChannelCode: '001', SocialMediaMessageID: `seed-${n}`, Text: `post ${n}` });
});
afterAll(async () => sandbox.close());

describe('@odata/client against the SAP C4C sandbox: reads', () => {
  it('reads a collection with $filter, $top and $inlinecount (d.results, __count as a string)', async () => {
    const options = client.newOptions().filter(client.newFilter().property('SocialMediaMessageID').in(['seed-2', 'seed-3']));
    const answer = await client.newRequest({ collection: SMA, params: options.top(1).inlinecount(true).orderby('SocialMediaMessageID', 'desc') }) as unknown as Answer<Activity>;
    expect(answer.d.__count).toBe('2');
    expect(answer.d.results.map((a) => a.SocialMediaMessageID)).toEqual(['seed-3']);
    expect(await client.getEntitySet(SMA).count(client.newFilter().property('SocialMediaChannelCode').eq('001'))).toBe(3);
  });

  it('follows the server\'s __next link by its $skiptoken, the library having no paging of its own', async () => {
    const filter = () => client.newFilter().property('SocialMediaChannelCode').eq('001');
    const first = await client.newRequest({ collection: SMA, params: client.newOptions().filter(filter()) }) as unknown as Answer<Activity>;
    expect(first.d.results.map((a) => a.SocialMediaMessageID)).toEqual(['seed-1', 'seed-2']);
    const token = new URL(first.d.__next!).searchParams.get('$skiptoken')!;
    const second = await client.newRequest({ collection: SMA, params: client.newOptions().filter(filter()).custom('$skiptoken', token) }) as unknown as Answer<Activity>;
    expect(second.d.results.map((a) => a.SocialMediaMessageID)).toEqual(['seed-3']);
    expect(second.d.__next).toBeUndefined();
  });

  it('reads one entity by key (standard {"d":{…}}: the c4c variant sends odata-v2-strict-json-format)', async () => {
    const [seed] = await client.getEntitySet<Activity>(SMA).find({ SocialMediaMessageID: 'seed-1' });
    const read = await client.getEntitySet<Activity>(SMA).retrieve(seed!.ObjectID);
    expect(read).toMatchObject({ ObjectID: seed!.ObjectID, SocialMediaMessageID: 'seed-1', Text: 'post 1' });
  });
});

describe('@odata/client against the SAP C4C sandbox: $batch', () => {
  it('creates an activity and a profile with a deep-inserted child in change sets, answers a retrieve, and the rows read back', async () => {
    const parts = await client.execBatchRequests([
      client.newBatchRequest({ collection: SMA, method: 'POST', entity: { SocialMediaChannelCode: '001', SocialMediaMessageID: 'batch-1', Text: 'from a batch' } }),
      client.newBatchRequest({ collection: 'SocialMediaUserProfileCollection', method: 'POST', entity: { SocialMediaUserCategoryCode: '02', SocialMediaUserProfileUserInformation: [{ SocialMediaChannelCode: '001', SocialMediaUserAccountID: 'batch-user' }] } }),
      // No $filter here: the library does not percent-encode a batch part's URL, and SAP refuses spaces there.
      client.newBatchRequest({ collection: SMA, params: client.newOptions().top(10).inlinecount(true) }),
    ]);
    expect(parts.map((p) => p.status)).toEqual([201, 201, 200]);
    const created = (await parts[0]!.json()).d as unknown as Activity;
    expect(created.SocialMediaMessageID).toBe('batch-1');
    expect(((await parts[2]!.json()).d as unknown as Answer<Activity>['d']).__count).toBe('4');
    // Read back through the library: the activity by its key, the profile through its child node's own set.
    expect(await client.getEntitySet<Activity>(SMA).retrieve(created.ObjectID)).toMatchObject({ Text: 'from a batch' });
    const identities = await client.getEntitySet<{ ParentObjectID: string; SocialMediaUserAccountID: string }>('SocialMediaUserProfileUserInformationCollection').find({ SocialMediaUserAccountID: 'batch-user' });
    expect(identities).toHaveLength(1);
    const profile = await client.getEntitySet<{ SocialMediaUserCategoryCode: string }>('SocialMediaUserProfileCollection').retrieve(identities[0]!.ParentObjectID);
    expect(profile.SocialMediaUserCategoryCode).toBe('02');
  });

  it('answers a refused change set with one error part and keeps nothing of it', async () => {
    const parts = await client.execBatchRequests([
      client.newBatchRequest({ collection: SMA, method: 'POST', entity: { SocialMediaMessageID: 'batch-bad', Nope: 1 } as never }),
    ]);
    expect(parts.map((p) => p.status)).toEqual([400]);
    expect((await parts[0]!.json() as unknown as { error: { message: { value: string } } }).error.message.value).toMatch(/Nope/);
    expect(await client.getEntitySet<Activity>(SMA).find({ SocialMediaMessageID: 'batch-bad' })).toEqual([]);
  });
});
