import { afterEach, describe, expect, it } from 'vitest';
import { resyncLine } from './commands/resync.ts';
import { startFakeApi, runParley, type Answer, type FakeApi, type Received } from './testing/fake-api.ts';

let api: FakeApi | undefined;
afterEach(async () => { await api?.close(); api = undefined; });

const start = async (answer: (r: Received) => Answer) => { api = await startFakeApi(answer); return api; };
const resync = (state: string, counts = { planned: 10, written: 4, failed: 0, skipped: 1 }) =>
  ({ id: 'rs-1', state, counts, ratePerSecond: 12.5, etaSeconds: 30 });

describe('parley resync create', () => {
  it('posts the scope of one identity with the destinations, mode, Idempotency-Key and bearer key', async () => {
    const { url, received } = await start(() => ({ status: 202, body: { id: 'rs-1', state: 'queued' } }));
    const run = await runParley(['resync', 'create', '--identity', 'x:123', '--destinations', 'salesforce,sap-c4c', '--idempotency-key', 'k-1'],
      { env: { PARLEY_URL: url, PARLEY_API_KEY: 'secret-key' } });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('resync rs-1 queued');
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/resyncs', body: { scope: { identity: 'x:123' }, destinations: ['salesforce', 'sap-c4c'], mode: 'from-store' } });
    expect(request!.headers['idempotency-key']).toBe('k-1');
    expect(request!.headers.authorization).toBe('Bearer secret-key');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(run.stdout + run.stderr).not.toContain('secret-key');
  });

  it('posts a network scope with since/until as UTC instants, and from-source', async () => {
    const { url, received } = await start(() => ({ status: 202, body: { id: 'rs-2', state: 'queued' } }));
    const run = await runParley(['--url', url, 'resync', 'create', '--network', 'x', '--since', '2026-11-01', '--until', '2026-11-02T10:00:00+01:00',
      '--destinations', 'salesforce', '--mode', 'from-source']);
    expect(run.code).toBe(0);
    expect(received[0]!.body).toEqual({ scope: { network: 'x', since: '2026-11-01T00:00:00.000Z', until: '2026-11-02T09:00:00.000Z' }, destinations: ['salesforce'], mode: 'from-source' });
    expect(received[0]!.headers['idempotency-key']).toBeUndefined();
    expect(received[0]!.headers.authorization).toBeUndefined();
  });

  it('posts a list of events, and prints the answer as JSON with --json', async () => {
    const { url, received } = await start(() => ({ status: 202, body: { id: 'rs-3', state: 'queued' } }));
    const run = await runParley(['resync', 'create', '--events', 'e1,e2', '--destinations', 'salesforce', '--json', '--url', url]);
    expect(run.code).toBe(0);
    expect(received[0]!.body).toMatchObject({ scope: { events: ['e1', 'e2'] } });
    expect(JSON.parse(run.stdout)).toEqual({ id: 'rs-3', state: 'queued' });
  });

  it.each([
    [['--destinations', 'salesforce'], /exactly one scope/],
    [['--identity', 'x:1', '--network', 'x', '--destinations', 'salesforce'], /exactly one scope/],
    [['--identity', 'x:1', '--since', '2026-11-01', '--destinations', 'salesforce'], /need it/],
    [['--network', 'x', '--since', '2026-11-02', '--until', '2026-11-01', '--destinations', 'salesforce'], /after --until/],
    [['--network', 'x', '--since', '2026-11-01T10:00', '--destinations', 'salesforce'], /--since.*ISO 8601/],
    [['--identity', 'x:1'], /--destinations/],
    [['--identity', 'x:1', '--destinations', 'salesforce,'], /comma-separated/],
    [['--identity', 'x:1', '--destinations', 'salesforce', '--mode', 'sideways'], /--mode.*from-store/],
  ])('refuses %j as a usage error (exit 2) without calling the API', async (args, message) => {
    const { url, received } = await start(() => ({ status: 500 }));
    const run = await runParley(['--url', url, 'resync', 'create', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(received).toEqual([]);
  });

  it('--wait polls GET /v1/resyncs/:id, printing each change, until done (exit 0)', async () => {
    const states = [resync('running', { planned: 10, written: 2, failed: 0, skipped: 0 }), resync('running', { planned: 10, written: 2, failed: 0, skipped: 0 }), resync('done', { planned: 10, written: 9, failed: 0, skipped: 1 })];
    const { url, received } = await start((r) => (r.method === 'POST' ? { status: 202, body: { id: 'rs-1', state: 'queued' } } : { status: 200, body: states.shift() }));
    const run = await runParley(['resync', 'create', '--identity', 'x:123', '--destinations', 'salesforce', '--wait', '--url', url]);
    expect(run.code).toBe(0);
    expect(received.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/resyncs', 'GET /v1/resyncs/rs-1', 'GET /v1/resyncs/rs-1', 'GET /v1/resyncs/rs-1']);
    const lines = run.stdout.trim().split('\n');
    // The unchanged second read prints nothing.
    expect(lines).toEqual([
      'rs-1  queued  planned -  written -  failed -  skipped -',
      'rs-1  running  planned 10  written 2  failed 0  skipped 0  12.5/s  eta 30 s',
      'rs-1  done  planned 10  written 9  failed 0  skipped 1  12.5/s',
    ]);
    expect(resyncLine({ id: 'r', state: 'running', counts: { planned: 3, written: 1, failed: 0, skipped: 0, queued: 2 } })).toBe('r  running  planned 3  written 1  failed 0  skipped 0  queued 2');
    expect(run.stderr).toContain('parley resync cancel rs-1');
  });

  it('--wait exits 1 when the resync ends cancelled or failed, and prints only the last body with --json', async () => {
    const { url } = await start((r) => (r.method === 'POST' ? { status: 202, body: { id: 'rs-1', state: 'queued' } } : { status: 200, body: resync('cancelled') }));
    const run = await runParley(['resync', 'create', '--identity', 'x:123', '--destinations', 'salesforce', '--wait', '--json', '--url', url]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual(resync('cancelled'));
  });

  it('--wait rides out a few failed reads (a restart), saying so, and gives up after five in a row', async () => {
    let reads = 0;
    const { url } = await start((r) => {
      if (r.method === 'POST') return { status: 202, body: { id: 'rs-1', state: 'running' } };
      reads += 1;
      return reads <= 2 ? { status: 503, body: { error: { code: 'PARLEY_HTTP_SHUTTING_DOWN', message: 'shutting down', details: {} } } } : { status: 200, body: resync('done') };
    });
    const ok = await runParley(['resync', 'create', '--identity', 'x:1', '--destinations', 'salesforce', '--wait', '--url', url]);
    expect(ok.code).toBe(0);
    expect(ok.stderr.match(/PARLEY_HTTP_SHUTTING_DOWN while following/g)).toHaveLength(2);
    await api!.close();

    api = await startFakeApi((r) => (r.method === 'POST' ? { status: 202, body: { id: 'rs-1', state: 'running' } } : { status: 502, raw: '<html>bad gateway</html>' }));
    const gaveUp = await runParley(['resync', 'create', '--identity', 'x:1', '--destinations', 'salesforce', '--wait', '--url', api.url]);
    expect(gaveUp.code).toBe(1);
    expect(api.received.filter((r) => r.method === 'GET')).toHaveLength(5);
    expect(gaveUp.stderr).toMatch(/^parley: PARLEY_CLI_BAD_RESPONSE: .*HTTP 502/m);
  });
});

describe('parley resync list|show|cancel', () => {
  it('list reads one page with --limit/--cursor and says how to read the next', async () => {
    const { url, received } = await start(() => ({ status: 200, body: { items: [resync('running'), { ...resync('done'), id: 'rs-0' }], nextCursor: 'c2' } }));
    const run = await runParley(['resync', 'list', '--limit', '2', '--cursor', 'c1', '--url', url]);
    expect(run.code).toBe(0);
    expect(received[0]).toMatchObject({ method: 'GET', path: '/v1/resyncs' });
    expect(Object.fromEntries(received[0]!.query)).toEqual({ limit: '2', cursor: 'c1' });
    expect(run.stdout.split('\n')[0]).toMatch(/^ID\s+STATE\s+PLANNED\s+WRITTEN\s+FAILED\s+SKIPPED$/);
    expect(run.stdout).toMatch(/^rs-1\s+running\s+10\s+4\s+0\s+1$/m);
    expect(run.stderr).toContain('parley resync list --cursor c2');
  });

  it('list --all follows nextCursor to the end (and stops on a cursor seen before)', async () => {
    const pages: Record<string, unknown> = {
      '': { items: [{ id: 'a', state: 'done' }], nextCursor: 'p2' },
      p2: { items: [{ id: 'b', state: 'done' }], nextCursor: 'p3' },
      p3: { items: [{ id: 'c', state: 'done' }], nextCursor: 'p2' },
    };
    const { url, received } = await start((r) => ({ status: 200, body: pages[r.query.get('cursor') ?? ''] }));
    const run = await runParley(['resync', 'list', '--all', '--json', '--url', url]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ items: [{ id: 'a', state: 'done' }, { id: 'b', state: 'done' }, { id: 'c', state: 'done' }], nextCursor: null });
    expect(received).toHaveLength(3);
  });

  it('list refuses --limit outside 1-500', async () => {
    const run = await runParley(['resync', 'list', '--limit', '501']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--limit.*1 to 500/);
  });

  it('show GETs the resync (id encoded) and prints its fields', async () => {
    const { url, received } = await start(() => ({ status: 200, body: resync('running') }));
    const run = await runParley(['resync', 'show', 'rs/1', '--url', url]);
    expect(run.code).toBe(0);
    expect(received[0]).toMatchObject({ method: 'GET', path: '/v1/resyncs/rs%2F1' });
    expect(run.stdout).toContain('state: running');
    expect(run.stdout).toMatch(/counts:\n {2}planned: 10\n {2}written: 4/);
  });

  it('cancel sends DELETE and prints the state it answers, that the job had ended, or that the cancel was asked (204)', async () => {
    const { url, received } = await start((r) => (r.path.endsWith('rs-1') ? { status: 200, body: resync('cancelled') } : r.path.endsWith('rs-3') ? { status: 200, body: resync('done') } : { status: 204 }));
    const run = await runParley(['resync', 'cancel', 'rs-1', '--url', url]);
    expect(run).toMatchObject({ code: 0, stdout: 'resync rs-1 cancelled\n' });
    const empty = await runParley(['resync', 'cancel', 'rs-2', '--url', url]);
    expect(empty).toMatchObject({ code: 0, stdout: 'resync rs-2 cancel asked\n' });
    const ended = await runParley(['resync', 'cancel', 'rs-3', '--url', url]);
    expect(ended).toMatchObject({ code: 0, stdout: 'resync rs-3 had already ended: done\n' });
    expect(received.map((r) => `${r.method} ${r.path}`)).toEqual(['DELETE /v1/resyncs/rs-1', 'DELETE /v1/resyncs/rs-2', 'DELETE /v1/resyncs/rs-3']);
  });
});
