import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { DestinationContext, DestinationSession, OutboundClient, OutboundRequest, WriteBatch } from '../../src/connectors/index.ts';
import { SapC4cConfig } from './config.ts';
import { CsrfToken, cookiesOf } from './csrf.ts';
import { lookupQueries } from './lookup.ts';
import { SapC4cSandboxConfig } from './sandbox/config.ts';
import { sapC4cSandbox } from './sandbox/plugin.ts';
import { connectSapC4c } from './session.ts';

let app: FastifyInstance | undefined;
let dataDir: string | undefined;
let session: DestinationSession | undefined;

afterEach(async () => {
  await session?.close();
  await app?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  session = app = dataDir = undefined;
});

/** An outbound client over fetch to 127.0.0.1 that records every request (method, path, status). */
function recordingOutbound(log: Array<{ method: string; path: string; status: number }>): OutboundClient {
  return {
    async request(req: OutboundRequest) {
      const response = await fetch(req.url, { method: req.method, ...(req.headers ? { headers: req.headers } : {}), ...(req.body !== undefined ? { body: String(req.body) } : {}) });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => { headers[name] = value; });
      const setCookie = response.headers.getSetCookie();
      if (setCookie.length > 0) headers['set-cookie'] = setCookie.join(', ');
      log.push({ method: req.method, path: new URL(req.url).pathname.replace(/^.*c4codataapi\//, ''), status: response.status });
      return { status: response.status, headers, body: await response.text() };
    },
    assertTrusted: () => undefined,
    close: async () => undefined,
  } as unknown as OutboundClient;
}

/** The sandbox on 127.0.0.1 and a connected session on it. */
async function start(sandbox: Record<string, unknown> = {}, config: Record<string, unknown> = {}) {
  dataDir = mkdtempSync(join(tmpdir(), 'sap-c4c-session-'));
  app = Fastify();
  let base = '';
  await app.register(sapC4cSandbox, { prefix: '/sandbox/sap-c4c', config: SapC4cSandboxConfig.parse(sandbox), baseUrl: () => base, dataDir } as never);
  base = `${await app.listen({ host: '127.0.0.1', port: 0 })}/sandbox/sap-c4c`;
  const log: Array<{ method: string; path: string; status: number }> = [];
  const quiet = () => undefined;
  const context: DestinationContext = { name: 'sap-c4c', sandboxUrl: base, logger: { debug: quiet, info: quiet, warn: quiet, error: quiet }, outbound: () => recordingOutbound(log) };
  session = await connectSapC4c(SapC4cConfig.parse({ username: 'parley-demo', password: 'parley-demo-secret', ...config }), context);
  const faults = (body: unknown) => fetch(`${base}/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const stats = async () => (await (await fetch(`${base}/_stats`)).json()) as { records: Record<string, number> };
  return { session, log, faults, stats, context };
}

const activities = (operation: WriteBatch['operation'], ids: string[]): WriteBatch => ({
  object: 'SocialMediaActivity', operation, ...(operation === 'upsert' ? { matchKey: 'SocialMediaMessageID' } : {}),
  operations: ids.map((id) => ({ id: `op-${id}`, matchValue: id, fields: { SocialMediaMessageID: id, SocialMediaChannelCode: '001', Text: `text ${id}` } })),
});

describe('the SAP C4C session: connect and CSRF', () => {
  it('refuses wrong credentials at connect as a configuration error', async () => {
    await expect(start({}, { password: 'wrong' })).rejects.toMatchObject({ code: 'PARLEY_DESTINATION_CONFIG' });
  });

  it('fetches a new token when the session expired and sends the same $batch again, losing nothing', async () => {
    const { session, log, faults, stats } = await start();
    expect((await session.send(activities('create', ['a1', 'a2']))).every((r) => r.ok)).toBe(true);
    expect((await faults({ expireSessions: true })).status).toBe(200);
    log.length = 0;
    const results = await session.send(activities('create', ['b1', 'b2', 'b3']));
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    // Refused with 403 Required, a token fetch (GET of the service root), the same $batch again.
    expect(log.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual(['POST $batch 403', 'GET  200', 'POST $batch 202']);
    expect((await stats()).records.SocialMediaActivity).toBe(5);
  });

  it('goes on without a token when C4C answers none (integration users, reference §1.4)', async () => {
    const csrf = new CsrfToken(async () => ({ status: 200, headers: { 'set-cookie': 'S=1; path=/; Expires=Wed, 02 Dec 2026 10:00:00 GMT, T=2' }, body: '' }));
    const state = await csrf.credential.current();
    expect(csrf.headers(state)).toEqual({ cookie: 'S=1; T=2' });
    expect([...cookiesOf('A=1; HttpOnly, B=x=y; path=/')]).toEqual([['A', '1'], ['B', 'x=y']]);
  });
});

describe('the SAP C4C session: OAuth 2.0 SAML bearer (reference §1)', () => {
  let tokenServer: FastifyInstance | undefined;
  afterEach(async () => { await tokenServer?.close(); tokenServer = undefined; });

  it('posts the assertion with the client Basic credentials and calls OData with the bearer token', async () => {
    tokenServer = Fastify();
    const seen: Array<{ form: Record<string, string>; authorization: string | undefined }> = [];
    tokenServer.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));
    tokenServer.post('/sap/bc/sec/oauth2/token', async (request, reply) => {
      seen.push({ form: request.body as Record<string, string>, authorization: request.headers.authorization });
      const form = request.body as Record<string, string>;
      return form.assertion === 'PHNhbWw+' ? { access_token: 'c4c-token', token_type: 'Bearer', expires_in: 3600 } : reply.code(400).send({ error: 'invalid_grant' });
    });
    const tokenUrl = `${await tokenServer.listen({ host: '127.0.0.1', port: 0 })}/sap/bc/sec/oauth2/token`;
    const saml = { auth: 'saml-bearer', tokenUrl, clientId: 'client', clientSecret: 'secret', scope: 'UIWC:CC_HOME', assertion: 'PHNhbWw+' };
    const first = await start({ bearerTokens: ['c4c-token'], users: [{ user: 'nobody', password: 'unused' }] }, saml);
    expect(seen).toEqual([{ form: { grant_type: 'urn:ietf:params:oauth:grant-type:saml2-bearer', client_id: 'client', scope: 'UIWC:CC_HOME', assertion: 'PHNhbWw+' }, authorization: `Basic ${Buffer.from('client:secret').toString('base64')}` }]);
    expect((await first.session.send(activities('create', ['s1'])))[0]).toMatchObject({ ok: true });
    // A second sandbox for the refused assertion: this one is closed first.
    await first.session.close();
    await app!.close();
    rmSync(dataDir!, { recursive: true, force: true });
    session = app = dataDir = undefined;
    await expect(start({ bearerTokens: ['c4c-token'] }, { ...saml, assertion: 'expired' })).rejects.toMatchObject({ code: 'PARLEY_DESTINATION_CONFIG' });
  });
});

describe('the SAP C4C session: an expired bearer token', () => {
  let tokenServer: FastifyInstance | undefined;
  afterEach(async () => { await tokenServer?.close(); tokenServer = undefined; });

  it('answered 401, gets a new token once and sends the same request again', async () => {
    tokenServer = Fastify();
    const issued = ['expired-token', 'c4c-token'];
    let requests = 0;
    tokenServer.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) => done(null, body));
    tokenServer.post('/token', async () => ({ access_token: issued[Math.min(requests++, issued.length - 1)], token_type: 'Bearer' }));
    const tokenUrl = `${await tokenServer.listen({ host: '127.0.0.1', port: 0 })}/token`;
    const saml = { auth: 'saml-bearer', tokenUrl, clientId: 'client', clientSecret: 'secret', scope: 'UIWC:CC_HOME', assertion: 'PHNhbWw+' };
    // The sandbox takes only the second token: the first call (the CSRF fetch at connect) is refused with 401.
    const { session, log } = await start({ bearerTokens: ['c4c-token'] }, saml);
    expect(requests).toBe(2);
    expect(log.filter((c) => c.path !== '/token').slice(0, 2).map((c) => c.status)).toEqual([401, 200]);
    expect((await session.send(activities('create', ['bt1'])))[0]).toMatchObject({ ok: true });
    expect(requests).toBe(2);
  });
});

describe('the SAP C4C session: writes through $batch', () => {
  it('puts each operation in its own change set: a refused record fails only itself', async () => {
    const { session, faults, stats } = await start();
    await faults({ rules: [{ object: 'SocialMediaActivity', field: 'SocialMediaMessageID', equals: '42' }] });
    const results = await session.send(activities('create', ['41', '42', '43']));
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ ok: false, error: { httpStatus: 400 } });
    expect((await stats()).records.SocialMediaActivity).toBe(2);
  });

  it('upserts: POST when no record has the match value, PATCH of the same record when one has', async () => {
    const { session, stats } = await start();
    const first = await session.send(activities('upsert', ['u1', 'u2']));
    expect(first.map((r) => r.ok && r.created)).toEqual([true, true]);
    const again = await session.send(activities('upsert', ['u1', 'u2', 'u3']));
    expect(again.map((r) => r.ok && r.created)).toEqual([false, false, true]);
    expect(again.slice(0, 2)).toEqual(first.map((r) => ({ ...r, created: false })));
    expect((await stats()).records.SocialMediaActivity).toBe(3);
  });

  it('updates and deletes by ObjectID', async () => {
    const { session, stats } = await start();
    const [created] = await session.send(activities('create', ['d1']));
    const id = created!.ok ? created!.recordId : '';
    expect(await session.send({ object: 'SocialMediaActivity', operation: 'update', operations: [{ id: 'u', recordId: id, fields: { Text: 'changed' } }] })).toEqual([{ ok: true, recordId: id, created: false }]);
    expect(await session.send({ object: 'SocialMediaActivity', operation: 'delete', operations: [{ id: 'd', recordId: id, fields: {} }] })).toEqual([{ ok: true, recordId: id, created: false }]);
    expect((await stats()).records.SocialMediaActivity ?? 0).toBe(0);
  });
});

describe('the SAP C4C session: look-ups', () => {
  it('follows __next across server pages and answers only values that have a record', async () => {
    const { session, log } = await start({ pageSize: 2 });
    const ids = ['p1', 'p2', "O'Brien", 'p4', 'p5'];
    const written = await session.send(activities('create', ids));
    log.length = 0;
    const found = await session.lookup!('SocialMediaActivity', 'SocialMediaMessageID', [...ids, 'absent']);
    expect(log.filter((c) => c.method === 'GET').length).toBe(3);
    expect(found).toEqual(new Map(ids.map((id, i) => [id, (written[i] as { recordId: string }).recordId])));
  });

  it('joins eq clauses with or on one property, quotes doubled, and splits a query that would make the URL too long', () => {
    expect(decodeURIComponent(lookupQueries('SocialMediaMessageID', ['a', "b'c"])[0]!)).toBe("$filter=SocialMediaMessageID eq 'a' or SocialMediaMessageID eq 'b''c'&$select=ObjectID,SocialMediaMessageID");
    expect(lookupQueries('SocialMediaMessageID', Array.from({ length: 100 }, (_, i) => `${i}`.padStart(40, 'x'))).length).toBeGreaterThan(1);
    expect(() => lookupQueries('Bad Field', ['a'])).toThrow(RangeError);
  });
});

describe('the SAP C4C session: catalog', () => {
  it('describes the configured entity types from the tenant\'s $metadata', async () => {
    const { session } = await start();
    const catalog = await session.describe();
    expect(catalog.objects.map((o) => o.name)).toEqual(['SocialMediaActivity', 'SocialMediaUserProfile', 'ServiceRequest', 'IndividualCustomer', 'Contact']);
    expect(catalog.objects[0]!.fields.map((f) => f.name)).toContain('SocialMediaMessageID');
  });
});

describe('the SAP C4C session: profiles, UUID links and tickets (object-model.ts)', () => {
  const INFO = 'SocialMediaUserProfileUserInformation';
  const profile = (accountId: string, name: string, extra: Record<string, unknown> = {}) => ({
    id: `op-${accountId}`, matchValue: accountId,
    fields: { SocialMediaUserCategoryCode: '02', [`${INFO}/SocialMediaUserAccountID`]: accountId, [`${INFO}/SocialMediaUserName`]: name, [`${INFO}/SocialMediaChannelCode`]: '001', ...extra },
  });
  const json = async (base: string, path: string) => (await (await fetch(`${base}/sap/c4c/odata/v1/c4codataapi/${path}`, { headers: { authorization: `Basic ${Buffer.from('parley-demo:parley-demo-secret').toString('base64')}`, accept: 'application/json' } })).json()) as { d: { results: Record<string, unknown> } };

  it('deep-inserts the channel identity, finds the profile by it, and updates the child row rather than adding one', async () => {
    const { session, context } = await start();
    const [created] = await session.send({ object: 'SocialMediaUserProfile', operation: 'create', operations: [profile('9001', 'ada')] });
    expect(created).toMatchObject({ ok: true, created: true });
    const id = (created as { recordId: string }).recordId;
    expect(await session.lookup!('SocialMediaUserProfile', `${INFO}/SocialMediaUserAccountID`, ['9001', '9002'])).toEqual(new Map([['9001', id]]));
    const updated = await session.send({ object: 'SocialMediaUserProfile', operation: 'update', operations: [{ ...profile('9001', 'ada_l'), recordId: id }] });
    expect(updated).toEqual([{ ok: true, recordId: id, created: false }]);
    const read = await json(context.sandboxUrl!, `SocialMediaUserProfileCollection('${id}')?$expand=${INFO}&$format=json`);
    expect((read.d.results[INFO] as { results: unknown[] }).results).toEqual([expect.objectContaining({ SocialMediaUserAccountID: '9001', SocialMediaUserName: 'ada_l', ParentObjectID: id })]);
  });

  it('an upsert by the channel identity PATCHes the profile an earlier attempt created', async () => {
    const { session, stats } = await start();
    const batch = (name: string): WriteBatch => ({ object: 'SocialMediaUserProfile', operation: 'upsert', matchKey: `${INFO}/SocialMediaUserAccountID`, operations: [profile('77', name)] });
    const [first] = await session.send(batch('grace'));
    const [second] = await session.send(batch('grace_h'));
    expect(second).toEqual({ ok: true, recordId: (first as { recordId: string }).recordId, created: false });
    expect((await stats()).records.SocialMediaUserProfile).toBe(1);
  });

  it('writes a …UUID reference given as an ObjectID as the hyphenated UUID C4C expects', async () => {
    const { session, context } = await start();
    const [root] = await session.send(activities('create', ['root-1']));
    const rootId = (root as { recordId: string }).recordId;
    const [reply] = await session.send({ object: 'SocialMediaActivity', operation: 'create', operations: [{ id: 'r', fields: { SocialMediaMessageID: 'reply-1', ParentSocialMediaActivityUUID: rootId } }] });
    const read = await json(context.sandboxUrl!, `SocialMediaActivityCollection('${(reply as { recordId: string }).recordId}')?$format=json`);
    const rootRead = await json(context.sandboxUrl!, `SocialMediaActivityCollection('${rootId}')?$format=json`);
    expect(read.d.results.ParentSocialMediaActivityUUID).toBe(rootRead.d.results.UUID);
    expect(read.d.results.ParentSocialMediaActivityUUID).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
  });

  it('finds the ticket C4C opened for a root activity by the activity\'s message id, and updates it without the look-up path and reference', async () => {
    const { session, context } = await start();
    await session.send(activities('create', ['t1', 't2']));
    const tickets = await session.lookup!('ServiceRequest', 'SocialMediaActivity/SocialMediaMessageID', ['t1', 't2', 'never']);
    expect([...tickets.keys()].sort()).toEqual(['t1', 't2']);
    expect(new Set(tickets.values()).size).toBe(2);
    const ticket = tickets.get('t1')!;
    const results = await session.send({ object: 'ServiceRequest', operation: 'update', matchKey: 'SocialMediaActivity/SocialMediaMessageID', operations: [{ id: 'e', recordId: ticket, fields: { 'SocialMediaActivity/SocialMediaMessageID': 't1', SocialMediaActivity: '00163E0000000000000000000000000A', ServicePriorityCode: '2' } }] });
    expect(results).toEqual([{ ok: true, recordId: ticket, created: false }]);
    expect((await json(context.sandboxUrl!, `ServiceRequestCollection('${ticket}')?$format=json`)).d.results.ServicePriorityCode).toBe('2');
  });
});

describe('the SAP C4C session: SAML bearer against the sandbox\'s own token endpoint', () => {
  it('writes with the issued token; after expireSessions it renews the token once and the next send succeeds', async () => {
    const { log, faults, stats, context } = await start();
    const assertion = Buffer.from('<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="_s1" Version="2.0"/>').toString('base64');
    const saml = await connectSapC4c(SapC4cConfig.parse({
      auth: 'saml-bearer', tokenUrl: `${context.sandboxUrl!}/sap/bc/sec/oauth2/token`,
      clientId: 'parley-demo', clientSecret: 'parley-demo-secret', scope: 'UIWC:CC_HOME', assertion,
    }), context);
    try {
      const tokenCalls = () => log.filter((c) => c.method === 'POST' && c.path.endsWith('/sap/bc/sec/oauth2/token'));
      expect(tokenCalls().map((c) => c.status)).toEqual([200]);
      expect((await saml.send(activities('create', ['sb1'])))[0]).toMatchObject({ ok: true });
      expect((await faults({ expireSessions: true })).status).toBe(200);
      const mark = log.length;
      expect((await saml.send(activities('create', ['sb2'])))[0]).toMatchObject({ ok: true });
      // The revoked token is refused (401), a new one is fetched, the $batch is sent again; its CSRF session ended too (403 Required, fetch, send).
      expect(log.slice(mark).map((c) => `${c.method} ${c.path.replace(/^.*\/sandbox\/sap-c4c/, '')} ${c.status}`)).toEqual([
        'POST $batch 401', 'POST /sap/bc/sec/oauth2/token 200', 'POST $batch 403', 'GET  200', 'POST $batch 202',
      ]);
      expect(tokenCalls()).toHaveLength(2);
      expect((await stats()).records.SocialMediaActivity).toBe(2);
    } finally {
      await saml.close();
    }
  });
});
