import jsforce from 'jsforce';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, postX, signX, startParley, type TestParley } from './helpers/parley.ts';
import { until } from './helpers/wait.ts';

// The shipped escalation mappings (mappings/salesforce/sf-escalate-*.yaml) end to end: signed X
// deliveries → Cases in the Salesforce sandbox, read back with jsforce. A negative reply from an
// account many people follow opens a High-priority Case linked to its SocialPost; the same reply
// from a small account does not; a direct message asking for a refund opens one too.
// One service for the file (starting one costs seconds); each test uses ids and people of its own.
const running: TestParley[] = [];
afterAll(async () => { for (const p of running.splice(0)) await p.stop(); });

const BRAND = '2244994945';
/** A reply to the brand's post, by an account with `followers` followers. */
function reply(id: string, followers: number, text: string): string {
  return JSON.stringify({ for_user_id: BRAND, tweet_create_events: [{
    created_at: 'Mon Nov 23 10:00:00 +0000 2026', id_str: id, text, truncated: false,
    in_reply_to_status_id_str: '1860000000000000001', in_reply_to_user_id_str: BRAND, in_reply_to_screen_name: 'brand',
    user: { id_str: String(700_000_000 + followers), name: 'Escalation Test', screen_name: `esc_${followers}`, followers_count: followers, friends_count: 10, verified: false },
    entities: { hashtags: [], urls: [], user_mentions: [{ screen_name: 'brand', id_str: BRAND }] }, lang: 'en',
  }] });
}
/** A direct message to the brand (X Account Activity API's message_create, as in test/fixtures/x). */
function directMessage(id: string, text: string): string {
  const fixture = JSON.parse(readFileSync(join(process.cwd(), 'test/fixtures/x/docs-dm-message-create.json'), 'utf8'));
  fixture.direct_message_events[0].id = id;
  fixture.direct_message_events[0].message_create.message_data.text = text;
  return JSON.stringify(fixture);
}

const standardSecret = 'whsec_' + randomBytes(24).toString('base64');
/** A Standard Webhooks `post.created` (a listening tool's mention), signed as the spec says. */
async function postCreated(base: string, postId: string, text: string, author: Record<string, unknown>) {
  const body = Buffer.from(JSON.stringify({ type: 'post.created', timestamp: '2026-11-20T10:00:00.000Z', data: { id: postId, network: 'facebook', text, createdAt: '2026-11-20T10:00:00.000Z', author } }));
  const id = `msg_${postId}`, timestamp = String(Math.floor(Date.now() / 1000));
  const signature = 'v1,' + createHmac('sha256', Buffer.from(standardSecret.replace(/^whsec_/, ''), 'base64')).update(`${id}.${timestamp}.`).update(body).digest('base64');
  const response = await fetch(`${base}/webhooks/standard`, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature } });
  expect(response.status).toBe(200);
}

async function start() {
  const parley = await startParley({
    // Short retry steps: a link update that found its post not written yet is tried again at once.
    extra: { mappingsDir: join(process.cwd(), 'mappings'), outbox: { lingerMs: 20, retryStepsMs: [200, 400] } },
    sources: { standard: { connector: 'standard', secret: standardSecret } },
    sandboxes: { salesforce: {} },
    destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } },
  });
  running.push(parley);
  const base = `${parley.base}/sandbox/salesforce`;
  const conn = new jsforce.Connection({ version: '62.0', loginUrl: base, oauth2: { loginUrl: base, clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } });
  await conn.login('demo@parley.local', 'demo');
  const send = async (body: string) => expect((await postX(parley.base, body, { 'x-twitter-webhooks-signature': signX(parley.secret, body) })).status).toBe(200);
  /** The posts with these ids planned, and every operation ended (written or dead-lettered): what will be in the CRM is there. */
  const settled = (postIds: string[]) => until('every operation to end', async () => {
    const ops = (await api(parley.base, '/v1/operations?limit=500', parley.adminKey)).json.items as Array<{ state: string; matchValue?: string }>;
    const planned = postIds.every((id) => ops.some((o) => o.matchValue === id));
    return planned && ops.every((o) => ['done', 'dead', 'skipped'].includes(o.state)) ? true : undefined;
  }, 30_000);
  return { parley, conn, send, settled, postCreated: (postId: string, text: string, author: Record<string, unknown>) => postCreated(parley.base, postId, text, author) };
}

type Row = Record<string, string | null>;

let service: Awaited<ReturnType<typeof start>>;
beforeAll(async () => { service = await start(); });

describe('escalation rules shipped for Salesforce', () => {
  it('a negative reply from a 50k-follower account opens a High Case linked to its SocialPost; the same reply from a 200-follower account does not', async () => {
    const { conn, send, settled } = service;
    const text = '@brand this is terrible, the worst service ever, I am furious';
    await send(reply('1861111111111111111', 50_000, text));
    await send(reply('1861111111111111112', 200, text));
    await settled(['1861111111111111111', '1861111111111111112']);
    const post = async (id: string) => (await conn.query<Row>(`SELECT Id, ParentId, PostUrl FROM SocialPost WHERE ExternalPostId = '${id}'`)).records[0] as Row | undefined;
    const big = await until('the 50k reply linked to a Case', async () => { const p = await post('1861111111111111111'); return p?.ParentId ? p : undefined; }, 20_000);
    const cases = (await conn.query<Row>("SELECT Id, Subject, Description, Priority, Status FROM Case WHERE Subject LIKE 'Negative reply from @esc_%'")).records;
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ Id: big.ParentId, Priority: 'High', Status: 'New', Subject: 'Negative reply from @esc_50000 (50,000 followers)' });
    expect(cases[0]!.Description).toContain(text);
    expect(cases[0]!.Description).toContain(big.PostUrl!);
    const small = await post('1861111111111111112');
    expect(small).toBeDefined();
    expect(small!.ParentId).toBeNull();
  });

  it('a direct message asking for a refund opens a Case; a thank-you does not', async () => {
    const { conn, send, settled } = service;
    await send(directMessage('954491830116155001', 'Hi, I was charged twice, I want a refund please'));
    await send(directMessage('954491830116155002', 'Thanks for the quick help yesterday!'));
    await settled(['954491830116155001', '954491830116155002']);
    const cases = (await conn.query<Row>("SELECT Id, Subject, Priority FROM Case WHERE Subject LIKE 'Direct message from %'")).records;
    expect(cases).toEqual([expect.objectContaining({ Priority: 'High', Subject: expect.stringMatching(/^Direct message from @furiouscamper: Hi, I was charged twice/) })]);
    const dm = (await conn.query<Row>("SELECT ParentId FROM SocialPost WHERE ExternalPostId = '954491830116155001'")).records[0] as Row | undefined;
    expect(dm?.ParentId).toBe(cases[0]!.Id);
  });

  it('the Case of a person the org knows as a Contact names that Contact; a person known only as a Lead gets no ContactId', async () => {
    const { conn, settled, postCreated } = service;
    const contact = await conn.sobject('Contact').create({ LastName: 'Lovelace', Email: 'ada@example.com' }) as { id: string };
    await conn.sobject('Lead').create({ LastName: 'Byron', Company: 'Poets', Email: 'byron@example.com' });
    await postCreated('fb-angry-1', 'This is terrible, the worst service ever', { id: 'ada-fb', handle: 'ada.fb', name: 'Ada Lovelace', email: 'ada@example.com', followers: 20_000 });
    await postCreated('fb-angry-2', 'This is terrible, the worst service ever', { id: 'byron-fb', handle: 'byron.fb', name: 'Lord Byron', email: 'byron@example.com', followers: 20_000 });
    await settled(['fb-angry-1', 'fb-angry-2']);
    const cases = await until('both Cases, Ada\'s with her Contact', async () => {
      const rows = (await conn.query<Row>("SELECT Id, Subject, ContactId FROM Case WHERE Subject LIKE '%.fb (%'")).records;
      return rows.length === 2 && rows.some((c) => c.ContactId) ? rows : undefined;
    }, 20_000);
    expect(cases.find((c) => c.Subject!.includes('@ada.fb'))!.ContactId).toBe(contact.id);
    expect(cases.find((c) => c.Subject!.includes('@byron.fb'))!.ContactId).toBeNull();
  });
});
