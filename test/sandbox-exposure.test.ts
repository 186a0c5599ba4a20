import { afterEach, describe, expect, it } from 'vitest';
import { startParley, type TestParley } from './helpers/parley.ts';

// A mounted sandbox serves its demo login (which reads every post and DM written there) and its
// control routes: loopback clients only, unless its block says `public: true`; and the URLs it hands
// out come from its own configured base, never from a Host header a client can forge.
const running: TestParley[] = [];
afterEach(async () => { for (const p of running.splice(0)) await p.stop(); });

async function start(sandbox: Record<string, unknown> = {}) {
  const parley = await startParley({ sandboxes: { salesforce: sandbox } });
  running.push(parley);
  return parley;
}

const tokenForm = 'grant_type=password&client_id=parley-demo&client_secret=parley-demo-secret&username=demo%40parley.local&password=demo';

describe('a mounted sandbox', () => {
  it('refuses clients that are not on this machine, control routes included, with Parley\'s error body', async () => {
    const { parley } = await start();
    for (const [method, url, payload] of [
      ['POST', '/sandbox/salesforce/services/oauth2/token', tokenForm],
      ['GET', '/sandbox/salesforce/_stats', undefined],
      ['PUT', '/sandbox/salesforce/_faults', '{"dailyLimit":1}'],
      ['GET', '/sandbox/salesforce/services/data', undefined],
    ] as const) {
      const answer = await parley.app.inject({
        method, url, remoteAddress: '203.0.113.9',
        headers: { 'content-type': method === 'POST' ? 'application/x-www-form-urlencoded' : 'application/json' },
        ...(payload ? { payload } : {}),
      });
      expect(answer.statusCode, `${method} ${url}`).toBe(403);
      expect(answer.json()).toMatchObject({ error: { code: 'PARLEY_SANDBOX_LOOPBACK_ONLY', details: { sandbox: 'salesforce' } } });
    }
    // The same from loopback (IPv4, IPv6, IPv4-mapped) is served.
    for (const remoteAddress of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      const answer = await parley.app.inject({ method: 'GET', url: '/sandbox/salesforce/_stats', remoteAddress });
      expect(answer.statusCode, remoteAddress).toBe(200);
    }
  });

  it('serves other machines when its block says public: true', async () => {
    const { parley } = await start({ public: true });
    const answer = await parley.app.inject({ method: 'GET', url: '/sandbox/salesforce/_stats', remoteAddress: '203.0.113.9' });
    expect(answer.statusCode).toBe(200);
  });

  it('builds instance_url and the identity URL from its own base, whatever Host the client sends', async () => {
    const p = await start();
    const answer = await p.parley.app.inject({
      method: 'POST', url: '/sandbox/salesforce/services/oauth2/token', remoteAddress: '127.0.0.1',
      headers: { host: 'evil.example.com', 'x-forwarded-host': 'evil.example.com', 'content-type': 'application/x-www-form-urlencoded' }, payload: tokenForm,
    });
    expect(answer.statusCode).toBe(200);
    const body = answer.json() as { instance_url: string; id: string };
    expect(body.instance_url).toBe(`${p.base}/sandbox/salesforce`);
    expect(body.id.startsWith(`${p.base}/sandbox/salesforce/id/`)).toBe(true);
    expect(answer.body).not.toContain('evil.example.com');
  });

  it('uses the block\'s baseUrl when one is set', async () => {
    const { parley } = await start({ baseUrl: 'https://demo.example.com/sandbox/salesforce/' });
    const answer = await parley.app.inject({
      method: 'POST', url: '/sandbox/salesforce/services/oauth2/token', remoteAddress: '127.0.0.1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: tokenForm,
    });
    expect((answer.json() as { instance_url: string }).instance_url).toBe('https://demo.example.com/sandbox/salesforce');
  });
});
