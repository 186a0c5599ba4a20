import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, postX, signX, startParley, tweetDelivery, type TestParley } from './helpers/parley.ts';
import { until } from './helpers/wait.ts';

// An erasure reaches every CRM that holds the person: here Salesforce and SAP C4C at once, each read
// back over its own wire API (SOQL with the recycle bin, OData v2).
const running: TestParley[] = [];
afterEach(async () => { for (const p of running.splice(0)) await p.stop(); });

const SERVICE = '/sandbox/sap-c4c/sap/c4c/odata/v1/c4codataapi/';
const BASIC = 'Basic ' + Buffer.from('parley-demo:parley-demo-secret').toString('base64');
const postId = (i: number) => String(1_700_000_000_000_000_000n + BigInt(i));

describe('erasure in every CRM', () => {
  it('deletes the person\'s SAP C4C activities and profile as well as their Salesforce records, the other person\'s kept', async () => {
    const parley = await startParley({
      extra: { mappingsDir: join(process.cwd(), 'mappings'), outbox: { lingerMs: 20, retryStepsMs: [200, 400] } },
      sandboxes: { salesforce: {}, 'sap-c4c': {} },
      destinations: {
        salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret' },
        'sap-c4c': { connector: 'sap-c4c', username: 'parley-demo', password: 'parley-demo-secret' },
      },
    });
    running.push(parley);
    const send = async (body: string) => expect((await postX(parley.base, body, { 'x-twitter-webhooks-signature': signX(parley.secret, body) })).status).toBe(200);
    for (const i of [900, 901]) await send(tweetDelivery(i, '960'));
    await send(tweetDelivery(910, '961'));
    /** Every row of an OData entity set, as JSON text. */
    const sap = async (set: string) => {
      const response = await fetch(`${parley.base}${SERVICE}${set}?$format=json`, { headers: { authorization: BASIC } });
      expect(response.status).toBe(200);
      return JSON.stringify((await response.json() as { d: { results: unknown[] } }).d.results);
    };
    await until('both CRMs to hold both people', async () => {
      const activities = await sap('SocialMediaActivityCollection');
      const profiles = await sap('SocialMediaUserProfileCollection');
      const ok = profiles.split('"c4codata.SocialMediaUserProfile"').length - 1 === 2 && [900, 901, 910].every((i) => activities.includes(`status/${postId(i)}`));
      return ok ? true : undefined;
    }, 30_000);

    const person = await until('the person', async () => (await api(parley.base, '/v1/identities?q=user960', parley.adminKey)).json?.items?.[0]?.personId as string | undefined);
    // The person view links each CRM record: the C4C activity's OData entity URL reads that activity back.
    const view = (await api(parley.base, `/v1/persons/${encodeURIComponent(person)}`, parley.adminKey)).json as { records: { destination: string; object: string; recordKey: string; url?: string }[] };
    const activity = view.records.find((r) => r.destination === 'sap-c4c' && r.object === 'SocialMediaActivity');
    expect(activity?.url).toMatch(new RegExp(`${SERVICE}SocialMediaActivityCollection\\('[^']+'\\)$`));
    const opened = await fetch(`${activity!.url!}?$format=json`, { headers: { authorization: BASIC } });
    expect(opened.status).toBe(200);
    expect(JSON.stringify(await opened.json())).toContain(activity!.recordKey);
    const asked = await api(parley.base, `/v1/persons/${encodeURIComponent(person)}/erase`, parley.adminKey, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(asked.status).toBe(202);
    const done = await until('the erasure', async () => {
      const now = (await api(parley.base, `/v1/erasures/${asked.json.id}`, parley.adminKey)).json;
      return now.state === 'done' ? now : undefined;
    }, 30_000);
    expect(done.destinations['sap-c4c']).toMatchObject({ state: 'done', failed: 0 });
    expect(done.destinations['sap-c4c'].deleted).toBeGreaterThanOrEqual(3);
    const activities = await sap('SocialMediaActivityCollection');
    const profiles = await sap('SocialMediaUserProfileCollection');
    expect(activities).not.toContain(`status/${postId(900)}`);
    expect(activities).not.toContain(`status/${postId(901)}`);
    expect(activities).not.toContain('user960');
    // The one profile left is the other person's.
    expect(profiles.split('"c4codata.SocialMediaUserProfile"').length - 1).toBe(1);
    expect(activities).toContain(`status/${postId(910)}`);
    expect(done.destinations.salesforce).toMatchObject({ state: 'done', failed: 0, purge: 'hard' });
  }, 90_000);
});
