import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ParsedEvent, pullEvents, type PullBatch, type PullDeps, type PullRequest } from '../../../src/connectors/index.ts';
import { sample, parse } from '../activity-api/testing/samples.ts';
import { XSourceConfig } from '../config.ts';
import x from '../index.ts';
import { DEMO_BEARER_TOKEN, XSandboxConfig } from '../sandbox/config.ts';
import { createXSandbox } from '../sandbox/plugin.ts';

// X's pull end to end: the source-pull kit's real HTTP client against the X API v2 sandbox on
// 127.0.0.1, both on the test's clock (a rate-limit reset is reached by the kit's sleep moving it).
const START = Date.parse('2026-12-01T12:00:00.000Z');
const BRAND = '1111111111111111111';
const FAN = '2222222222222222222';

const apps: FastifyInstance[] = [];
afterEach(async () => { await Promise.all(apps.splice(0).map((app) => app.close())); });

async function setup(options: { sandbox?: Record<string, unknown>; pull?: Record<string, unknown> } = {}) {
  const clock = { t: START };
  const app = Fastify();
  apps.push(app);
  const definition = createXSandbox({ now: () => clock.t });
  await app.register(async (scope) => definition.plugin(scope, { config: XSandboxConfig.parse(options.sandbox ?? {}), baseUrl: () => '', dataDir: '/nonexistent' }), { prefix: '/sandbox/x' });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const sandboxUrl = `${address}/sandbox/x`;
  const sleeps: number[] = [];
  const rateLimited: number[] = [];
  const deps: PullDeps = {
    source: 'x', sandboxUrl, now: () => new Date(clock.t),
    sleep: async (ms) => { sleeps.push(ms); clock.t += ms; },
    onRateLimited: (ms) => rateLimited.push(ms),
    retry: { retries: 2, minDelayMs: 10, maxDelayMs: 10 },
  };
  const config = XSourceConfig.parse({ consumerSecret: 's', pull: { bearerToken: DEMO_BEARER_TOKEN, ...options.pull } });
  const seed = async (body: unknown) => {
    const answer = await fetch(`${sandboxUrl}/_seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(answer.status).toBe(200);
  };
  const stats = async () => (await fetch(`${sandboxUrl}/_stats`)).json() as Promise<{ calls: Record<string, number>; errors: Record<string, number> }>;
  const pull = async (request: PullRequest) => {
    const batches: PullBatch[] = [];
    for await (const batch of pullEvents(x, config, request, deps)) batches.push(batch);
    return batches.flatMap((batch) => batch.events);
  };
  return { clock, sleeps, rateLimited, seed, stats, pull, config, deps };
}

const brand = () => sample('post.create.json').data.includes.users![0]!;
const brandPost = () => sample('post.create.json').data.payload;
const reply = () => sample('post.reply.create.json').data.payload;
const fan = { id: FAN, username: 'AnotherUser', name: 'Another User' };
const interactions = (events: ParsedEvent[]) => events.filter((event) => event.data.kind === 'interaction');

describe('X\'s pull through the X API v2 sandbox', () => {
  it('gives a pulled post the key and the event the webhook parse gives the same post', async () => {
    const { seed, pull } = await setup();
    await seed({ users: [brand(), fan], posts: [brandPost(), reply()] });
    const events = await pull({ identity: { handle: 'ExampleUser' }, kinds: ['posts', 'mentions'] });
    for (const event of events) ParsedEvent.parse(event);

    const delivered = interactions(parse(sample('post.create.json')))[0]!;
    const pulledPost = events.find((event) => event.key === delivered.key);
    // The same key, so the store's dedup recognises it; and the same canonical event.
    expect(pulledPost).toEqual(delivered);

    const deliveredReply = interactions(parse(sample('post.reply.create.json')))[0]!;
    const pulledReply = events.find((event) => event.key === deliveredReply.key);
    expect(deliveredReply.key).toBe('tweet:2090000000000000001');
    expect(pulledReply?.data).toMatchObject({ kind: 'interaction', activity: 'reply', direction: 'inbound', inReplyTo: { networkId: '2080761390344937796' } });
    expect(interactions(events).map((event) => event.key)).toEqual([delivered.key, deliveredReply.key]);
    // The fan's profile came with the reply (expansion author_id), keyed as the webhook's includes would key it.
    expect(events.map((event) => event.key)).toContain(`${deliveredReply.key}/identity:${FAN}`);
  });

  it('without an identity pulls the brand\'s own account (pull.accountUserId): its posts outbound, a fan\'s reply inbound', async () => {
    const { seed, pull } = await setup({ pull: { accountUserId: BRAND } });
    await seed({ users: [brand(), fan], posts: [brandPost(), reply()] });
    const events = interactions(await pull({ kinds: ['posts', 'mentions'] }));
    expect(events.map((event) => [event.key, (event.data as { direction: string }).direction])).toEqual([
      ['tweet:2080761390344937796', 'outbound'], ['tweet:2090000000000000001', 'inbound'],
    ]);
  });

  it('pulls the profile as an identity keyed by its content: the same profile twice is one key', async () => {
    const { seed, pull } = await setup();
    await seed({ users: [brand()], posts: [] });
    const [first] = await pull({ identity: { userId: BRAND }, kinds: ['profile'] });
    const [again] = await pull({ identity: { handle: 'exampleuser' }, kinds: ['profile'] });
    expect(first).toMatchObject({ data: { kind: 'identity', userId: BRAND, handle: 'ExampleUser', location: 'San Francisco, CA' } });
    expect(again!.key).toBe(first!.key);
  });

  it('honours a 429 and its reset: waits until x-rate-limit-reset, then pulls the rest', async () => {
    const { seed, pull, sleeps, rateLimited, stats, clock } = await setup({
      sandbox: { rateLimits: { 'GET /2/users/:id/tweets': { limit: 1, windowSeconds: 900 } } }, pull: { pageSize: 5 },
    });
    const posts = Array.from({ length: 7 }, (_, i) => ({ id: String(4000 + i), text: `post ${i}`, author_id: BRAND, created_at: new Date(START - i * 60_000).toISOString() }));
    await seed({ users: [brand()], posts });
    const events = await pull({ identity: { userId: BRAND }, kinds: ['posts'] });
    expect(interactions(events).map((event) => event.key)).toEqual(posts.map((post) => `tweet:${post.id}`));
    // The first page left the window spent (remaining 0): the kit waited for the reset before the
    // second call, so the sandbox never had to refuse one.
    const reset = Math.ceil((START + 900_000) / 1000) * 1000;
    expect(sleeps).toEqual([reset - START + 1000]);
    expect(rateLimited).toEqual(sleeps);
    expect(clock.t).toBe(reset + 1000);
    expect((await stats()).calls['GET /2/users/:id/tweets']).toBe(2);
  });

  it('when another client spent the window, the 429 is waited out until its reset', async () => {
    const { seed, pull, sleeps, stats, deps } = await setup({ sandbox: { rateLimits: { 'GET /2/users/:id/mentions': { limit: 1, windowSeconds: 60 } } } });
    await seed({ users: [brand(), fan], posts: [reply()] });
    // Someone else's call spends the window.
    await fetch(`${deps.sandboxUrl}/2/users/${BRAND}/mentions`, { headers: { authorization: `Bearer ${DEMO_BEARER_TOKEN}` } });
    const events = await pull({ identity: { userId: BRAND }, kinds: ['mentions'] });
    expect(interactions(events).map((event) => event.key)).toEqual(['tweet:2090000000000000001']);
    expect(sleeps).toEqual([Math.ceil((START + 60_000) / 1000) * 1000 - START + 1000]);
    expect((await stats()).errors).toMatchObject({ TooManyRequests: 1 });
  });

  it('retries the sandbox\'s transient 503s, and fails for good on a wrong token or an unknown handle', async () => {
    const { seed, pull, deps, sleeps } = await setup();
    await seed({ users: [brand()], posts: [brandPost()] });
    await fetch(`${deps.sandboxUrl}/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errors: { 503: 0.5 }, seed: 7 }) });
    const events = await pull({ identity: { userId: BRAND }, kinds: ['posts'] });
    expect(interactions(events)).toHaveLength(1);
    expect(sleeps).toContain(10);
    await fetch(`${deps.sandboxUrl}/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });

    await expect(pull({ identity: { handle: 'nobody' }, kinds: ['posts'] })).rejects.toMatchObject({ code: 'PARLEY_PULL_FAILED', details: { kind: 'profile' } });
    const unconfigured = XSourceConfig.parse({ consumerSecret: 's' });
    await expect(pullEvents(x, unconfigured, { identity: { userId: BRAND } }, deps).next()).rejects.toMatchObject({ code: 'PARLEY_PULL_UNSUPPORTED' });
    const wrong = await setup({ pull: { bearerToken: 'not-the-token' } });
    await expect(wrong.pull({ identity: { userId: BRAND } })).rejects.toMatchObject({ code: 'PARLEY_PULL_FAILED', details: { httpStatus: 401, scope: 'config' } });
  });
});
