import { afterEach, describe, expect, it } from 'vitest';
import { startFakeApi, runParley, type Answer, type FakeApi, type Received } from './testing/fake-api.ts';

let api: FakeApi | undefined;
afterEach(async () => { await api?.close(); api = undefined; });
const start = async (answer: (r: Received) => Answer) => { api = await startFakeApi(answer); return api; };

describe('parley person', () => {
  it('search GETs /v1/identities?q= and prints a table of the identities', async () => {
    const { url, received } = await start(() => ({ status: 200, body: { items: [
      { key: 'x:123', network: 'x', handle: 'ada', displayName: 'Ada L.', personId: 'p-1' },
      { key: 'facebook:9', network: 'facebook', handle: null, displayName: 'Ada Lovelace', personId: null },
    ], nextCursor: null } }));
    const run = await runParley(['person', 'search', 'ada@example.com', '--url', url, '--api-key', 'k']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(received[0]).toMatchObject({ method: 'GET', path: '/v1/identities' });
    expect(received[0]!.query.get('q')).toBe('ada@example.com');
    expect(received[0]!.headers.authorization).toBe('Bearer k');
    expect(run.stdout.split('\n')).toEqual([
      'KEY         NETWORK   HANDLE  NAME          PERSON',
      'x:123       x         ada     Ada L.        p-1',
      'facebook:9  facebook  -       Ada Lovelace  -',
      '',
    ]);
  });

  it('search shows a name\'s control characters escaped, never raw to the terminal', async () => {
    const { url } = await start(() => ({ status: 200, body: { items: [{ key: 'x:1', displayName: 'evil\u001b]0;owned\u0007\u009bname' }], nextCursor: null } }));
    const run = await runParley(['person', 'search', 'evil', '--url', url]);
    // eslint-disable-next-line no-control-regex -- the point: no control character but the line ends
    expect(run.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(run.stdout).toContain('evil\\u001b]0;owned\\u0007\\u009bname');
    const json = await runParley(['person', 'search', 'evil', '--url', url, '--json']);
    // eslint-disable-next-line no-control-regex -- the point: none reaches the terminal raw
    expect(json.stdout).not.toMatch(/[\u007f-\u009f\u001b]/);
    expect(JSON.parse(json.stdout).items[0].displayName).toBe('evil\u001b]0;owned\u0007\u009bname');
  });

  it('show GETs /v1/persons/:id and prints the unified view, whatever fields it has', async () => {
    const view = {
      id: 'p-1', lastSyncAt: '2026-12-01T10:00:00Z',
      identities: [{ key: 'x:123', handle: 'ada' }, { key: 'facebook:9', handle: 'ada.l' }],
      records: { salesforce: { SocialPersona: ['0PS1'] } },
      interactions: [],
    };
    const { url, received } = await start(() => ({ status: 200, body: view }));
    const run = await runParley(['person', 'show', 'p-1', '--url', url]);
    expect(run.code).toBe(0);
    expect(received[0]).toMatchObject({ method: 'GET', path: '/v1/persons/p-1' });
    expect(run.stdout).toBe([
      'id: p-1',
      'lastSyncAt: 2026-12-01T10:00:00Z',
      'identities:',
      '  key         handle',
      '  x:123       ada',
      '  facebook:9  ada.l',
      'records:',
      '  salesforce:',
      '    SocialPersona: 0PS1',
      'interactions: (none)',
      '',
    ].join('\n'));
    const json = await runParley(['person', 'show', 'p-1', '--url', url, '--json']);
    expect(JSON.parse(json.stdout)).toEqual(view);
  });

  it('link POSTs { identity } to /v1/persons/:id/links, as the API takes it', async () => {
    const { url, received } = await start(() => ({ status: 200, body: { personId: 'p-1', identityKey: 'facebook:9', evidence: 'decision' } }));
    const run = await runParley(['person', 'link', 'p-1', 'facebook:9', '--url', url]);
    expect(run.code).toBe(0);
    expect(received[0]).toMatchObject({ method: 'POST', path: '/v1/persons/p-1/links', body: { identity: 'facebook:9' } });
    expect(run.stdout).toContain('linked facebook:9 to person p-1');
  });

  it('unlink sends DELETE /v1/persons/:id/links/:identityKey, the key encoded', async () => {
    const { url, received } = await start(() => ({ status: 204 }));
    const run = await runParley(['person', 'unlink', 'p-1', 'facebook:9', '--url', url]);
    expect(run).toMatchObject({ code: 0, stdout: 'unlinked facebook:9 from person p-1\n' });
    expect(received[0]).toMatchObject({ method: 'DELETE', path: '/v1/persons/p-1/links/facebook%3A9', body: undefined });
  });

  it('an API error is one line with its code and message, then its problems; exit 1', async () => {
    const { url } = await start(() => ({ status: 400, body: { error: { code: 'PARLEY_API_INVALID_REQUEST', message: 'The request is invalid', details: {
      problems: [{ key: 'body.identityKey', problem: 'expected network:userId' }], issues: [{ key: 'body.reason', problem: 'too long' }],
    } } } }));
    const run = await runParley(['person', 'link', 'p-1', 'nonsense', '--url', url]);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toBe([
      'parley: PARLEY_API_INVALID_REQUEST: The request is invalid',
      '  body.identityKey: expected network:userId',
      '  body.reason: too long',
      '',
    ].join('\n'));
  });

  it('a 401 without a key says where the key goes', async () => {
    const { url } = await start(() => ({ status: 401, body: { error: { code: 'PARLEY_API_UNAUTHORIZED', message: 'A valid API key is required: no Authorization header', details: { reason: 'no Authorization header' } } } }));
    const run = await runParley(['person', 'show', 'p-1', '--url', url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^parley: PARLEY_API_UNAUTHORIZED: .*\n {2}\(no API key was sent: set PARLEY_API_KEY or pass --api-key\)\n$/);
    const withKey = await runParley(['person', 'show', 'p-1', '--url', url], { env: { PARLEY_API_KEY: 'wrong' } });
    expect(withKey.stderr).not.toContain('no API key was sent');
    expect(withKey.stderr).not.toContain('wrong');
  });
});
