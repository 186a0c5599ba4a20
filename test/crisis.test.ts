import jsforce from 'jsforce';
import { alertReceiver as alertReceiverOn } from './helpers/alert-receiver.ts';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, startParley, type TestParley } from './helpers/parley.ts';
import { tempDir } from './helpers/temp-dirs.ts';
import { until } from './helpers/wait.ts';

// A crisis rule end to end (issue 21 item 6): signed listening-tool deliveries through intake, the
// rules engine in the running service, the Salesforce sandbox read back with jsforce, and the
// signed alert at a local receiver. A burst opens exactly one parent Case and one alert, every post
// of the burst (before and after the opening) is linked to it, and later posts join it.
const closers: Array<() => Promise<void>> = [];
afterEach(async () => { for (const close of closers.splice(0).reverse()) await close(); });

const KEY = randomBytes(32);
const standardSecret = 'whsec_' + randomBytes(24).toString('base64');

async function alertReceiver() {
  const receiver = await alertReceiverOn(KEY);
  closers.push(receiver.close);
  return receiver;
}

/** A listening tool's negative mention of a product (Standard Webhooks `mention.created`), signed as the spec says. */
async function mention(base: string, i: number, topic = 'Acme Phone') {
  const body = Buffer.from(JSON.stringify({
    type: 'mention.created', timestamp: new Date().toISOString(),
    data: { id: `m-${i}`, network: 'facebook', text: `the ${topic} ${i} broke again, awful`, createdAt: new Date().toISOString(), sentiment: -0.8, topics: [topic], author: { id: `fan-${i}`, handle: `fan${i}` } },
  }));
  const id = `msg_m${i}`, timestamp = String(Math.floor(Date.now() / 1000));
  const signature = 'v1,' + createHmac('sha256', Buffer.from(standardSecret.replace(/^whsec_/, ''), 'base64')).update(`${id}.${timestamp}.`).update(body).digest('base64');
  const response = await fetch(`${base}/webhooks/standard`, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature } });
  expect(response.status).toBe(200);
}

async function start(alertUrl: string): Promise<TestParley> {
  const rulesDir = tempDir('parley-rules-');
  mkdirSync(rulesDir, { recursive: true });
  writeFileSync(join(rulesDir, 'phone-burst.yaml'), `id: phone-burst
match:
  kind: interaction
  when: 'direction = "inbound" and activity = "mention" and sentiment <= -0.25'
  groupBy: '$lowercase(topics[0])'
window: 10m
open: { count: 5 }
close: { below: 1, quietFor: 10m }
cases:
  salesforce:
    object: Case
    fields: { Subject: '"Crisis: " & $string(count) & " negative mentions of " & group', Priority: '"High"', Status: '"New"', Origin: '"Web"' }
    link: { object: SocialPost, matchKey: ExternalPostId, field: ParentId }
alert: { url: '${alertUrl}', secret: 'whsec_${KEY.toString('base64')}' }
`);
  const parley = await startParley({
    extra: { mappingsDir: join(process.cwd(), 'mappings'), rulesDir, outbox: { lingerMs: 20, retryStepsMs: [200, 400] } },
    sources: { standard: { connector: 'standard', secret: standardSecret } },
    sandboxes: { salesforce: {} },
    destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } },
  });
  closers.push(() => parley.stop());
  return parley;
}

type Row = Record<string, string | null>;

describe('a crisis rule in the running service', () => {
  it('a burst of negative mentions opens exactly one parent Case and one alert; every post of the burst, and later ones, is linked to it', async () => {
    const receiver = await alertReceiver();
    const parley = await start(receiver.url);
    const base = `${parley.base}/sandbox/salesforce`;
    const conn = new jsforce.Connection({ version: '62.0', loginUrl: base, oauth2: { loginUrl: base, clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } });
    await conn.login('demo@parley.local', 'demo');
    for (let i = 1; i <= 7; i++) await mention(parley.base, i);
    // A mention of another product is another window: it neither opens nor joins this incident.
    await mention(parley.base, 50, 'Acme Watch');
    const linked = async (n: number) => {
      const posts = (await conn.query<Row>("SELECT ExternalPostId, ParentId FROM SocialPost WHERE ExternalPostId LIKE 'm-%'")).records as Row[];
      const withParent = posts.filter((p) => p.ParentId);
      return withParent.length >= n ? posts : undefined;
    };
    let posts = await until('the 7 posts linked to a Case', () => linked(7), 30_000);
    let cases = (await conn.query<Row>('SELECT Id, Subject, Priority FROM Case')).records as Row[];
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ Priority: 'High', Subject: expect.stringMatching(/^Crisis: \d+ negative mentions of acme phone$/) });
    expect(posts.filter((p) => p.ParentId === cases[0]!.Id).map((p) => p.ExternalPostId).sort()).toEqual(['m-1', 'm-2', 'm-3', 'm-4', 'm-5', 'm-6', 'm-7']);
    expect(posts.find((p) => p.ExternalPostId === 'm-50')?.ParentId ?? null).toBeNull();

    // Later posts join the open incident: still one Case, still one alert.
    for (let i = 8; i <= 9; i++) await mention(parley.base, i);
    posts = await until('the later posts linked', () => linked(9), 30_000);
    cases = (await conn.query<Row>('SELECT Id FROM Case')).records as Row[];
    expect(cases).toHaveLength(1);
    expect(posts.filter((p) => p.ParentId === cases[0]!.Id)).toHaveLength(9);
    await until('the alert', async () => (receiver.received.length > 0 ? true : undefined), 20_000);
    const incidents = (await api(parley.base, '/v1/incidents', parley.adminKey)).json.items as Array<{ id: string; state: string }>;
    expect(incidents).toEqual([expect.objectContaining({ state: 'open' })]);
    expect(receiver.received).toEqual([expect.objectContaining({ signed: true, body: expect.objectContaining({ type: 'crisis.opened', incident: expect.objectContaining({ id: incidents[0]!.id }) }) })]);
    expect(receiver.received[0]!.headers['webhook-id']).toBe(`${incidents[0]!.id}:crisis.opened`);
  });
});
