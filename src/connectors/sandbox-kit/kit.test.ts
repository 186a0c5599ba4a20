import { mkdtempSync, appendFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineSandbox, JournalFile, SandboxKit, faultsSchema, type FaultCatalog } from '../index.ts';

// A tiny fake vendor: widgets written by `POST /widgets` (a write), listed by `GET /widgets` (a read).
// Its only vendor facts are its paths, its bodies and its faults; the rest is the kit's.
type Kind = 'read' | 'write';
const FAULTS: FaultCatalog<Kind> = {
  BUSY: { on: ['write'], status: 409, errorCode: 'BUSY', message: 'the widget table is locked' },
  503: { on: ['read', 'write'], status: 503, errorCode: 'HTTP_503', message: 'unavailable' },
};

function fakeVendor(events: string[], widgets: Map<string, { name: string }>) {
  let expired = 0;
  const definition = defineSandbox<{ dailyLimit: number }, Kind>({
    configSchema: z.object({ dailyLimit: z.number().default(100) }),
    faults: FAULTS,
    rules: { errorCode: 'RULE', message: 'refused by a rule' },
    limitErrorCode: 'QUOTA',
    dailyLimit: (config) => config.dailyLimit,
    setup: async (app, { kit }) => {
      kit.onExpireSessions(() => { expired++; });
      app.addHook('onRequest', async (request, reply) => {
        if (request.url.includes('/_')) return;
        const verdict = await kit.account({ endpoint: `${request.method} ${request.routeOptions.url}`, kind: request.method === 'GET' ? 'read' : 'write' });
        if (verdict.kind === 'over-limit') return reply.code(429).send({ code: 'QUOTA' });
        if (verdict.kind === 'fault') return reply.code(verdict.spec.status).send({ code: verdict.spec.errorCode });
      });
      app.addHook('onSend', async () => { await kit.afterWork(); });
      app.post('/widgets', async (request, reply) => {
        const body = request.body as { id: string; name: string };
        events.push(`work ${body.id}`);
        const rule = kit.ruleFor('Widget', body);
        if (rule) return reply.code(400).send({ code: rule.errorCode, message: rule.message });
        widgets.set(body.id, { name: body.name });
        return reply.code(201).send({ id: body.id });
      });
      app.get('/widgets', async () => [...widgets.keys()]);
      return { records: () => new Map([['Widget', widgets.size]]) };
    },
  });
  return { definition, expired: () => expired };
}

let app: FastifyInstance | undefined;
afterEach(async () => { await app?.close(); app = undefined; });

async function start(config: { dailyLimit?: number } = {}) {
  const events: string[] = [];
  const widgets = new Map<string, { name: string }>();
  const vendor = fakeVendor(events, widgets);
  app = Fastify();
  const parsed = vendor.definition.configSchema.parse(config);
  await app.register(async (scope) => vendor.definition.plugin(scope, { config: parsed, baseUrl: () => 'http://127.0.0.1/sandbox/fake', dataDir: tmpdir() }), { prefix: '/sandbox/fake' });
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => app!.inject({ method, url: `/sandbox/fake${url}`, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { call, events, widgets, expired: vendor.expired };
}

describe('the sandbox kit, with a fake vendor', () => {
  it('counts every call per endpoint and the records per object in _stats', async () => {
    const { call } = await start();
    await call('POST', '/widgets', { id: 'a', name: 'A' });
    await call('POST', '/widgets', { id: '__proto__', name: 'B' });
    await call('GET', '/widgets');
    const before = Date.now();
    const stats = (await call('GET', '/_stats')).json();
    // `at`: the sandbox's clock when it read the counts, for rates between two readings.
    expect(stats.at).toBeGreaterThanOrEqual(before);
    expect(stats.at).toBeLessThanOrEqual(Date.now());
    expect(stats).toEqual({
      at: stats.at, totalCalls: 3, calls: { 'POST /sandbox/fake/widgets': 2, 'GET /sandbox/fake/widgets': 1 },
      records: { Widget: 2 }, apiUsage: { used: 3, limit: 100 }, errors: {},
    });
  });

  it('injects a fault only on the kinds of call the vendor says can get it', async () => {
    const { call, widgets } = await start();
    expect((await call('PUT', '/_faults', { errors: { BUSY: 1 } })).statusCode).toBe(200);
    const write = await call('POST', '/widgets', { id: 'a', name: 'A' });
    expect(write.statusCode).toBe(409);
    expect(write.json()).toEqual({ code: 'BUSY' });
    expect(widgets.size).toBe(0);
    expect((await call('GET', '/widgets')).statusCode).toBe(200);
    expect((await call('GET', '/_stats')).json().errors).toEqual({ BUSY: 1 });
  });

  it('makes injection repeatable with a seed', async () => {
    const { call } = await start();
    const run = async (seed: number) => {
      await call('PUT', '/_faults', { errors: { 503: 0.5 }, seed });
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) statuses.push((await call('GET', '/widgets')).statusCode);
      return statuses;
    };
    const first = await run(7);
    expect(await run(7)).toEqual(first);
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await run(8)).not.toEqual(first);
  });

  it('waits latencyMs before the work and responseDelayMs after it', async () => {
    const { call, events } = await start();
    await call('PUT', '/_faults', { latencyMs: 150, responseDelayMs: 250 });
    const started = Date.now();
    const answer = call('POST', '/widgets', { id: 'a', name: 'A' }).then((r) => { events.push('answered'); return r; });
    await new Promise((r) => setTimeout(r, 60));
    expect(events).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(events).toEqual(['work a']);
    expect((await answer).statusCode).toBe(201);
    expect(events).toEqual(['work a', 'answered']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });

  it('refuses calls past the daily limit, counting usage from apiUsage', async () => {
    const { call } = await start({ dailyLimit: 50 });
    const faults = (await call('PUT', '/_faults', { dailyLimit: 3, apiUsage: 2 })).json();
    expect(faults).toMatchObject({ dailyLimit: 3, apiUsage: 2 });
    expect((await call('GET', '/widgets')).statusCode).toBe(200);
    expect((await call('GET', '/widgets')).statusCode).toBe(429);
    expect((await call('GET', '/_stats')).json()).toMatchObject({ totalCalls: 2, apiUsage: { used: 3, limit: 3 }, errors: { QUOTA: 1 } });
  });

  it('refuses a record a rule names, with the vendor\'s default code, and expires sessions once', async () => {
    const { call, expired } = await start();
    await call('PUT', '/_faults', { rules: [{ object: 'Widget', field: 'name', equals: 'bad' }], expireSessions: true });
    expect(expired()).toBe(1);
    const refused = await call('POST', '/widgets', { id: 'a', name: 'bad' });
    expect(refused.json()).toEqual({ code: 'RULE', message: 'refused by a rule' });
    expect((await call('POST', '/widgets', { id: 'b', name: 'good' })).statusCode).toBe(201);
    expect((await call('GET', '/_faults')).json()).toMatchObject({ rules: [{ object: 'Widget', field: 'name', equals: 'bad', errorCode: 'RULE' }] });
  });

  it('answers 400 SANDBOX_BAD_FAULTS for a fault the vendor does not know or a bad body, keeping the faults in force', async () => {
    const { call } = await start();
    await call('PUT', '/_faults', { latencyMs: 1 });
    const unknown = await call('PUT', '/_faults', { errors: { NOPE: 1, constructor: 1 } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ code: 'SANDBOX_BAD_FAULTS', details: { unknown: ['NOPE', 'constructor'] } });
    const bad = await call('PUT', '/_faults', { latencyMs: -1 });
    expect(bad.json().error.details.issues[0].key).toBe('latencyMs');
    expect((await call('GET', '/_faults')).json().latencyMs).toBe(1);
  });
});

describe('SandboxKit without Fastify', () => {
  it('refuses invalid initial faults', () => {
    expect(() => new SandboxKit({ faults: FAULTS, schema: faultsSchema({ errorCode: 'X', message: 'm' }), dailyLimit: 1, limitErrorCode: 'Q', initial: { errors: { NOPE: 1 } } })).toThrow(/Unknown fault keys: NOPE/);
  });
});

describe('JournalFile', () => {
  it('keeps journalled changes across a crash, drops a torn last line, and empties the journal on flush', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kit-journal-')), 'data', 'store.json');
    let state = { n: 0 };
    const journal = new JournalFile<{ n: number }, { add: number }>({ file, snapshot: () => state, flushMs: 60_000 });
    journal.flush();
    journal.append({ add: 2 });
    journal.append({ add: 3 });
    appendFileSync(`${file}.journal`, '{"add":');
    // A new process reads what the dead one left: the snapshot, then the whole lines of the journal.
    const reopened = new JournalFile<{ n: number }, { add: number }>({ file, snapshot: () => state });
    expect(reopened.load()).toEqual({ snapshot: { n: 0 }, entries: [{ add: 2 }, { add: 3 }] });
    state = { n: 5 };
    reopened.flush();
    expect(existsSync(`${file}.journal`)).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ n: 5 });
    expect(reopened.load()).toEqual({ snapshot: { n: 5 }, entries: [] });
  });
});
