import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeHttpServer, silentServer as silent } from './helpers/fake-servers.ts';
import { api, startParley, type TestParley } from './helpers/parley.ts';
import { freePort } from './helpers/processes.ts';
import { startSalesforceSandbox } from './helpers/salesforce-sandbox.ts';
import { until } from './helpers/wait.ts';

// CRM calls go only where the config says (ARCHITECTURE.md, "Outbound calls"): a login that points
// elsewhere, a redirect, or a server that never answers each leave the destination in a state an
// operator can act on, with no credentials sent anywhere else, while Parley keeps serving.
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => { while (cleanups.length) await cleanups.pop()!(); });

const fakeServer: typeof fakeHttpServer = async (answer) => { const server = await fakeHttpServer(answer); cleanups.push(server.close); return server; };
const silentServer = async () => { const server = await silent(); cleanups.push(server.close); return server; };

const tokenAnswer = (instanceUrl: string) => JSON.stringify({
  access_token: '00Dfake!token', instance_url: instanceUrl, id: `${instanceUrl}/id/00D000000000001AAA/005000000000001AAA`,
  token_type: 'Bearer', issued_at: String(Date.now()), signature: 'c2ln',
});

async function start(loginUrl: string, extra: Record<string, unknown> = {}) {
  const parley = await startParley({
    extra: { mappingsDir: join(process.cwd(), 'mappings') },
    destinations: { salesforce: { connector: 'salesforce', loginUrl, clientId: 'parley-demo', clientSecret: 'parley-demo-secret', connectTimeoutMs: 500, responseTimeoutMs: 500, ...extra } },
  });
  cleanups.push(() => parley.stop());
  return parley;
}

async function connector(parley: TestParley): Promise<{ state: string; action: string; lastError?: { code: string; message: string } }> {
  const answer = await api(parley.base, '/v1/connectors', parley.adminKey);
  return (answer.json as { items: Array<{ state: string; action: string; lastError?: { code: string; message: string } }> }).items[0]!;
}


describe('a CRM login that leads elsewhere', () => {
  it('an instance_url on another host: misconfigured, and nothing with the token reaches that host', async () => {
    const other = await fakeServer((_req, res) => res.end('{}'));
    const login = await fakeServer((req, res) => {
      if (req.url?.endsWith('/services/oauth2/token')) { res.writeHead(200, { 'content-type': 'application/json' }); res.end(tokenAnswer(other.url.replace('127.0.0.1', 'localhost'))); return; }
      res.writeHead(404); res.end('[]');
    });
    const parley = await start(login.url);
    const status = await connector(parley);
    expect(status).toMatchObject({ state: 'misconfigured', lastError: { code: 'PARLEY_DESTINATION_UNTRUSTED_HOST' } });
    expect(status.lastError!.message).toContain('localhost');
    expect(other.seen).toEqual([]);
    expect((await fetch(`${parley.base}/health`)).status).toBe(200);
  });

  it('allowedHosts lets an instance_url on a named host through', async () => {
    const sandbox = await startSalesforceSandbox();
    cleanups.push(() => sandbox.close());
    // The login server is a proxy on another port; the sandbox's instance_url is its own origin.
    const login = await fakeServer(async (req, res) => {
      const upstream = await fetch(`${sandbox.base}${req.url}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=parley-demo&client_secret=parley-demo-secret' });
      res.writeHead(upstream.status, { 'content-type': 'application/json' }); res.end(await upstream.text());
    });
    const refused = await start(login.url);
    expect(await connector(refused)).toMatchObject({ state: 'misconfigured', lastError: { code: 'PARLEY_DESTINATION_UNTRUSTED_HOST' } });
    const allowed = await start(login.url, { allowedHosts: [new URL(sandbox.base).host] });
    expect(await connector(allowed)).toMatchObject({ state: 'ready' });
  });

  it('a redirect is not followed: misconfigured, and the redirect target sees no request', async () => {
    const target = await fakeServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(tokenAnswer('http://127.0.0.1:1')); });
    const login = await fakeServer((_req, res) => { res.writeHead(307, { location: `${target.url}/services/oauth2/token` }); res.end(); });
    const parley = await start(login.url);
    expect(await connector(parley)).toMatchObject({ state: 'misconfigured', lastError: { code: 'PARLEY_DESTINATION_REDIRECTED' } });
    expect(login.seen.map((r) => r.line)).toEqual(['POST /services/oauth2/token']);
    expect(target.seen).toEqual([]);
  });

  it('a login server that never answers: start-up completes, unreachable within the timeout, /health answers, stop is quick', async () => {
    const silent = await silentServer();
    const started = Date.now();
    const parley = await start(silent.url);
    expect(Date.now() - started).toBeLessThan(10_000);
    const status = await connector(parley);
    expect(status).toMatchObject({ state: 'unreachable', lastError: { code: 'PARLEY_DESTINATION_UNREACHABLE' } });
    expect(status.action).toMatch(/retried/);
    expect((await fetch(`${parley.base}/health`)).status).toBe(200);
    const metrics = await (await fetch(`${parley.base}/metrics`)).text();
    expect(metrics).toMatch(/parley_destination_state\{destination="salesforce",state="unreachable"\} 1/);
    const stopping = Date.now();
    await parley.stop();
    cleanups.pop();
    expect(Date.now() - stopping).toBeLessThan(5_000);
  });

  it('an unreachable CRM recovers by itself once it answers', async () => {
    const port = await freePort();
    const parley = await start(`http://127.0.0.1:${port}/sandbox/salesforce`);
    expect(await connector(parley)).toMatchObject({ state: 'unreachable', lastError: { code: 'PARLEY_DESTINATION_UNREACHABLE' } });
    const sandbox = await startSalesforceSandbox({}, '.', port);
    cleanups.push(() => sandbox.close());
    // The first retry comes 2.5–5 s after the failure (backoff from 5 s, with jitter).
    await until('the destination to be ready', async () => ((await connector(parley)).state === 'ready' ? true : undefined), 20_000);
  });
});
