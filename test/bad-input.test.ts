import { request, STATUS_CODES } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, listAll, postX, signX, startParley, tweetDelivery, type TestParley } from './helpers/parley.ts';

describe('bad input gets a clear 4xx and loses nothing already accepted', () => {
  let p: TestParley;
  let accepted: number;
  beforeAll(async () => {
    p = await startParley({ server: { requestTimeoutMs: 1000, headersTimeoutMs: 1000, timeoutCheckIntervalMs: 100 }, x: { bodyLimitBytes: 2048 } });
    const body = tweetDelivery(42);
    expect((await postX(p.base, body, { 'x-twitter-webhooks-signature': signX(p.secret, body) })).status).toBe(200);
    accepted = (await listAll(p.base, '/v1/events?source=x', p.adminKey)).length;
  });
  afterAll(async () => {
    // The process still serves, and what was accepted before is still there.
    expect((await api(p.base, '/health', null)).status).toBe(200);
    expect((await listAll(p.base, '/v1/events?source=x', p.adminKey)).length).toBe(accepted);
    await p.stop();
  });

  const cases: Array<{ name: string; body: string; headers: (secret: string, body: string) => Record<string, string>; status: number; code: string }> = [
    { name: 'empty body, unsigned', body: '', headers: () => ({}), status: 401, code: 'PARLEY_INTAKE_MISSING_SIGNATURE' },
    { name: 'empty body, signed', body: '', headers: (s, b) => ({ 'x-twitter-webhooks-signature': signX(s, b) }), status: 400, code: 'PARLEY_INTAKE_INVALID_JSON' },
    { name: 'not JSON, unsigned', body: 'hello <xml/>', headers: () => ({ 'content-type': 'text/plain' }), status: 401, code: 'PARLEY_INTAKE_MISSING_SIGNATURE' },
    { name: 'wrong content type, signed', body: '{}', headers: (s, b) => ({ 'content-type': 'text/plain', 'x-twitter-webhooks-signature': signX(s, b) }), status: 415, code: 'PARLEY_INTAKE_UNSUPPORTED_MEDIA_TYPE' },
    { name: 'invalid JSON, signed', body: '{"tweet_create_events": [', headers: (s, b) => ({ 'x-twitter-webhooks-signature': signX(s, b) }), status: 400, code: 'PARLEY_INTAKE_INVALID_JSON' },
    { name: 'garbled signature', body: '{}', headers: () => ({ 'x-twitter-webhooks-signature': 'sha256=%%%' }), status: 401, code: 'PARLEY_INTAKE_MALFORMED_SIGNATURE' },
    { name: 'signature without its prefix', body: '{}', headers: (s, b) => ({ 'x-twitter-webhooks-signature': signX(s, b).slice('sha256='.length) }), status: 401, code: 'PARLEY_INTAKE_MALFORMED_SIGNATURE' },
    { name: 'signed with another secret', body: '{}', headers: (_s, b) => ({ 'x-twitter-webhooks-signature': signX('not-the-secret', b) }), status: 401, code: 'PARLEY_INTAKE_BAD_SIGNATURE' },
    { name: 'body over the source limit', body: JSON.stringify({ pad: 'x'.repeat(4096) }), headers: (s, b) => ({ 'x-twitter-webhooks-signature': signX(s, b) }), status: 413, code: 'PARLEY_INTAKE_BODY_TOO_LARGE' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const response = await postX(p.base, c.body, c.headers(p.secret, c.body));
      expect(response.status).toBe(c.status);
      expect(response.json.error.code).toBe(c.code);
      expect(typeof response.json.error.message).toBe('string');
      expect(response.json.error.details).toBeTypeOf('object');
    });
  }

  it('answers an unknown source with 404', async () => {
    const response = await fetch(`${p.base}/webhooks/nope`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'PARLEY_INTAKE_UNKNOWN_SOURCE', details: { source: 'nope' } } });
  });

  it('answers a route that does not exist with 404, whatever its body', async () => {
    for (const body of ['{"broken', '{}']) {
      const response = await fetch(`${p.base}/health`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      expect(response.status, body).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'PARLEY_HTTP_NOT_FOUND', details: { method: 'POST', url: '/health' } } });
    }
  });

  it('refuses a 50 MB body with 413 without reading it', async () => {
    const url = new URL(`${p.base}/webhooks/x`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024), 'x-twitter-webhooks-signature': signX(p.secret, 'x') } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = () => { while (sent < 50 && req.write(chunk)) sent++; if (sent < 50) req.once('drain', () => { sent++; pump(); }); else req.end(); };
      req.on('response', () => { sent = 50; });
      pump();
    });
    expect(status).toBe(413);
    const metrics = await (await fetch(p.base + '/metrics')).text();
    expect(metrics).toMatch(/parley_intake_rejected_total\{source="x",reason="body_too_large"\} [1-9]/);
  });

  it('times out a slow client while other deliveries still get through', async () => {
    const url = new URL(p.base);
    const socket = connect(Number(url.port), url.hostname);
    const answer = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d) => { text += d.toString(); });
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    socket.write('POST /webhooks/x HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"for_user');
    const body = tweetDelivery(43);
    expect((await postX(p.base, body, { 'x-twitter-webhooks-signature': signX(p.secret, body) })).status).toBe(200);
    accepted = (await listAll(p.base, '/v1/events?source=x', p.adminKey)).length;
    const text = await Promise.race([answer, new Promise<string>((r) => setTimeout(() => r('still open'), 8000))]);
    socket.destroy();
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'PARLEY_HTTP_TIMEOUT', details: { timeoutMs: expect.any(Number) } } });
  });

  it.each([
    ['a non-numeric Content-Length', 'POST /webhooks/x HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n{}', 400, 'PARLEY_HTTP_BAD_REQUEST'],
    ['a header line without a colon', 'POST /webhooks/x HTTP/1.1\r\nHost: localhost\r\nthis is not a header\r\nContent-Length: 2\r\n\r\n{}', 400, 'PARLEY_HTTP_BAD_REQUEST'],
    ['a garbled request line', 'HELLO THERE\r\n\r\n', 400, 'PARLEY_HTTP_BAD_REQUEST'],
    ['20 KB of headers', `POST /webhooks/x HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(20_000)}\r\nContent-Length: 2\r\n\r\n{}`, 431, 'PARLEY_HTTP_HEADERS_TOO_LARGE'],
  ] as const)('answers %s, which Node\'s parser refuses, with the error body', async (_name, request, status, code) => {
    const url = new URL(p.base);
    const socket = connect(Number(url.port), url.hostname);
    const text = await new Promise<string>((resolve) => {
      let received = '';
      socket.on('data', (d) => { received += d.toString(); });
      socket.on('close', () => resolve(received));
      socket.on('error', () => resolve(received));
      socket.write(request);
    });
    expect(text.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${STATUS_CODES[status]}`);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code, message: expect.any(String), details: expect.any(Object) } });
    // The service is still up and still taking deliveries.
    const body = tweetDelivery(44);
    expect((await postX(p.base, body, { 'x-twitter-webhooks-signature': signX(p.secret, body) })).status).toBe(200);
    accepted = (await listAll(p.base, '/v1/events?source=x', p.adminKey)).length;
  });
});
