import { afterEach, describe, expect, it } from 'vitest';
import { startFakeApi, runParley, type Answer, type FakeApi, type Received } from './testing/fake-api.ts';

let api: FakeApi | undefined;
afterEach(async () => { await api?.close(); api = undefined; });
const start = async (answer: (r: Received) => Answer) => { api = await startFakeApi(answer); return api; };

const erasure = (state: string) => ({
  id: 'er-1', state,
  destinations: { salesforce: { deleted: { SocialPost: 3, SocialPersona: 1 }, state: state === 'done' ? 'done' : 'running' }, 'sap-c4c': { deleted: 0, state: 'done' } },
});

describe('parley erase', () => {
  it('with --yes POSTs /v1/persons/:id/erase without asking and prints the erasure', async () => {
    const { url, received } = await start(() => ({ status: 202, body: { id: 'er-1', state: 'running' } }));
    const run = await runParley(['erase', 'p-1', '--yes', '--url', url], { env: { PARLEY_API_KEY: 'admin-key' } });
    expect(run).toMatchObject({ code: 0, asked: [] });
    expect(received[0]).toMatchObject({ method: 'POST', path: '/v1/persons/p-1/erase' });
    expect(received[0]!.headers.authorization).toBe('Bearer admin-key');
    expect(run.stdout).toContain('erasure er-1 running');
    expect(run.stdout).toContain('parley erasure show er-1 --wait');
  });

  it('asks on a terminal, and erases only on y or yes', async () => {
    const { url, received } = await start(() => ({ status: 202, body: { id: 'er-1', state: 'running' } }));
    const yes = await runParley(['erase', 'p-1', '--url', url], { tty: true, answers: ['yes'] });
    expect(yes.code).toBe(0);
    expect(yes.asked).toEqual([expect.stringMatching(/^Erase person p-1\?.*cannot be undone.*\[y\/N\] $/)]);
    expect(received).toHaveLength(1);

    const no = await runParley(['erase', 'p-1', '--url', url], { tty: true, answers: [''] });
    expect(no.code).toBe(1);
    expect(no.stderr).toMatch(/^parley: PARLEY_CLI_NOT_CONFIRMED: /);
    expect(received).toHaveLength(1);
  });

  it('refuses without --yes when stdin is not a terminal: exit 2, nothing sent', async () => {
    const { url, received } = await start(() => ({ status: 202, body: { id: 'er-1', state: 'running' } }));
    const run = await runParley(['erase', 'p-1', '--url', url], { tty: false });
    expect(run).toMatchObject({ code: 2, stdout: '', asked: [] });
    expect(run.stderr).toMatch(/^parley: PARLEY_CLI_CONFIRMATION_REQUIRED: .*--yes\n$/);
    expect(received).toEqual([]);
  });

  it('--wait follows GET /v1/erasures/:id until done, then prints the table per destination', async () => {
    const states = [erasure('running'), erasure('done')];
    const { url, received } = await start((r) => (r.method === 'POST' ? { status: 202, body: { id: 'er-1', state: 'running' } } : { status: 200, body: states.shift() }));
    const run = await runParley(['erase', 'p-1', '--yes', '--wait', '--url', url]);
    expect(run.code).toBe(0);
    expect(received.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/persons/p-1/erase', 'GET /v1/erasures/er-1', 'GET /v1/erasures/er-1']);
    expect(run.stdout).toContain('erasure er-1 running  salesforce running  sap-c4c done\n');
    expect(run.stdout).toMatch(/DESTINATION\s+STATE\s+DELETED\nsalesforce\s+done\s+\{"SocialPost":3,"SocialPersona":1\}\nsap-c4c\s+done\s+0\n$/);
  });
});

describe('parley erasure show', () => {
  it('GETs /v1/erasures/:id and prints it; --json prints the body', async () => {
    const { url, received } = await start(() => ({ status: 200, body: { ...erasure('done'), requestedAt: '2026-12-02T10:00:00Z' } }));
    const run = await runParley(['erasure', 'show', 'er-1', '--url', url]);
    expect(run.code).toBe(0);
    expect(received[0]).toMatchObject({ method: 'GET', path: '/v1/erasures/er-1' });
    expect(run.stdout).toMatch(/^erasure er-1 done\nDESTINATION/);
    expect(run.stdout).toContain('requestedAt: 2026-12-02T10:00:00Z');
    const json = await runParley(['erasure', 'show', 'er-1', '--url', url, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ ...erasure('done'), requestedAt: '2026-12-02T10:00:00Z' });
  });

  it('--wait exits 1 when the erasure ends in a state other than done', async () => {
    const { url } = await start(() => ({ status: 200, body: erasure('failed') }));
    const run = await runParley(['erasure', 'show', 'er-1', '--wait', '--url', url]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('erasure er-1 failed');
  });
});
