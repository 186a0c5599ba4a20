import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvironment } from '../src/config/environment.ts';
import { start, type RunningParley } from '../src/start.ts';
import { listAll, postX, signX } from './helpers/parley.ts';
import { demoConnection } from './helpers/salesforce-sandbox.ts';
import { until } from './helpers/wait.ts';

// The Oracle issue's second acceptance point: the SHIPPED demo config (parley.yaml, as `npm start`
// reads it) delivers every event to the Salesforce, SAP C4C and Oracle CX sandboxes it mounts, each
// read back over its own wire API (SOQL through jsforce, OData v2, Oracle REST); and a fault in one
// CRM delays only that CRM.
const root = new URL('..', import.meta.url).pathname;
const BASIC = 'Basic ' + Buffer.from('parley-demo:parley-demo-secret').toString('base64');
const SAP = '/sandbox/sap-c4c/sap/c4c/odata/v1/c4codataapi/';
const ORACLE = '/sandbox/oracle-cx/crmRestApi/resources/11.13.18.05/';

let parley: RunningParley;
let base: string;
const secret = 'three-crms-' + randomBytes(8).toString('hex');
const adminKey = 'three-crms-admin-' + randomBytes(8).toString('hex');
const dataDir = mkdtempSync(join(tmpdir(), 'parley-three-crms-'));

beforeAll(async () => {
  const { environment } = readEnvironment({
    PORT: '0', HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, PARLEY_CONFIG: join(root, 'parley.yaml'),
    PARLEY_ADMIN_KEY: adminKey, X_CONSUMER_SECRET: secret, LOG_LEVEL: 'silent',
  });
  parley = await start(environment);
  base = parley.address;
}, 30_000);

afterAll(async () => {
  await parley?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const tweet = (id: string, userId: string) => JSON.stringify({
  for_user_id: '2244994945',
  tweet_create_events: [{
    created_at: 'Mon Nov 23 10:00:00 +0000 2026', id_str: id, text: `Three CRMs ${id}`, truncated: false, in_reply_to_status_id_str: null,
    user: { id_str: userId, screen_name: `c${userId}`, name: `Customer ${userId}`, followers_count: 3 },
    entities: { hashtags: [], urls: [], user_mentions: [] }, timestamp_ms: '1795946400000', lang: 'en',
  }],
});

async function send(ids: readonly string[]): Promise<void> {
  for (const [i, id] of ids.entries()) {
    const body = tweet(id, `9900${i % 4}`);
    const answer = await postX(base, body, { 'x-twitter-webhooks-signature': signX(secret, body) });
    expect(answer.status, answer.text).toBe(200);
  }
}

async function faults(id: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${base}/sandbox/${id}/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status, await response.text()).toBe(200);
}

/** The tweets of `ids` Salesforce has, by SOQL (jsforce, as any Salesforce client). */
async function inSalesforce(ids: readonly string[]): Promise<Set<string>> {
  const conn = await demoConnection(`${base}/sandbox/salesforce`);
  const list = ids.map((id) => `'${id}'`).join(',');
  const result = await conn.query<{ ExternalPostId: string }>(`SELECT ExternalPostId FROM SocialPost WHERE ExternalPostId IN (${list})`);
  return new Set(result.records.map((r) => r.ExternalPostId));
}

/** The tweets of `ids` SAP C4C has, by an OData v2 `$filter` (the `d.results` envelope). */
async function inSap(ids: readonly string[]): Promise<Set<string>> {
  const filter = ids.map((id) => `SocialMediaMessageID eq '${id}'`).join(' or ');
  const response = await fetch(`${base}${SAP}SocialMediaActivityCollection?$format=json&$filter=${encodeURIComponent(filter)}`, { headers: { authorization: BASIC } });
  expect(response.status).toBe(200);
  const body = await response.json() as { d: { results: Array<{ SocialMediaMessageID: string }> } };
  return new Set(body.d.results.map((r) => r.SocialMediaMessageID));
}

/** The tweets of `ids` Oracle CX has, by a REST `q` query (`items`, `hasMore`). */
async function inOracle(ids: readonly string[]): Promise<Set<string>> {
  const q = `SourcePostIdPrimary IN (${ids.map((id) => `'${id}'`).join(',')})`;
  const response = await fetch(`${base}${ORACLE}socialPosts?onlyData=true&limit=500&q=${encodeURIComponent(q)}`, { headers: { authorization: BASIC, accept: 'application/json', 'rest-framework-version': '4' } });
  expect(response.status).toBe(200);
  const body = await response.json() as { items: Array<{ SourcePostIdPrimary: string }>; hasMore: boolean };
  expect(body.hasMore).toBe(false);
  return new Set(body.items.map((r) => r.SourcePostIdPrimary));
}

const all = (found: Set<string>, ids: readonly string[]) => (ids.every((id) => found.has(id)) ? true : undefined);

describe('the demo config feeds all three CRMs', () => {
  it('delivers the same tweets to Salesforce, SAP C4C and Oracle CX, each read back over its own API', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `9100${String(i).padStart(2, '0')}`);
    await send(ids);
    await until('the tweets in Salesforce', async () => all(await inSalesforce(ids), ids), 30_000);
    await until('the tweets in SAP C4C', async () => all(await inSap(ids), ids), 30_000);
    await until('the tweets in Oracle CX', async () => all(await inOracle(ids), ids), 30_000);
  });

  it('a CRM that fails delays only itself: the others are written meanwhile, and it catches up once it answers again', async () => {
    await faults('oracle-cx', { errors: { 503: 1 } });
    const ids = Array.from({ length: 10 }, (_, i) => `9200${String(i).padStart(2, '0')}`);
    try {
      await send(ids);
      await until('the tweets in Salesforce', async () => all(await inSalesforce(ids), ids), 30_000);
      await until('the tweets in SAP C4C', async () => all(await inSap(ids), ids), 30_000);
      // Oracle answers every call 503 meanwhile (a read too): Parley's outbox says what it holds.
      const oracle = (await listAll(base, '/v1/operations?destination=oracle-cx', adminKey)).filter((o) => ids.includes(o.matchValue));
      expect(oracle.length).toBeGreaterThanOrEqual(ids.length);
      expect(oracle.filter((o) => o.state === 'done')).toEqual([]);
    } finally {
      await faults('oracle-cx', {});
    }
    await until('the tweets in Oracle CX once it answers again', async () => all(await inOracle(ids), ids), 60_000);
  });
});
