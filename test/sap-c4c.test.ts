import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listAll, postX, signX, startParley, type TestParley } from './helpers/parley.ts';
import { until } from './helpers/wait.ts';

// The SAP C4C issue's acceptance points, end to end: signed X, Facebook and Standard Webhooks
// deliveries → events → the shipped mappings (mappings/sap-c4c/) → the outbox → the sap-c4c
// connector → the C4C sandbox this same Parley mounts, read back over OData v2 as any client reads
// it (`$format=json`, the `d`/`results` envelope). One Parley serves every test; each test uses its
// own message ids and authors, and faults are cleared after each.
const SERVICE = '/sandbox/sap-c4c/sap/c4c/odata/v1/c4codataapi/';
const BASIC = 'Basic ' + Buffer.from('parley-demo:parley-demo-secret').toString('base64');
const BRAND_PAGE = '1234567890321';
/** The brand's X account: the `for_user_id` of every X delivery here. */
const BRAND_X = '2244994945';
const metaSecret = 'meta-' + randomBytes(12).toString('hex');
const standardSecret = 'whsec_' + randomBytes(24).toString('base64');

// A listening tool's payload profile (docs/sources.md, "Payload profiles") that puts its hits on X
// with a sentiment on -1…1: the shipped escalation rule reads `sentiment`.
const LISTENER_PROFILE = `description: test listener hits on X
match: $exists(listener.hits)
items: listener.hits
id: hitId
fields:
  network: '"x"'
  text: body
  reach: audience
sentiment:
  value: mood
  scale: [-1, 1]
author:
  userId: who
  handle: who
`;

/** The destination's response timeout: tests 4b and 4c make the sandbox answer later than this, after doing the work. */
const RESPONSE_TIMEOUT_MS = 2_000;

let p: TestParley;
let profilesDir: string;

beforeAll(async () => {
  profilesDir = mkdtempSync(join(tmpdir(), 'parley-sap-profiles-'));
  writeFileSync(join(profilesDir, 'test-listener.yaml'), LISTENER_PROFILE);
  p = await startParley({
    sources: {
      facebook: { connector: 'facebook', appSecret: metaSecret, verifyToken: 'verify-' + randomBytes(6).toString('hex') },
      standard: { connector: 'standard', secret: standardSecret, profilesDir },
    },
    destinations: {
      // No retries inside a call: a failed call sends its operations back to the outbox (attempts
      // counted), so test 2 sees whether the session itself re-sent the refused $batch, and test 4
      // drives the outbox's own retries and look-ups.
      'sap-c4c': { connector: 'sap-c4c', username: 'parley-demo', password: 'parley-demo-secret', retry: { retries: 0 }, responseTimeoutMs: RESPONSE_TIMEOUT_MS },
    },
    sandboxes: { 'sap-c4c': {} },
    // Short outbox waits, so that retried operations come back within the test.
    extra: { mappingsDir: join(process.cwd(), 'mappings'), outbox: { lingerMs: 20, retryStepsMs: [200, 400] } },
  });
}, 30_000);

afterEach(async () => { await faults({}); });

afterAll(async () => {
  await p?.stop();
  if (profilesDir) rmSync(profilesDir, { recursive: true, force: true });
});

/** Replaces the sandbox's faults (`PUT /_faults`: the whole document, so `{}` clears them). */
async function faults(body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${p.base}/sandbox/sap-c4c/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status, await response.text()).toBe(200);
}

async function sandboxStats(): Promise<{ calls: Record<string, number>; errors: Record<string, number>; records: Record<string, number> }> {
  return (await (await fetch(`${p.base}/sandbox/sap-c4c/_stats`)).json()) as never;
}

type Row = Record<string, any>;

/**
 * Every row of an entity set matching `filter`, read as an OData v2 client reads it: `$format=json`,
 * the `{"d":{"results":[…]}}` envelope checked on every page, `__next` followed.
 */
async function rows(set: string, filter?: string): Promise<Row[]> {
  const query = new URLSearchParams({ $format: 'json', ...(filter ? { $filter: filter } : {}) });
  let url: string | undefined = `${p.base}${SERVICE}${set}?${query}`;
  const found: Row[] = [];
  while (url) {
    const response = await fetch(url, { headers: { authorization: BASIC } });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    const body = JSON.parse(text) as { d: { results: Row[]; __next?: string } };
    expect(Array.isArray(body.d.results), `${set}: a d.results array`).toBe(true);
    found.push(...body.d.results);
    url = body.d.__next;
  }
  return found;
}

/** One entity by its key, as `{"d":{"results":{…}}}` or `{"d":{…}}` (both single-entity envelopes C4C sends). */
async function entity(set: string, objectId: string): Promise<Row> {
  const response = await fetch(`${p.base}${SERVICE}${set}('${objectId}')?$format=json`, { headers: { authorization: BASIC } });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  const { d } = JSON.parse(text) as { d: Row };
  return d.results && !Array.isArray(d.results) ? d.results : d;
}

const orFilter = (field: string, values: readonly string[]) => values.map((v) => `${field} eq '${v}'`).join(' or ');

/** The activities with these message ids, in one query per 50 ids. */
async function activities(ids: readonly string[]): Promise<Row[]> {
  const found: Row[] = [];
  for (let i = 0; i < ids.length; i += 50) found.push(...(await rows('SocialMediaActivityCollection', orFilter('SocialMediaMessageID', ids.slice(i, i + 50)))));
  return found;
}

/** The channel identities (profile child rows) with these network user ids. */
const identities = (userIds: readonly string[]) => rows('SocialMediaUserProfileUserInformationCollection', orFilter('SocialMediaUserAccountID', userIds));

/** The document references by which C4C ties the ticket it opened to the activity with readable id `id` (reference §5.2). */
const ticketReferences = (id: string) => rows('ServiceRequestBusinessTransactionDocumentReferenceCollection', `ID eq '${id}' and TypeCode eq '1607'`);

/**
 * True once every operation whose match value is one of `values` (the activities, their
 * escalations, the authors' profiles) is settled: none pending, leased or waiting. Only this test's
 * own, so that another test's leftovers never hold it up.
 */
async function settled(values: readonly string[]): Promise<boolean> {
  const mine = (await listAll(p.base, '/v1/operations?destination=sap-c4c', p.adminKey)).filter((o) => values.includes(o.matchValue));
  return mine.every((o) => !['pending', 'leased', 'waiting'].includes(o.state));
}

/** Waits until every id in `ids` has an activity and their operations are settled; answers the activities. */
async function delivered(ids: readonly string[], timeoutMs = 20_000): Promise<Row[]> {
  return until(`${ids.length} activities written, their operations settled`, async () => {
    const found = await activities(ids);
    if (new Set(found.map((r) => r.SocialMediaMessageID)).size < ids.length) return undefined;
    return (await settled(ids)) ? activities(ids) : undefined;
  }, timeoutMs);
}

/** How many rows each value of `field` has. */
const countBy = (list: Row[], field: string) => list.reduce((m, r) => m.set(r[field], (m.get(r[field]) ?? 0) + 1), new Map<string, number>());

async function sendX(body: string): Promise<void> {
  const answer = await postX(p.base, body, { 'x-twitter-webhooks-signature': signX(p.secret, body) });
  expect(answer.status, answer.text).toBe(200);
}

async function sendFacebook(value: Record<string, unknown>): Promise<void> {
  const body = JSON.stringify({ object: 'page', entry: [{ id: BRAND_PAGE, time: 1764000000, changes: [{ field: 'feed', value }] }] });
  const signature = 'sha256=' + createHmac('sha256', metaSecret).update(body).digest('hex');
  const response = await fetch(`${p.base}/webhooks/facebook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
  expect(response.status, await response.text()).toBe(200);
}

/** A Standard Webhooks delivery (v1 signature over `id.timestamp.body`, standardwebhooks.com). */
async function sendStandard(hits: Array<Record<string, unknown>>): Promise<void> {
  const body = JSON.stringify({ listener: { hits } });
  const id = 'msg_' + randomBytes(8).toString('hex');
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(standardSecret.slice('whsec_'.length), 'base64');
  const signature = 'v1,' + createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  const response = await fetch(`${p.base}/webhooks/standard`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature }, body,
  });
  expect(response.status, await response.text()).toBe(200);
}

/** A customer's tweet (X Account Activity API `tweet_create_events`), optionally a reply. */
const tweet = (id: string, userId: string, text: string, inReplyTo: string | null = null) => JSON.stringify({
  for_user_id: BRAND_X,
  tweet_create_events: [{
    created_at: 'Mon Nov 23 10:00:00 +0000 2026', id_str: id, text, truncated: false, in_reply_to_status_id_str: inReplyTo,
    ...(inReplyTo ? { in_reply_to_user_id_str: '9001' } : {}),
    user: { id_str: userId, screen_name: `c${userId}`, name: `Customer ${userId}`, followers_count: 3 },
    entities: { hashtags: [], urls: [], user_mentions: [] }, timestamp_ms: '1795946400000', lang: 'en',
  }],
});

/** Waits through Parley's API (not OData reads, which draw injected faults) until the activities of `ids` are done and `also` settled. */
const activitiesDone = (ids: readonly string[], { also = [] as readonly string[], timeoutMs = 30_000 } = {}) => until(`${ids.length} activities written, their operations settled`, async () => {
  const done = (await listAll(p.base, '/v1/operations?destination=sap-c4c&state=done', p.adminKey)).filter((o) => o.mappingId === 'sap-social-activity' && ids.includes(o.matchValue));
  return done.length === ids.length && (await settled([...ids, ...also])) ? true : undefined;
}, timeoutMs);

/** Each of `ids` is exactly one activity in C4C (read with faults cleared). */
async function expectOnceEach(ids: readonly string[]): Promise<void> {
  const perId = countBy(await activities(ids), 'SocialMediaMessageID');
  expect(ids.filter((id) => perId.get(id) !== 1).map((id) => [id, perId.get(id) ?? 0]), 'ids not written exactly once, with their count').toEqual([]);
}

/**
 * Sends 5 of the brand's own tweets (outbound: no profile to wait for, so their creates go at once)
 * while C4C carries every call out but answers after the destination's response timeout: Parley
 * cannot know whether the creates were made (outcome unknown) and must look them up by
 * SocialMediaMessageID before writing again. Resolves once they are made and back in the outbox.
 */
async function loseCreates(first: bigint): Promise<string[]> {
  const ids = Array.from({ length: 5 }, (_, i) => String(first + BigInt(i)));
  const before = (await sandboxStats()).records.SocialMediaActivity ?? 0;
  await faults({ responseDelayMs: RESPONSE_TIMEOUT_MS + 500 });
  // One delivery, so that the five are planned together and go in one call.
  const tweets = ids.map((id, i) => (JSON.parse(tweet(id, BRAND_X, `our answer ${i}`)) as { tweet_create_events: unknown[] }).tweet_create_events[0]);
  await sendX(JSON.stringify({ for_user_id: BRAND_X, tweet_create_events: tweets }));
  await until('the creates made, their answer lost', async () => {
    if (((await sandboxStats()).records.SocialMediaActivity ?? 0) < before + ids.length) return undefined;
    const retried = await listAll(p.base, '/v1/operations?destination=sap-c4c&state=pending', p.adminKey);
    return ids.every((id) => retried.some((o) => o.matchValue === id && o.attempts >= 1)) ? true : undefined;
  }, 15_000);
  return ids;
}

describe('SAP C4C, end to end', () => {
  it('1. X and Facebook deliveries → profiles and activities; a reply is linked to its parent (and root), and only roots open a ticket', async () => {
    await sendX(tweet('2100000000000000001', '9001', 'my parcel is late'));
    await sendX(tweet('2100000000000000002', '9002', '@c9001 same here', '2100000000000000001'));
    const post = `${BRAND_PAGE}_700000001`;
    const comment = '700000001_800000001';
    const reply = '700000001_800000002';
    await sendFacebook({ item: 'status', verb: 'add', post_id: post, published: 1, created_time: 1764000000, message: 'Where is my order?', from: { id: '5550001', name: 'Jane Customer' } });
    await sendFacebook({ item: 'comment', verb: 'add', comment_id: comment, post_id: post, parent_id: post, created_time: 1764000100, message: 'Mine too', from: { id: '5550002', name: 'Joe Customer' } });
    await sendFacebook({ item: 'comment', verb: 'add', comment_id: reply, post_id: post, parent_id: comment, created_time: 1764000200, message: 'Did yours come?', from: { id: '5550001', name: 'Jane Customer' } });

    const ids = { tweet: '2100000000000000001', tweetReply: '2100000000000000002', post, comment, reply };
    const written = await delivered(Object.values(ids));
    expect(written).toHaveLength(5);
    const sma = (id: string) => written.find((r) => r.SocialMediaMessageID === id)!;
    expect(sma(ids.tweet)).toMatchObject({ SocialMediaChannelCode: '002', CategoryCode: '001', InitiatorCode: '2', Text: 'my parcel is late', ParentSocialMediaActivityUUID: null });
    expect(sma(ids.post)).toMatchObject({ SocialMediaChannelCode: '001', CategoryCode: '001', Text: 'Where is my order?', ParentSocialMediaActivityUUID: null });
    // Each reply names its parent's UUID; the reply to a comment also names its thread's root, the post.
    expect(sma(ids.tweetReply)).toMatchObject({ CategoryCode: '003', ParentSocialMediaActivityUUID: sma(ids.tweet).UUID });
    expect(sma(ids.comment)).toMatchObject({ CategoryCode: '003', ParentSocialMediaActivityUUID: sma(ids.post).UUID });
    expect(sma(ids.reply)).toMatchObject({ CategoryCode: '003', ParentSocialMediaActivityUUID: sma(ids.comment).UUID, RootSocialMediaActivityUUID: sma(ids.post).UUID });
    for (const row of written) expect(row.UUID, row.SocialMediaMessageID).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    // The single-entity read gives the same record.
    expect(await entity('SocialMediaActivityCollection', sma(ids.reply).ObjectID)).toMatchObject({ SocialMediaMessageID: ids.reply, UUID: sma(ids.reply).UUID });

    // One profile per person, keyed by the network's user id in its channel identity; each activity points at its author's.
    const people = { '9001': '002', '9002': '002', '5550001': '001', '5550002': '001' };
    const channels = await identities(Object.keys(people));
    expect(Object.fromEntries(channels.map((c) => [c.SocialMediaUserAccountID, c.SocialMediaChannelCode]))).toEqual(people);
    expect(channels).toHaveLength(4);
    const profileOf = (userId: string) => channels.find((c) => c.SocialMediaUserAccountID === userId)!.ParentObjectID as string;
    for (const [id, author] of [[ids.tweet, '9001'], [ids.tweetReply, '9002'], [ids.post, '5550001'], [ids.comment, '5550002'], [ids.reply, '5550001']] as const) {
      expect(String(sma(id).SocialMediaUserProfileUUID).replace(/-/g, ''), `${id}'s author`).toBe(profileOf(author));
      expect(await entity('SocialMediaUserProfileCollection', profileOf(author))).toMatchObject({ ObjectID: profileOf(author), SocialMediaUserCategoryCode: '02' });
    }

    // C4C opened a ticket for each root (a document reference of type 1607 to it), none for a reply.
    for (const id of [ids.tweet, ids.post]) {
      const references = await ticketReferences(sma(id).ID);
      expect(references, `${id}: one ticket`).toHaveLength(1);
      expect(await entity('ServiceRequestCollection', references[0]!.ParentObjectID)).toMatchObject({ ServicePriorityCode: '3' });
    }
    for (const id of [ids.tweetReply, ids.comment, ids.reply]) expect(await ticketReferences(sma(id).ID), `${id}: no ticket`).toEqual([]);
  });

  it('2. an expired CSRF token is fetched again and the same $batch sent again: every record written once, no operation retried', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => String(2_200_000_000_000_000_000n + BigInt(i)));
    const authors = ['9100', '9101', '9102', '9103'];
    // Every call waits 1 s in the sandbox: the first profiles' $batch is taken (its token checked)
    // and still running when the sessions expire, while the activities, which wait for their
    // authors' profiles, are queued. Their $batch then goes with the expired token.
    await faults({ latencyMs: 1_000 });
    const before = await sandboxStats();
    for (const [i, id] of ids.entries()) await sendX(tweet(id, authors[i % authors.length]!, `order ${i}`));
    await until('a $batch taken', async () => ((await sandboxStats()).calls['POST /$batch'] ?? 0) > (before.calls['POST /$batch'] ?? 0) ? true : undefined);
    await faults({ expireSessions: true });

    const written = await delivered(ids);
    expect([...countBy(written, 'SocialMediaMessageID').values()]).toEqual(ids.map(() => 1));
    expect((await identities(authors)).map((c) => c.SocialMediaUserAccountID).sort()).toEqual(authors);
    // A new token was fetched (the CSRF fetch is the service root's GET)…
    expect((await sandboxStats()).calls['GET /']).toBeGreaterThan(before.calls['GET /'] ?? 0);
    // …inside the refused call: no operation went back to the outbox for it.
    const mine = (await listAll(p.base, '/v1/operations?destination=sap-c4c', p.adminKey)).filter((o) => ids.includes(o.matchValue) || authors.includes(o.matchValue));
    expect(mine.length).toBeGreaterThanOrEqual(ids.length + authors.length);
    expect(mine.filter((o) => o.state !== 'done' || o.attempts !== 1).map((o) => ({ value: o.matchValue, state: o.state, attempts: o.attempts, error: o.lastError }))).toEqual([]);
  });

  it('3. a change set C4C refuses fails only its own operation: it is dead with C4C\'s message, the others written', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => String(2_300_000_000_000_000_000n + BigInt(i)));
    // A person's second post, so that nothing else depends on it.
    const refused = ids[7]!;
    await faults({ rules: [{ object: 'SocialMediaActivity', field: 'SocialMediaMessageID', equals: refused, message: 'Refused by a test business check' }] });
    for (const [i, id] of ids.entries()) await sendX(tweet(id, String(9200 + (i % 5)), `complaint ${i}`));

    const others = ids.filter((id) => id !== refused);
    await delivered(others);
    const mine = () => listAll(p.base, '/v1/operations?destination=sap-c4c', p.adminKey).then((all) => all.filter((o) => ids.includes(o.matchValue)));
    const dead = await until('the refused operation dead', async () => {
      const items = (await mine()).filter((o) => o.state === 'dead');
      return items.length > 0 ? items : undefined;
    });
    expect(dead.map((o) => ({ mapping: o.mappingId, value: o.matchValue, class: o.lastError?.class }))).toEqual([{ mapping: 'sap-social-activity', value: refused, class: 'permanent' }]);
    expect(JSON.stringify(dead[0]!.lastError)).toContain('Refused by a test business check');
    // One dead letter (stage delivery) for it, none for the others.
    const opIds = new Set((await mine()).map((o) => o.id));
    const letters = (await listAll(p.base, '/v1/dead-letters?stage=delivery', p.adminKey)).filter((l) => opIds.has(l.operationId));
    expect(letters.map((l) => l.operationId)).toEqual([dead[0]!.id]);
    // The others went in the same $batch(es), each in its own change set, and are written once.
    const written = await activities(ids);
    expect(written.map((r) => r.SocialMediaMessageID).sort()).toEqual(others);
    const operations = (await listAll(p.base, '/v1/operations?destination=sap-c4c&state=done', p.adminKey)).filter((o) => others.includes(o.matchValue));
    expect(operations.map((o) => o.attempts)).toEqual(others.map(() => 1));
  });

  it('4. with 30 % of calls failing (503, 500, CSRF), 200 tweets from 20 people end written exactly once, each profile once', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => String(2_400_000_000_000_000_000n + BigInt(i)));
    const authors = Array.from({ length: 20 }, (_, i) => String(9300 + i));
    await faults({ errors: { 503: 0.15, 500: 0.1, CSRF_REQUIRED: 0.05 }, seed: 42 });
    // In 5 waves of 40 (each person twice a wave), each waited for: more, smaller calls draw more
    // faults, and from the second wave on every profile exists, so its upserts are updates.
    // Waited for through Parley's API, not OData reads: a read would draw the faults too.
    for (let wave = 0; wave < 5; wave++) {
      const mine = ids.slice(wave * 40, wave * 40 + 40);
      for (const [i, id] of mine.entries()) await sendX(tweet(id, authors[i % authors.length]!, `wave ${wave}, tweet ${i}`));
      await activitiesDone(mine, { also: authors });
    }
    const stats = await sandboxStats();
    await faults({});
    // The faults did happen…
    const injected = (stats.errors.HTTP_503 ?? 0) + (stats.errors.HTTP_500 ?? 0) + (stats.errors.CSRF_REQUIRED ?? 0);
    expect(injected, JSON.stringify(stats.errors)).toBeGreaterThanOrEqual(5);
    // …and yet each tweet is one activity, each person one profile, and nothing of theirs is dead.
    await expectOnceEach(ids);
    const perAuthor = countBy(await identities(authors), 'SocialMediaUserAccountID');
    expect(authors.filter((a) => perAuthor.get(a) !== 1)).toEqual([]);
    const dead = await listAll(p.base, '/v1/operations?destination=sap-c4c&state=dead', p.adminKey);
    expect(dead.filter((o) => ids.includes(o.matchValue) || authors.includes(o.matchValue))).toEqual([]);
  }, 60_000);

  it('4b. a create whose answer was lost, found by its look-up, then refused once as an update, is not created again', async () => {
    const ids = await loseCreates(2_420_000_000_000_000_000n);
    // Every $batch refused with an expired session, even after the session fetches a new token
    // (reads still answer, so the look-ups find the records made by the lost call): the updates
    // planned from those look-ups fail, cleanly, and go back to the outbox.
    await faults({ errors: { CSRF_REQUIRED: 1 } });
    await until('an update refused', async () => ((await sandboxStats()).errors.CSRF_REQUIRED ?? 0) >= 2 ? true : undefined, 15_000);
    await faults({});
    await activitiesDone(ids);
    await expectOnceEach(ids);
  }, 40_000);

  it('4c. a look-up that fails does not hold its operations until their lease expires', async () => {
    const ids = await loseCreates(2_430_000_000_000_000_000n);
    // The look-ups by SocialMediaMessageID fail (404 answers reads only: the $batch still goes).
    await faults({ errors: { 404: 1 } });
    await until('a look-up refused', async () => ((await sandboxStats()).errors.HTTP_404 ?? 0) >= 1 ? true : undefined, 15_000);
    await faults({});
    // Well within outbox.leaseMs (60 s): the failed round's operations are retried, not left leased.
    await activitiesDone(ids, { timeoutMs: 15_000 });
    await expectOnceEach(ids);
  }, 40_000);

  it('5. escalation: a listening tool\'s negative root mention reaching 25,000 people ends with its ticket urgent (ServicePriorityCode "2"); a milder one stays normal', async () => {
    await sendStandard([
      { hitId: 'listen-angry', body: 'worst service ever', mood: -0.8, who: 'angry_ann', audience: 25_000 },
      { hitId: 'listen-meh', body: 'a bit slow today', mood: -0.2, who: 'calm_carl', audience: 25_000 },
    ]);
    const written = await delivered(['listen-angry', 'listen-meh']);
    const ticketOf = async (id: string) => {
      const [reference] = await ticketReferences(written.find((r) => r.SocialMediaMessageID === id)!.ID);
      return reference ? entity('ServiceRequestCollection', reference.ParentObjectID) : undefined;
    };
    // The escalation update is planned with the activity, finds no ticket until C4C opened it, and is retried.
    const urgent = await until('the angry mention\'s ticket urgent', async () => {
      const ticket = await ticketOf('listen-angry');
      return ticket?.ServicePriorityCode === '2' ? ticket : undefined;
    });
    expect(urgent).toMatchObject({ ServicePriorityCode: '2', ProcessingTypeCode: 'SRRQ' });
    await until('the escalations settled', async () => ((await settled(['listen-angry', 'listen-meh'])) ? true : undefined));
    expect(await ticketOf('listen-meh')).toMatchObject({ ServicePriorityCode: '3' });
    const escalations = (await listAll(p.base, '/v1/operations?destination=sap-c4c', p.adminKey)).filter((o) => o.mappingId === 'sap-escalate-ticket');
    expect(escalations.map((o) => [o.matchValue, o.state])).toEqual([['listen-angry', 'done']]);
  });
});
