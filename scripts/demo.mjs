// `npm run demo`: sends signed sample X deliveries to a running Parley (`npm start` in another
// terminal), waits for them to reach the built-in Salesforce sandbox, and shows them with SOQL,
// as any Salesforce client would read them; then the same tweets in the SAP C4C (OData v2) and
// Oracle CX (REST) sandboxes, when the config mounts them (the demo config does).
// Options (environment): PARLEY_URL (http://localhost:3000), X_CONSUMER_SECRET (the demo secret).
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const base = (process.env.PARLEY_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
const secret = process.env.X_CONSUMER_SECRET || 'parley-demo-x-consumer-secret';
const sandbox = `${base}/sandbox/salesforce`;
const fixtures = new URL('../test/fixtures/x/', import.meta.url).pathname;

function fail(message) {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(1);
}

/** X's `created_at` format: `Wed Oct 10 20:19:24 +0000 2018`. */
function xDate(d) {
  const [day, , , , time] = d.toUTCString().split(' ');
  const mon = d.toUTCString().split(' ')[2];
  return `${day.slice(0, 3)} ${mon} ${String(d.getUTCDate()).padStart(2, '0')} ${time} +0000 ${d.getUTCFullYear()}`;
}

async function deliver(body) {
  const signature = 'sha256=' + createHmac('sha256', secret).update(body).digest('base64');
  const response = await fetch(`${base}/webhooks/x`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signature }, body });
  if (response.status !== 200) fail(`Parley answered ${response.status}: ${await response.text()}`);
}

try { await fetch(`${base}/health`); } catch { fail(`no Parley at ${base}: start it with \`npm start\` first (or set PARLEY_URL)`); }

// The real sample payloads, then a short conversation of made-up tweets from three people.
const samples = readdirSync(fixtures).filter((f) => f.endsWith('.json')).sort();
for (const file of samples) await deliver(readFileSync(join(fixtures, file)));
const people = [['4001', 'ada_l', 'Ada'], ['4002', 'grace_h', 'Grace'], ['4003', 'alan_t', 'Alan']];
const texts = ['My order #1042 has not arrived yet', 'Love the new app update!', 'How do I change my delivery address?'];
const ids = [];
for (let i = 0; i < 6; i++) {
  const [userId, handle, name] = people[i % 3];
  const id = String(1_800_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 10n + BigInt(i));
  ids.push(id);
  await deliver(JSON.stringify({ for_user_id: '2244994945', tweet_create_events: [{
    created_at: xDate(new Date()), id_str: id, text: `@brand ${texts[i % 3]}`, truncated: false,
    user: { id_str: userId, screen_name: handle, name, followers_count: 100 + i }, entities: { hashtags: [], urls: [], user_mentions: [] },
    timestamp_ms: String(Date.now()), lang: 'en',
  }] }));
}
console.log(`sent ${samples.length} sample deliveries and 6 tweets to ${base}/webhooks/x`);

// Log in to the sandbox as a Salesforce client does (OAuth 2.0 password grant, demo credentials).
const token = await (await fetch(`${sandbox}/services/oauth2/token`, { method: 'POST', body: new URLSearchParams({
  grant_type: 'password', client_id: 'parley-demo', client_secret: 'parley-demo-secret', username: 'demo@parley.local', password: 'demo',
}) })).json();
if (!token.access_token) fail(`the sandbox refused the demo login: ${JSON.stringify(token)} (is sandboxes.salesforce in your parley.yaml?)`);
const soql = async (q) => {
  const response = await fetch(`${token.instance_url}/services/data/v62.0/query?q=${encodeURIComponent(q)}`, { headers: { authorization: `Bearer ${token.access_token}` } });
  if (!response.ok) fail(`query failed: ${await response.text()}`);
  return (await response.json()).records;
};

const list = ids.map((id) => `'${id}'`).join(', ');
let posts = [];
for (let i = 0; i < 100 && (posts.length < ids.length || posts.some((p) => !p.PersonaId)); i++) {
  await new Promise((r) => setTimeout(r, 200));
  posts = await soql(`SELECT Id, ExternalPostId, Handle, Content, PersonaId FROM SocialPost WHERE ExternalPostId IN (${list})`);
}
if (posts.length < ids.length) fail(`only ${posts.length} of ${ids.length} tweets reached the sandbox after 20 s; see GET ${base}/v1/operations`);
const personas = await soql("SELECT Id, Name, ExternalId, Followers, ParentId FROM SocialPersona WHERE ExternalId IN ('4001', '4002', '4003')");
console.log(`\nSELECT ... FROM SocialPersona (${personas.length}):`);
for (const p of personas) console.log(`  ${p.Id}  ${p.Name.padEnd(10)} ExternalId=${p.ExternalId}  Followers=${p.Followers}  ParentId=${p.ParentId}`);
console.log(`\nSELECT ... FROM SocialPost (${posts.length}):`);
for (const p of posts) console.log(`  ${p.Id}  @${p.Handle.padEnd(8)} ${p.Content.slice(0, 44).padEnd(44)}  PersonaId=${p.PersonaId}`);
console.log(`\nRead them with any Salesforce client: login URL ${sandbox}, client parley-demo / parley-demo-secret, user demo@parley.local / demo.`);

// The same tweets in the other CRMs the demo config feeds, each read over its own API.
const basic = 'Basic ' + Buffer.from('parley-demo:parley-demo-secret').toString('base64');
async function readUntil(url, headers, read) {
  for (let i = 0; i < 100; i++) {
    const response = await fetch(url, { headers });
    if (response.status === 404) return undefined; // not mounted in this config
    if (response.ok) { const rows = read(await response.json()); if (rows.length >= ids.length) return rows; }
    await new Promise((r) => setTimeout(r, 200));
  }
  return [];
}
const sapFilter = ids.map((id) => `SocialMediaMessageID eq '${id}'`).join(' or ');
const sapRows = await readUntil(`${base}/sandbox/sap-c4c/sap/c4c/odata/v1/c4codataapi/SocialMediaActivityCollection?$format=json&$filter=${encodeURIComponent(sapFilter)}`,
  { authorization: basic }, (body) => body.d.results);
if (sapRows) {
  console.log(`
SAP C4C SocialMediaActivityCollection (${sapRows.length}):`);
  for (const r of sapRows) console.log(`  ${r.ObjectID}  ${r.SocialMediaMessageAuthor.padEnd(9)} ${r.Text.slice(0, 44)}`);
}
const oracleQ = `SourcePostIdPrimary IN (${ids.map((id) => `'${id}'`).join(',')})`;
const oracleRows = await readUntil(`${base}/sandbox/oracle-cx/crmRestApi/resources/11.13.18.05/socialPosts?onlyData=true&q=${encodeURIComponent(oracleQ)}`,
  { authorization: basic, accept: 'application/json', 'rest-framework-version': '4' }, (body) => body.items);
if (oracleRows) {
  console.log(`
Oracle CX socialPosts (${oracleRows.length}):`);
  for (const r of oracleRows) console.log(`  ${r.PostId}  ${r.PostContent.slice(0, 44).padEnd(44)}  ${r.ObjectTypeCd} ${r.ObjectId}`);
}
