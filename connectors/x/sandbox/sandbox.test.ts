import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { sample } from '../activity-api/testing/samples.ts';
import { DEMO_BEARER_TOKEN, XSandboxConfig } from './config.ts';
import { createXSandbox } from './plugin.ts';

// The X API v2 sandbox's wire: paths, bodies, headers, auth, rate-limit windows, faults. The
// sandbox's clock is the test's, so a window's reset is reached by moving it, not by waiting.
const START = Date.parse('2026-12-01T12:00:00.000Z');
const AUTH = { authorization: `Bearer ${DEMO_BEARER_TOKEN}` };
const BRAND = '1111111111111111111';
const FAN = '2244994945';

let app: FastifyInstance | undefined;
afterEach(async () => { await app?.close(); app = undefined; });

async function sandbox(config: Record<string, unknown> = {}) {
  const clock = { t: START };
  app = Fastify();
  const definition = createXSandbox({ now: () => clock.t });
  await app.register(async (scope) => definition.plugin(scope, { config: XSandboxConfig.parse(config), baseUrl: () => 'http://127.0.0.1/sandbox/x', dataDir: '/nonexistent' }), { prefix: '/sandbox/x' });
  const get = (url: string, headers: Record<string, string> = AUTH) => app!.inject({ method: 'GET', url: `/sandbox/x${url}`, headers });
  return { clock, get, inject: app.inject.bind(app) };
}

const brandUser = () => sample('post.create.json').data.includes.users![0] as Record<string, unknown>;
const brandPost = () => sample('post.create.json').data.payload;
function post(id: string, minute: number, extra: Record<string, unknown> = {}) {
  return { id, text: `post ${id} @ExampleUser`, author_id: FAN, created_at: new Date(START - minute * 60_000).toISOString(), ...extra };
}
const fan = { id: FAN, username: 'XDevelopers', name: 'Developers', description: 'the fan', location: 'Internet' };

async function seeded(config: Record<string, unknown> = {}) {
  const s = await sandbox(config);
  const mentions = Array.from({ length: 7 }, (_, i) => post(String(3000 + i), i, { entities: { mentions: [{ start: 12, end: 24, username: 'ExampleUser', id: BRAND }] } }));
  const seed = await s.inject({ method: 'POST', url: '/sandbox/x/_seed', payload: { users: [brandUser(), fan], posts: [brandPost(), ...mentions, post('2999', 30)] } });
  expect(seed.json()).toEqual({ users: 2, posts: 9, media: 0 });
  return s;
}

describe('the X API v2 sandbox', () => {
  it('looks a user up by id and by username with X\'s default fields, and more when user.fields asks', async () => {
    const { get } = await seeded();
    const byId = await get(`/2/users/${BRAND}`);
    expect(byId.statusCode).toBe(200);
    expect(byId.json()).toEqual({ data: { id: BRAND, name: 'Example User', username: 'ExampleUser' } });
    const byName = await get('/2/users/by/username/exampleuser?user.fields=description,public_metrics');
    expect(byName.json().data).toMatchObject({ id: BRAND, description: 'Building with the X AnotherUser @XDevelopers', public_metrics: { followers_count: 5502 } });
  });

  it('answers an unknown user with a 200 carrying X\'s resource-not-found error', async () => {
    const { get } = await seeded();
    const answer = await get('/2/users/by/username/nobody');
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ errors: [expect.objectContaining({ title: 'Not Found Error', resource_type: 'user', parameter: 'username', value: 'nobody', type: 'https://api.x.com/2/problems/resource-not-found' })] });
  });

  it('serves a user\'s posts newest first, with fields, expansions and includes', async () => {
    const { get } = await seeded();
    const answer = await get(`/2/users/${BRAND}/tweets?tweet.fields=created_at,author_id&expansions=author_id&user.fields=location`);
    expect(answer.json()).toEqual({
      data: [{ id: '2080761390344937796', text: 'Hello from the Activity API', edit_history_tweet_ids: ['2080761390344937796'], created_at: '2026-07-24T21:05:48.000Z', author_id: BRAND }],
      includes: { users: [{ id: BRAND, name: 'Example User', username: 'ExampleUser', location: 'San Francisco, CA' }] },
      meta: { result_count: 1, newest_id: '2080761390344937796', oldest_id: '2080761390344937796' },
    });
  });

  it('pages the mentions timeline with max_results and next_token, and narrows it by start_time/end_time', async () => {
    const { get } = await seeded();
    const first = (await get(`/2/users/${BRAND}/mentions?max_results=5`)).json();
    expect(first.data.map((p: { id: string }) => p.id)).toEqual(['3000', '3001', '3002', '3003', '3004']);
    expect(first.meta).toMatchObject({ result_count: 5, newest_id: '3000', oldest_id: '3004', next_token: expect.any(String) });
    const second = (await get(`/2/users/${BRAND}/mentions?max_results=5&pagination_token=${first.meta.next_token}`)).json();
    expect(second.data.map((p: { id: string }) => p.id)).toEqual(['3005', '3006']);
    expect(second.meta.next_token).toBeUndefined();
    const ranged = (await get(`/2/users/${BRAND}/mentions?start_time=${iso(START - 3 * 60_000)}&end_time=${iso(START - 60_000)}`)).json();
    expect(ranged.data.map((p: { id: string }) => p.id)).toEqual(['3001', '3002', '3003']);
    const empty = (await get(`/2/users/${BRAND}/mentions?start_time=${iso(START + 60_000)}`)).json();
    expect(empty).toEqual({ meta: { result_count: 0 } });
  });

  it('refuses bad parameters with X\'s invalid-request body', async () => {
    const { get } = await seeded();
    for (const query of ['max_results=4', 'max_results=101', 'tweet.fields=nonsense', 'start_time=yesterday', 'pagination_token=abc', 'colour=red']) {
      const answer = await get(`/2/users/${BRAND}/tweets?${query}`);
      expect(answer.statusCode, query).toBe(400);
      expect(answer.json(), query).toMatchObject({ title: 'Invalid Request', type: 'https://api.x.com/2/problems/invalid-request', errors: [expect.objectContaining({ parameters: expect.any(Object) })] });
    }
    expect((await get('/2/users/not-an-id')).statusCode).toBe(400);
  });

  it('needs the bearer token: 401 with X\'s body, rate-limit headers and no count against the window', async () => {
    const { get } = await seeded();
    const answer = await get(`/2/users/${BRAND}`, { authorization: 'Bearer wrong' });
    expect(answer.statusCode).toBe(401);
    expect(answer.json()).toEqual({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    expect(answer.headers['x-rate-limit-remaining']).toBe('300');
    expect((await get(`/2/users/${BRAND}`, {})).statusCode).toBe(401);
  });

  it('sends x-rate-limit-* on every answer and a 429 once the window is spent, until its reset', async () => {
    const { get, clock } = await seeded({ rateLimits: { 'GET /2/users/:id/tweets': { limit: 2, windowSeconds: 900 } } });
    const reset = String(Math.ceil((START + 900_000) / 1000));
    const one = await get(`/2/users/${BRAND}/tweets`);
    expect(one.headers).toMatchObject({ 'x-rate-limit-limit': '2', 'x-rate-limit-remaining': '1', 'x-rate-limit-reset': reset });
    expect((await get(`/2/users/${BRAND}/tweets`)).headers['x-rate-limit-remaining']).toBe('0');
    const refused = await get(`/2/users/${BRAND}/tweets`);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({ errors: [{ code: 88, message: 'Rate limit exceeded' }] });
    expect(refused.headers).toMatchObject({ 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': reset });
    // Other endpoints have windows of their own.
    expect((await get(`/2/users/${BRAND}/mentions`)).headers['x-rate-limit-limit']).toBe('450');
    clock.t = Number(reset) * 1000;
    const after = await get(`/2/users/${BRAND}/tweets`);
    expect(after.statusCode).toBe(200);
    expect(after.headers['x-rate-limit-remaining']).toBe('1');
  });

  it('changes windows at run time (PUT /_rate-limits), injects faults and counts calls in _stats', async () => {
    const { get, inject } = await seeded();
    const limits = await inject({ method: 'PUT', url: '/sandbox/x/_rate-limits', payload: { 'GET /2/users/:id': { limit: 1, windowSeconds: 60 } } });
    expect(limits.json()['GET /2/users/:id']).toEqual({ limit: 1, windowSeconds: 60 });
    expect((await inject({ method: 'PUT', url: '/sandbox/x/_rate-limits', payload: { 'GET /nope': { limit: 1, windowSeconds: 1 } } })).statusCode).toBe(400);
    await get(`/2/users/${BRAND}`);
    expect((await get(`/2/users/${BRAND}`)).statusCode).toBe(429);
    expect((await inject({ method: 'PUT', url: '/sandbox/x/_faults', payload: { errors: { 503: 1 } } })).statusCode).toBe(200);
    const failing = await get(`/2/users/${BRAND}/mentions`);
    expect(failing.statusCode).toBe(503);
    expect(failing.headers['x-rate-limit-limit']).toBe('450');
    const stats = (await inject({ method: 'GET', url: '/sandbox/x/_stats' })).json();
    expect(stats).toMatchObject({ records: { users: 2, posts: 9 }, calls: { 'GET /2/users/:id': 1, 'GET /2/users/:id/mentions': 1 }, errors: { TooManyRequests: 1, ServiceUnavailable: 1 } });
  });

  it('answers a path X does not serve with a 404 resource-not-found, and refuses an invalid seed', async () => {
    const { get, inject } = await seeded();
    const answer = await get('/2/users/1/likes');
    expect(answer.statusCode).toBe(404);
    expect(answer.json()).toMatchObject({ title: 'Not Found Error', type: 'https://api.x.com/2/problems/resource-not-found', status: 404 });
    const seed = await inject({ method: 'POST', url: '/sandbox/x/_seed', payload: { posts: [{ id: 1, text: 'x' }] } });
    expect(seed.statusCode).toBe(400);
    expect(seed.json().error.code).toBe('SANDBOX_BAD_SEED');
  });
});

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
