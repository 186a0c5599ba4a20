import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_PAGE_TOKEN, MetaSandboxConfig } from './config.ts';
import { createMetaSandbox } from './plugin.ts';

// The Meta Graph API sandbox's wire: versioned paths, bodies, fields, cursor paging, usage headers,
// throttling, auth and faults. Its clock is the test's: the budget's window moves without waiting.
const START = Date.parse('2026-12-01T12:00:00.000Z');
const PAGE = '1234567890321';
const FAN = '1100000000000001';
const AUTH = { authorization: `Bearer ${DEMO_PAGE_TOKEN}` };

let app: FastifyInstance | undefined;
afterEach(async () => { await app?.close(); app = undefined; });

async function sandbox(config: Record<string, unknown> = {}) {
  const clock = { t: START };
  app = Fastify();
  const definition = createMetaSandbox({ now: () => clock.t });
  await app.register(async (scope) => definition.plugin(scope, { config: MetaSandboxConfig.parse(config), baseUrl: () => 'http://127.0.0.1:9/sandbox/meta', dataDir: '/nonexistent' }), { prefix: '/sandbox/meta' });
  const get = (url: string, headers: Record<string, string> = AUTH) => app!.inject({ method: 'GET', url: `/sandbox/meta${url}`, headers });
  return { clock, get, inject: app.inject.bind(app) };
}

const seconds = (minutesAgo: number) => Math.floor(START / 1000) - minutesAgo * 60;
const posts = Array.from({ length: 5 }, (_, i) => ({
  id: `${PAGE}_90000000000000${i}`, message: `post ${i}`, created_time: seconds(10 * i), from: { id: PAGE, name: 'Acme' }, status_type: 'mobile_status_update',
}));
const POST = posts[0]!.id;
const comments = [
  { id: '900000000000000_700000000000001', post_id: POST, message: 'first!', created_time: seconds(5), from: { id: FAN, name: 'Fan One' } },
  { id: '900000000000000_700000000000002', post_id: POST, parent_id: '900000000000000_700000000000001', message: 'a reply', created_time: seconds(4), from: { id: PAGE, name: 'Acme' } },
  { id: '900000000000000_700000000000003', post_id: POST, message: 'second', created_time: seconds(3), from: { id: FAN, name: 'Fan One' } },
];

async function seeded(config: Record<string, unknown> = {}) {
  const s = await sandbox(config);
  const seed = await s.inject({ method: 'POST', url: '/sandbox/meta/_seed', payload: { pages: [{ id: PAGE, name: 'Acme' }], posts, comments } });
  expect(seed.json()).toEqual({ pages: 1, posts: 5, comments: 3, igUsers: 0, igMedia: 0, igComments: 0 });
  return s;
}

describe('the Meta Graph API sandbox', () => {
  it('serves a Page node with its default fields and those `fields` asks for', async () => {
    const { get } = await seeded();
    const node = await get(`/v21.0/${PAGE}`);
    expect(node.statusCode).toBe(200);
    expect(node.json()).toEqual({ id: PAGE, name: 'Acme' });
    expect((await get(`/v21.0/${PAGE}?fields=id`)).json()).toEqual({ id: PAGE });
  });

  it('serves the feed newest first with Graph times, the fields asked for, and cursor paging with next', async () => {
    const { get } = await seeded();
    const first = await get(`/v21.0/${PAGE}/feed?fields=id,message,created_time,from{name},status_type&limit=2`);
    expect(first.statusCode).toBe(200);
    const body = first.json();
    expect(body.data).toEqual([
      { id: posts[0]!.id, message: 'post 0', created_time: '2026-12-01T12:00:00+0000', from: { id: PAGE, name: 'Acme' }, status_type: 'mobile_status_update' },
      { id: posts[1]!.id, message: 'post 1', created_time: '2026-12-01T11:50:00+0000', from: { id: PAGE, name: 'Acme' }, status_type: 'mobile_status_update' },
    ]);
    expect(body.paging.cursors).toEqual({ before: expect.any(String), after: expect.any(String) });
    expect(body.paging.previous).toBeUndefined();
    const next = new URL(body.paging.next);
    expect(next.origin + next.pathname).toBe(`http://127.0.0.1:9/sandbox/meta/v21.0/${PAGE}/feed`);
    expect(next.searchParams.get('after')).toBe(body.paging.cursors.after);
    expect(next.searchParams.get('limit')).toBe('2');
    // Following `next` (its path and query) gives the next page, and the last page has no `next`.
    const second = (await get(`/v21.0/${PAGE}/feed?${next.searchParams.toString()}`)).json();
    expect(second.data.map((p: { id: string }) => p.id)).toEqual([posts[2]!.id, posts[3]!.id]);
    expect(second.paging.previous).toContain('before=');
    const third = (await get(`/v21.0/${PAGE}/feed?fields=id&limit=2&after=${encodeURIComponent(second.paging.cursors.after)}`)).json();
    expect(third.data).toEqual([{ id: posts[4]!.id }]);
    expect(third.paging.next).toBeUndefined();
  });

  it('narrows the feed to since/until (Unix seconds, inclusive) and answers an empty page as {data: []}', async () => {
    const { get } = await seeded();
    const ranged = (await get(`/v21.0/${PAGE}/feed?fields=id&since=${seconds(30)}&until=${seconds(10)}`)).json();
    expect(ranged.data.map((p: { id: string }) => p.id)).toEqual([posts[1]!.id, posts[2]!.id, posts[3]!.id]);
    expect((await get(`/v21.0/${PAGE}/feed?since=${seconds(-60)}`)).json()).toEqual({ data: [] });
  });

  it('serves a post\'s comments oldest first: top-level by default, replies with `parent` under filter=stream', async () => {
    const { get } = await seeded();
    const top = (await get(`/v21.0/${POST}/comments`)).json();
    expect(top.data).toEqual([
      { id: comments[0]!.id, message: 'first!', created_time: '2026-12-01T11:55:00+0000', from: { id: FAN, name: 'Fan One' } },
      { id: comments[2]!.id, message: 'second', created_time: '2026-12-01T11:57:00+0000', from: { id: FAN, name: 'Fan One' } },
    ]);
    const stream = (await get(`/v21.0/${POST}/comments?filter=stream&fields=id,parent{id}`)).json();
    expect(stream.data).toEqual([{ id: comments[0]!.id }, { id: comments[1]!.id, parent: { id: comments[0]!.id } }, { id: comments[2]!.id }]);
    const replies = (await get(`/v21.0/${comments[0]!.id}/comments?fields=id,message`)).json();
    expect(replies.data).toEqual([{ id: comments[1]!.id, message: 'a reply' }]);
  });

  it('sends the three usage headers on every answer, as JSON percentages of the Page budget', async () => {
    const { get } = await seeded({ budget: { calls: 4, windowSeconds: 3600 } });
    const answer = await get(`/v21.0/${PAGE}/feed`);
    expect(JSON.parse(answer.headers['x-app-usage'] as string)).toEqual({ call_count: 25, total_cputime: 12, total_time: 25 });
    expect(JSON.parse(answer.headers['x-page-usage'] as string)).toEqual({ call_count: 25, total_cputime: 12, total_time: 25 });
    expect(JSON.parse(answer.headers['x-business-use-case-usage'] as string)).toEqual({
      [PAGE]: [{ type: 'pages', call_count: 25, total_cputime: 12, total_time: 25, estimated_time_to_regain_access: 0 }],
    });
    // A refused token counts nothing, and still reports the usage.
    const refused = await get(`/v21.0/${PAGE}/feed`, { authorization: 'Bearer wrong' });
    expect(JSON.parse(refused.headers['x-app-usage'] as string).call_count).toBe(25);
  });

  it('throttles with the Graph error body once the budget is spent, until the window frees a call', async () => {
    const { get, clock } = await seeded({ budget: { calls: 2, windowSeconds: 3600 } });
    await get(`/v21.0/${PAGE}`);
    clock.t += 10 * 60_000;
    await get(`/v21.0/${POST}/comments`);
    const refused = await get(`/v21.0/${PAGE}/feed`);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toEqual({ error: { message: '(#32) Page request limit reached', type: 'OAuthException', code: 32, is_transient: true, fbtrace_id: expect.any(String) } });
    const usage = JSON.parse(refused.headers['x-business-use-case-usage'] as string)[PAGE][0];
    expect(usage).toMatchObject({ call_count: 100, estimated_time_to_regain_access: 50 });
    clock.t += 50 * 60_000;
    expect((await get(`/v21.0/${PAGE}/feed`)).statusCode).toBe(200);
  });

  it('answers code 4 with 403 when so configured, and the budget can change at run time (PUT /_budget)', async () => {
    const { get, inject } = await seeded({ throttle: { code: 4 } });
    const set = await inject({ method: 'PUT', url: '/sandbox/meta/_budget', payload: { calls: 1, windowSeconds: 60 } });
    expect(set.json()).toEqual({ calls: 1, windowSeconds: 60 });
    await get(`/v21.0/${PAGE}`);
    const refused = await get(`/v21.0/${PAGE}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 4, message: '(#4) Application request limit reached' });
    expect((await inject({ method: 'PUT', url: '/sandbox/meta/_budget', payload: { calls: 0 } })).statusCode).toBe(400);
  });

  it('refuses a missing or unknown token, an unknown object, field, edge, path or version with Graph errors', async () => {
    const { get } = await seeded();
    const none = await get(`/v21.0/${PAGE}/feed`, {});
    expect([none.statusCode, none.json().error]).toEqual([400, expect.objectContaining({ code: 104, type: 'OAuthException' })]);
    expect((await get(`/v21.0/${PAGE}/feed?access_token=${DEMO_PAGE_TOKEN}`, {})).statusCode).toBe(200);
    expect((await get(`/v21.0/${PAGE}/feed`, { authorization: 'OAuth nope' })).json().error.code).toBe(190);
    expect((await get('/v21.0/999/feed')).json().error).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
    expect((await get(`/v21.0/${PAGE}/feed?fields=id,nope`)).json().error).toMatchObject({ code: 100, message: '(#100) Tried accessing nonexisting field (nope) on node type (PagePost)' });
    expect((await get(`/v21.0/${PAGE}/likes`)).json().error).toMatchObject({ code: 100, message: '(#100) Tried accessing nonexisting field (likes) on node type (Page)' });
    expect((await get(`/v21.0/${PAGE}/feed?limit=x`)).json().error.code).toBe(100);
    expect((await get(`/v2.0/${PAGE}/feed`)).json().error.code).toBe(2635);
    const path = await get('/nope');
    expect([path.statusCode, path.json().error.code]).toEqual([400, 2500]);
  });

  it('serves only the configured versions', async () => {
    const { get } = await seeded({ versions: ['v19.0'] });
    expect((await get(`/v19.0/${PAGE}`)).statusCode).toBe(200);
    expect((await get(`/v21.0/${PAGE}`)).statusCode).toBe(400);
  });

  it('injects faults with the usage headers, counts calls in _stats, and refuses an invalid seed', async () => {
    const { get, inject } = await seeded();
    expect((await inject({ method: 'PUT', url: '/sandbox/meta/_faults', payload: { errors: { 2: 1 } } })).statusCode).toBe(200);
    const failing = await get(`/v21.0/${POST}/comments`);
    expect(failing.statusCode).toBe(503);
    expect(failing.json().error).toMatchObject({ code: 2, is_transient: true });
    expect(failing.headers['x-app-usage']).toBeDefined();
    await inject({ method: 'PUT', url: '/sandbox/meta/_faults', payload: {} });
    await get(`/v21.0/${PAGE}/feed`);
    const stats = (await inject({ method: 'GET', url: '/sandbox/meta/_stats' })).json();
    expect(stats).toMatchObject({ records: { pages: 1, posts: 5, comments: 3 }, calls: { 'GET /{version}/{post-id}/comments': 1, 'GET /{version}/{page-id}/feed': 1 }, errors: { 2: 1 } });
    const seed = await inject({ method: 'POST', url: '/sandbox/meta/_seed', payload: { posts: [{ id: '12', created_time: 1 }] } });
    expect(seed.statusCode).toBe(400);
    expect(seed.json().error.code).toBe('SANDBOX_BAD_SEED');
  });

  it('serves an Instagram account\'s media newest first, a media\'s top-level comments with replies expanded, and a comment\'s replies', async () => {
    const { get, inject } = await sandbox({ budget: { calls: 3, windowSeconds: 3600 } });
    const [IG, MEDIA, C1, R1] = ['17841400000000001', '17900000000000001', '17850000000000001', '17850000000000002'];
    await inject({ method: 'POST', url: '/sandbox/meta/_seed', payload: {
      igUsers: [{ id: IG, username: 'acme' }],
      igMedia: [{ id: MEDIA, owner: IG, timestamp: seconds(60), caption: 'hi' }, { id: '17900000000000002', owner: IG, timestamp: seconds(5) }],
      igComments: [
        { id: C1, media_id: MEDIA, timestamp: seconds(20), text: 'Love it', from: { id: FAN, username: 'fan.one' } },
        { id: R1, media_id: MEDIA, parent_id: C1, timestamp: seconds(10), text: 'Thanks', from: { id: IG, username: 'acme' } },
      ],
    } });
    const media = (await get(`/v21.0/${IG}/media?fields=id,timestamp,caption`)).json();
    expect(media.data).toEqual([{ id: '17900000000000002', timestamp: '2026-12-01T11:55:00+0000' }, { id: MEDIA, timestamp: '2026-12-01T11:00:00+0000', caption: 'hi' }]);
    const comments = await get(`/v21.0/${MEDIA}/comments?fields=id,text,from{id,username},replies{id,parent_id,from{username}}`);
    expect(comments.json().data).toEqual([{
      id: C1, text: 'Love it', from: { id: FAN, username: 'fan.one' }, replies: { data: [{ id: R1, parent_id: C1, from: { id: IG, username: 'acme' } }] },
    }]);
    expect((await get(`/v21.0/${C1}/replies`)).json().data).toEqual([{ id: R1, text: 'Thanks', timestamp: '2026-12-01T11:50:00+0000' }]);
    // All three calls spent the account's budget (the media's and the comment's owner is the account).
    const usage = JSON.parse(comments.headers['x-business-use-case-usage'] as string);
    expect(usage[IG][0].call_count).toBe(66);
    expect((await get(`/v21.0/${IG}/media`)).statusCode).toBe(400);
  });
});
