import { describe, expect, it } from 'vitest';
import type { OutboundClient, OutboundRequest, OutboundResponse } from '../outbound.ts';
import type { ErrorClass } from '../destination.ts';
import { errors } from '../../errors.ts';
import { isPullHttpError, pullEvents, epochSecondsRateLimit, type PullBatch, type PullDeps, type PullRequest, type SourcePull } from './index.ts';

// A fake network: a user look-up by handle and a user's items, two per page, with X-style
// rate-limit headers. Its answers are scripted per call where a test needs a failure.
const START = Date.parse('2026-12-01T12:00:00.000Z');
const ITEMS = ['a', 'b', 'c', 'd', 'e'];

interface Vendor {
  client: OutboundClient;
  calls: string[];
  /** Answers to give instead of the normal one, in order, before normal service resumes. */
  script: Array<(now: number) => OutboundResponse | Error>;
  remaining: number;
}

function vendor(clock: { t: number }): Vendor {
  const state: Vendor = { calls: [], script: [], remaining: 100, client: undefined as never };
  const headers = (now: number) => ({
    'x-rate-limit-limit': '100', 'x-rate-limit-remaining': String(state.remaining), 'x-rate-limit-reset': String(Math.floor(now / 1000) + 60),
  });
  state.client = {
    assertTrusted() {},
    close: async () => {},
    async request(req: OutboundRequest): Promise<OutboundResponse> {
      const url = new URL(req.url);
      state.calls.push(`${url.pathname}${url.search}`);
      const scripted = state.script.shift();
      if (scripted) {
        const answer = scripted(clock.t);
        if (answer instanceof Error) throw answer;
        return answer;
      }
      if (req.headers?.authorization !== 'Bearer t0ken') return { status: 401, headers: headers(clock.t), body: '{"title":"Unauthorized"}' };
      if (url.pathname === '/users/by/acme') return { status: 200, headers: headers(clock.t), body: JSON.stringify({ id: '42' }) };
      const match = /^\/users\/(\d+)\/items$/.exec(url.pathname);
      if (!match) return { status: 404, headers: headers(clock.t), body: '{"title":"Not Found"}' };
      const offset = Number(url.searchParams.get('token') ?? '0');
      const page = ITEMS.slice(offset, offset + 2);
      const next = offset + 2 < ITEMS.length ? String(offset + 2) : undefined;
      return { status: 200, headers: headers(clock.t), body: JSON.stringify({ user: match[1], items: page, ...(next ? { next } : {}) }) };
    },
  };
  return state;
}

const classify = (error: unknown): ErrorClass => {
  if (!isPullHttpError(error)) return { kind: 'retryable' };
  if (error.status === 429) return { kind: 'rate-limited', retryAfterMs: 0 };
  if (error.status >= 500) return { kind: 'retryable' };
  return { kind: 'permanent', scope: 'config' };
};

const pull: SourcePull<{ token: string }> = {
  kinds: ['profile', 'items'],
  lookupKind: 'profile',
  baseUrl: () => 'https://api.example.com',
  request: (page, config) => ({
    method: 'GET',
    path: page.kind === 'profile' ? `/users/by/${page.subject.handle}` : `/users/${page.subject.userId}/items`,
    query: { token: page.pageToken },
    headers: { authorization: `Bearer ${config.token}` },
  }),
  read: (page, answer) => {
    const body = answer.body as { id?: string; items?: string[]; next?: string };
    if (page.kind === 'profile') return { events: [identity(body.id!)], subject: { userId: body.id! } };
    return { events: (body.items ?? []).map(item), ...(body.next ? { nextPageToken: body.next } : {}) };
  },
  rateLimit: epochSecondsRateLimit({ limit: 'x-rate-limit-limit', remaining: 'x-rate-limit-remaining', reset: 'x-rate-limit-reset' }),
  classify,
};
const definition = { id: 'fake', pull };
const config = { token: 't0ken' };

function identity(userId: string) {
  return { key: `identity:${userId}`, data: { kind: 'identity' as const, network: 'fake', userId, key: `fake:${userId}`, observedAt: new Date(START).toISOString() } } as never;
}
function item(id: string) {
  return { key: `item:${id}`, data: { kind: 'interaction' as const, network: 'fake', networkId: id } } as never;
}

function setup(extra: Partial<PullDeps> = {}) {
  const clock = { t: START };
  const sleeps: number[] = [];
  const fake = vendor(clock);
  const deps: PullDeps = {
    source: 'fake', client: fake.client, now: () => new Date(clock.t),
    sleep: async (ms) => { sleeps.push(ms); clock.t += ms; },
    retry: { retries: 2, minDelayMs: 100, maxDelayMs: 1000 }, ...extra,
  };
  return { clock, sleeps, fake, deps };
}

async function collect(iterable: AsyncIterable<PullBatch>): Promise<PullBatch[]> {
  const out: PullBatch[] = [];
  for await (const batch of iterable) out.push(batch);
  return out;
}
const keys = (batches: PullBatch[]) => batches.flatMap((b) => b.events.map((e) => e.key));
const rejection = async (iterable: AsyncIterable<PullBatch>) => collect(iterable).then(() => undefined, (error: unknown) => error);

describe('pullEvents', () => {
  it('looks the handle up first, then pages through the items', async () => {
    const { fake, deps, sleeps } = setup();
    const batches = await collect(pullEvents(definition, config, { identity: { handle: 'acme' }, kinds: ['items'] }, deps));
    expect(fake.calls).toEqual(['/users/by/acme', '/users/42/items', '/users/42/items?token=2', '/users/42/items?token=4']);
    // The look-up was not asked for: pulled for the user id, its events not handed out.
    expect(keys(batches)).toEqual(['item:a', 'item:b', 'item:c', 'item:d', 'item:e']);
    expect(sleeps).toEqual([]);
  });

  it('hands out the look-up when it is asked for', async () => {
    const { deps } = setup();
    const batches = await collect(pullEvents(definition, config, { identity: { handle: 'acme' } }, deps));
    expect(keys(batches)[0]).toBe('identity:42');
  });

  it('on a 429 waits until the announced reset (epoch seconds, plus the margin), then goes on', async () => {
    const { fake, deps, sleeps, clock } = setup();
    const reset = Math.floor(START / 1000) + 600;
    fake.script.push(() => ({ status: 429, headers: { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) }, body: '{"title":"Too Many Requests"}' }));
    const waits: number[] = [];
    const batches = await collect(pullEvents(definition, config, { identity: { userId: '42' }, kinds: ['items'] }, { ...deps, onRateLimited: (ms) => waits.push(ms) }));
    expect(sleeps).toEqual([reset * 1000 - START + 1000]);
    expect(waits).toEqual(sleeps);
    expect(clock.t).toBe(reset * 1000 + 1000);
    expect(keys(batches)).toEqual(['item:a', 'item:b', 'item:c', 'item:d', 'item:e']);
    expect(fake.calls.filter((c) => c === '/users/42/items')).toHaveLength(2);
  });

  it('when an answer leaves nothing in the window, waits for the reset before the next call', async () => {
    const { fake, deps, sleeps } = setup();
    fake.remaining = 0;
    await collect(pullEvents(definition, config, { identity: { userId: '42' }, kinds: ['items'] }, deps));
    // Three pages: a wait before the second and the third, none after the last.
    expect(sleeps).toEqual([61_000, 61_000]);
  });

  it('fails with PARLEY_PULL_RATE_LIMITED when 429s go on after every reset', async () => {
    const { fake, deps } = setup({ maxRateLimitWaits: 2 });
    for (let i = 0; i < 3; i++) fake.script.push((now) => ({ status: 429, headers: { 'x-rate-limit-reset': String(Math.floor(now / 1000) + 5) }, body: '' }));
    const error = await rejection(pullEvents(definition, config, { identity: { userId: '42' } , kinds: ['items'] }, deps));
    expect(error).toMatchObject({ code: errors.PULL_RATE_LIMITED.code, details: { source: 'fake', kind: 'items', waits: 2 } });
  });

  it('a 429 without any reset header waits the connector\'s retryAfterMs, else the default', async () => {
    const { fake, deps, sleeps } = setup({ defaultRateLimitWaitMs: 30_000 });
    fake.script.push(() => ({ status: 429, headers: {}, body: '' }));
    await collect(pullEvents(definition, config, { identity: { userId: '42' }, kinds: ['items'] }, deps));
    expect(sleeps).toEqual([30_000]);
  });

  it('retries a transient failure with backoff, and fails with PARLEY_PULL_FAILED when the retries are spent', async () => {
    const { fake, deps, sleeps } = setup();
    fake.script.push(() => ({ status: 503, headers: {}, body: 'busy' }), () => new Error('socket hang up'));
    const batches = await collect(pullEvents(definition, config, { identity: { userId: '42' }, kinds: ['items'] }, deps));
    expect(sleeps).toEqual([100, 200]);
    expect(keys(batches)).toHaveLength(5);

    const again = setup();
    for (let i = 0; i < 3; i++) again.fake.script.push(() => ({ status: 503, headers: {}, body: '{"title":"Service Unavailable"}' }));
    const error = await rejection(pullEvents(definition, config, { identity: { userId: '42' }, kinds: ['items'] }, again.deps));
    expect(error).toMatchObject({ code: errors.PULL_FAILED.code, details: { kind: 'items', httpStatus: 503, vendorCode: 'Service Unavailable' } });
  });

  it('fails at once on a permanent refusal, naming the status', async () => {
    const { deps, fake } = setup();
    const error = await rejection(pullEvents(definition, { token: 'wrong' }, { identity: { userId: '42' }, kinds: ['items'] }, deps));
    expect(error).toMatchObject({ code: errors.PULL_FAILED.code, details: { httpStatus: 401, vendorCode: 'Unauthorized', scope: 'config' } });
    expect(fake.calls).toHaveLength(1);
  });

  it('stops with PARLEY_PULL_CANCELLED when aborted during a wait, and makes no further call', async () => {
    const controller = new AbortController();
    const { fake, deps } = setup({
      signal: controller.signal,
      sleep: async (_ms, signal) => { controller.abort(); if (signal?.aborted) throw signal.reason; },
    });
    fake.script.push(() => ({ status: 429, headers: { 'x-rate-limit-reset': String(Math.floor(START / 1000) + 900) }, body: '' }));
    const error = await rejection(pullEvents(definition, config, { identity: { userId: '42' }, kinds: ['items'] }, deps));
    expect(error).toMatchObject({ code: errors.PULL_CANCELLED.code, details: { source: 'fake' } });
    expect(fake.calls).toHaveLength(1);
  });

  it('stops with PARLEY_PULL_CANCELLED when aborted during a call', async () => {
    const controller = new AbortController();
    const { fake, deps } = setup({ signal: controller.signal });
    const hanging = fake.client.request.bind(fake.client);
    fake.client.request = (req) => { controller.abort(); return new Promise<OutboundResponse>(() => {}).finally(() => hanging(req)); };
    const error = await rejection(pullEvents(definition, config, { identity: { userId: '42' }, kinds: ['items'] }, deps));
    expect(error).toMatchObject({ code: errors.PULL_CANCELLED.code });
  });

  it('resumes from a batch\'s cursor after the page it ended', async () => {
    const first = setup();
    const iterator = pullEvents(definition, config, { identity: { handle: 'acme' }, kinds: ['items'] }, first.deps);
    const seen: PullBatch[] = [];
    for await (const batch of iterator) {
      seen.push(batch);
      if (keys(seen).length === 2) break; // killed after the first page of items
    }
    const second = setup();
    const request: PullRequest = { identity: { handle: 'acme' }, kinds: ['items'], cursor: seen.at(-1)!.cursor };
    const rest = await collect(pullEvents(definition, config, request, second.deps));
    // No look-up again: the cursor remembers the user id.
    expect(second.fake.calls).toEqual(['/users/42/items?token=2', '/users/42/items?token=4']);
    expect([...keys(seen), ...keys(rest)]).toEqual(['item:a', 'item:b', 'item:c', 'item:d', 'item:e']);
    // The last cursor resumes to nothing.
    const done = setup();
    expect(await collect(pullEvents(definition, config, { ...request, cursor: rest.at(-1)!.cursor }, done.deps))).toEqual([]);
    expect(done.fake.calls).toEqual([]);
  });

  it('pulls the source\'s own account when the request names no identity, and refuses when there is none', async () => {
    const { deps, fake } = setup();
    const withAccount = { id: 'fake', pull: { ...pull, account: () => ({ userId: '42' }) } };
    expect(keys(await collect(pullEvents(withAccount, config, { kinds: ['items'] }, deps)))).toHaveLength(5);
    expect(fake.calls[0]).toBe('/users/42/items');
    await expect(rejection(pullEvents(definition, config, { kinds: ['items'] }, deps))).resolves.toMatchObject({ code: errors.PULL_BAD_REQUEST.code });
  });

  it('refuses a cursor it did not issue, an unknown kind, a subject-less request and a source without pull', async () => {
    const { deps } = setup();
    const base = { identity: { userId: '42' } };
    await expect(rejection(pullEvents(definition, config, { ...base, cursor: 'bm9wZQ' }, deps))).resolves.toMatchObject({ code: errors.PULL_BAD_CURSOR.code });
    await expect(rejection(pullEvents(definition, config, { ...base, kinds: ['likes'] }, deps))).resolves.toMatchObject({ code: errors.PULL_UNSUPPORTED.code, details: { kinds: ['profile', 'items'] } });
    await expect(rejection(pullEvents(definition, config, { identity: {} }, deps))).resolves.toMatchObject({ code: errors.PULL_BAD_REQUEST.code });
    await expect(rejection(pullEvents({ id: 'none' }, config, base, deps))).resolves.toMatchObject({ code: errors.PULL_UNSUPPORTED.code });
  });

  it('calls only the pull\'s base URL through the outbound policy (plain http only to loopback)', async () => {
    const { deps } = setup();
    const error = await rejection(pullEvents(definition, config, base(), { ...deps, client: undefined, baseUrl: 'http://api.example.com' }));
    expect(error).toMatchObject({ code: 'PARLEY_DESTINATION_UNTRUSTED_HOST' });
    function base(): PullRequest { return { identity: { userId: '42' }, kinds: ['items'] }; }
  });
});
