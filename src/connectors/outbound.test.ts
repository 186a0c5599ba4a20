import { afterEach, describe, expect, it } from 'vitest';
import { fakeHttpServer, silentServer as silent } from '../../test/helpers/fake-servers.ts';
import { errors } from '../errors.ts';
import { classifyNonVendorFailure, classifyOutboundFailure, createOutboundClient, isLoopback } from './outbound.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => { while (closers.length) await closers.pop()!(); });

const fakeServer: typeof fakeHttpServer = async (answer) => { const server = await fakeHttpServer(answer); closers.push(server.close); return server; };
const silentServer = async () => { const server = await silent(); closers.push(server.close); return server; };

const policy = { allowedHosts: [], connectTimeoutMs: 1_000, responseTimeoutMs: 300 };

describe('the outbound policy', () => {
  it('allows https anywhere trusted, and plain http only to loopback', () => {
    expect(() => createOutboundClient({ destination: 'crm', baseUrl: 'https://acme.my.salesforce.com' })).not.toThrow();
    expect(() => createOutboundClient({ destination: 'crm', baseUrl: 'http://127.0.0.1:3000/sandbox/salesforce' })).not.toThrow();
    expect(() => createOutboundClient({ destination: 'crm', baseUrl: 'http://[::1]:3000' })).not.toThrow();
    expect(() => createOutboundClient({ destination: 'crm', baseUrl: 'http://acme.my.salesforce.com' }))
      .toThrow(expect.objectContaining({ code: 'PARLEY_DESTINATION_UNTRUSTED_HOST', details: expect.objectContaining({ host: 'acme.my.salesforce.com' }) }));
    expect(() => createOutboundClient({ destination: 'crm', baseUrl: 'ftp://example.com' })).toThrow(expect.objectContaining({ code: 'PARLEY_DESTINATION_UNTRUSTED_HOST' }));
    expect(() => createOutboundClient({ destination: 'crm', baseUrl: 'not a url' })).toThrow(expect.objectContaining({ code: 'PARLEY_DESTINATION_UNTRUSTED_HOST' }));
  });

  it('knows loopback addresses', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::ffff:127.0.0.1']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['10.0.0.1', '0.0.0.0', 'example.com', 'localhost.example.com', '128.0.0.1']) expect(isLoopback(host), host).toBe(false);
  });

  it('trusts the configured origin, the vendor\'s domains when the configured URL is on them, and allowedHosts', () => {
    const family = ['salesforce.com', 'force.com'];
    const onLogin = createOutboundClient({ destination: 'crm', baseUrl: 'https://login.salesforce.com', trustedDomains: family, policy: { ...policy, allowedHosts: ['crm.example.com', '*.proxy.example.net'] } });
    for (const ok of ['https://login.salesforce.com/x', 'https://acme.my.salesforce.com', 'https://acme--dev.sandbox.my.salesforce.com', 'https://acme.lightning.force.com', 'https://crm.example.com', 'https://eu.proxy.example.net']) {
      expect(() => onLogin.assertTrusted(ok, 'instance_url'), ok).not.toThrow();
    }
    for (const bad of ['https://evil.example.com', 'https://salesforce.com.evil.com', 'https://evilsalesforce.com', 'http://acme.my.salesforce.com', 'https://proxy.example.net', 'https://sub.crm.example.com']) {
      expect(() => onLogin.assertTrusted(bad, 'instance_url'), bad).toThrow(expect.objectContaining({ code: 'PARLEY_DESTINATION_UNTRUSTED_HOST' }));
    }
    // A login URL off the vendor's domains (a proxy, a loopback sandbox) trusts only its own origin.
    const onProxy = createOutboundClient({ destination: 'crm', baseUrl: 'http://127.0.0.1:4000', trustedDomains: family });
    expect(() => onProxy.assertTrusted('http://127.0.0.1:4000/services', 'instance_url')).not.toThrow();
    for (const bad of ['http://localhost:4000', 'http://127.0.0.1:4001', 'https://acme.my.salesforce.com']) {
      expect(() => onProxy.assertTrusted(bad, 'instance_url'), bad).toThrow(expect.objectContaining({ code: 'PARLEY_DESTINATION_UNTRUSTED_HOST' }));
    }
  });

  it('sends nothing to an untrusted host', async () => {
    const other = await fakeServer((_req, res) => res.end('{}'));
    const client = createOutboundClient({ destination: 'crm', baseUrl: 'http://127.0.0.1:1', policy });
    await expect(client.request({ method: 'GET', url: `${other.url}/data`, headers: { authorization: 'Bearer secret' } }))
      .rejects.toMatchObject({ code: 'PARLEY_DESTINATION_UNTRUSTED_HOST' });
    expect(other.seen).toEqual([]);
    await client.close();
  });

  it('never follows a redirect: a 3xx is an error naming only the target host', async () => {
    const target = await fakeServer((_req, res) => res.end('{}'));
    const redirecting = await fakeServer((_req, res) => { res.writeHead(302, { location: `${target.url}/steal?token=abc` }); res.end(); });
    const client = createOutboundClient({ destination: 'crm', baseUrl: redirecting.url, policy });
    const error = await client.request({ method: 'POST', url: `${redirecting.url}/services/oauth2/token`, headers: { authorization: 'Bearer secret' }, body: 'a=1' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PARLEY_DESTINATION_REDIRECTED', details: { destination: 'crm', status: 302, location: new URL(target.url).host } });
    expect(JSON.stringify((error as { details: unknown }).details)).not.toContain('token=abc');
    expect(target.seen).toEqual([]);
    await client.close();
  });

  it('waits for the destination\'s request spacing before each request, and sends nothing until it allows', async () => {
    const server = await fakeServer((_req, res) => res.end('{}'));
    let release: () => void = () => undefined;
    const asked: number[] = [];
    const client = createOutboundClient({
      destination: 'crm', baseUrl: server.url, policy,
      beforeRequest: () => { asked.push(asked.length); return asked.length === 1 ? new Promise<void>((resolve) => { release = resolve; }) : Promise.resolve(); },
    });
    const first = client.request({ method: 'GET', url: `${server.url}/a` });
    await new Promise((r) => setImmediate(r));
    expect(server.seen).toEqual([]);
    release();
    await first;
    await client.request({ method: 'GET', url: `${server.url}/b` });
    expect(asked).toEqual([0, 1]);
    expect(server.seen.map((s) => s.line)).toEqual(['GET /a', 'GET /b']);
    await client.close();
  });

  it('answers status, lower-case headers and body', async () => {
    const server = await fakeServer((req, res) => { res.writeHead(201, { 'Sforce-Limit-Info': 'api-usage=1/100', 'content-type': 'application/json' }); res.end(JSON.stringify({ url: req.url })); });
    const client = createOutboundClient({ destination: 'crm', baseUrl: server.url, policy });
    const answer = await client.request({ method: 'GET', url: `${server.url}/a?b=1` });
    expect(answer).toMatchObject({ status: 201, headers: { 'sforce-limit-info': 'api-usage=1/100' }, body: '{"url":"/a?b=1"}' });
    await client.close();
  });

  it('times out a server that accepts the connection and never answers: unreachable, outcome unknown', async () => {
    const silent = await silentServer();
    const client = createOutboundClient({ destination: 'crm', baseUrl: silent.url, policy });
    const started = Date.now();
    const error = await client.request({ method: 'POST', url: `${silent.url}/x`, body: '{}' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PARLEY_DESTINATION_UNREACHABLE', details: { cause: 'UND_ERR_HEADERS_TIMEOUT', sent: true } });
    // Bounded by the response timeout (300 ms), far below any default.
    expect(Date.now() - started).toBeLessThan(5_000);
    await client.close();
  });

  it('a refused connection is unreachable and known not to have been sent', async () => {
    const client = createOutboundClient({ destination: 'crm', baseUrl: 'http://127.0.0.1:9', policy });
    await expect(client.request({ method: 'GET', url: 'http://127.0.0.1:9/' })).rejects.toMatchObject({ code: 'PARLEY_DESTINATION_UNREACHABLE', details: { cause: 'ECONNREFUSED', sent: false, host: '127.0.0.1:9' } });
    await client.close();
  });

  it('classifies its own failures the same for every connector, and no other error', () => {
    const base = { destination: 'crm', host: 'h', reason: 'r' };
    expect(classifyOutboundFailure(errors.DESTINATION_UNTRUSTED_HOST(base))).toEqual({ errorClass: { kind: 'permanent', scope: 'config' }, outcomeUnknown: false });
    expect(classifyOutboundFailure(errors.DESTINATION_REDIRECTED({ ...base, status: 302, location: 'x' }))).toEqual({ errorClass: { kind: 'permanent', scope: 'config' }, outcomeUnknown: false });
    expect(classifyOutboundFailure(errors.DESTINATION_UNREACHABLE({ ...base, cause: 'ECONNREFUSED', sent: false }))).toEqual({ errorClass: { kind: 'retryable' }, outcomeUnknown: false });
    expect(classifyOutboundFailure(errors.DESTINATION_UNREACHABLE({ ...base, cause: 'UND_ERR_HEADERS_TIMEOUT', sent: true }))).toEqual({ errorClass: { kind: 'retryable' }, outcomeUnknown: true });
    expect(classifyOutboundFailure(errors.DESTINATION_CONFIG({ destination: 'crm', reason: 'r' }))).toBeUndefined();
    expect(classifyOutboundFailure(new Error('ECONNRESET'))).toBeUndefined();
  });

  it('classifies what is not a vendor\'s answer alike for every connector: the policy\'s failures, a refused connect, a bug, else retryable', () => {
    const base = { destination: 'crm', host: 'h', reason: 'r' };
    expect(classifyNonVendorFailure(errors.DESTINATION_UNREACHABLE({ ...base, cause: 'UND_ERR_HEADERS_TIMEOUT', sent: true }))).toEqual({ kind: 'retryable', outcomeUnknown: true });
    expect(classifyNonVendorFailure(errors.DESTINATION_UNREACHABLE({ ...base, cause: 'ECONNREFUSED', sent: false }))).toEqual({ kind: 'retryable' });
    expect(classifyNonVendorFailure(errors.DESTINATION_UNTRUSTED_HOST(base))).toEqual({ kind: 'permanent', scope: 'config' });
    expect(classifyNonVendorFailure(errors.DESTINATION_CONFIG({ destination: 'crm', reason: 'r' }))).toEqual({ kind: 'permanent', scope: 'config' });
    expect(classifyNonVendorFailure(new TypeError('x is undefined'))).toEqual({ kind: 'permanent', scope: 'bug' });
    expect(classifyNonVendorFailure(new Error('socket hang up'))).toEqual({ kind: 'retryable' });
  });
});
