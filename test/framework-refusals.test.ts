import { EventEmitter, once } from 'node:events';
import { request, STATUS_CODES } from 'node:http';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyConfig } from '../src/config/schema.ts';
import { loadSources } from '../src/connectors/registry.ts';
import { createDeriver, type Deriver } from '../src/intake/deriver.ts';
import { createIntake } from '../src/intake/intake-service.ts';
import { createLogger } from '../src/logging/logger.ts';
import { createMetrics, type Metrics } from '../src/metrics/metrics.ts';
import { buildApp } from '../src/server.ts';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { signX, tweetDelivery } from './helpers/parley.ts';

// What Node's parser, Node's HTTP server and Fastify's router refuse before any route runs: each must
// answer Parley's error body, be logged once and be counted. Most of these never reach `inject`, so
// they go over real sockets to 127.0.0.1.

const SECRET = 'framework-refusals-secret';
const ADMIN_KEY = 'framework-refusals-admin-key-0123456789';
const BEARER_VALUE = 'Bearer ' + ADMIN_KEY;

interface Harness {
  app: FastifyInstance;
  port: number;
  metrics: Metrics;
  lines: Array<Record<string, unknown>>;
  logged: EventEmitter;
  stop(): Promise<void>;
}

/** The HTTP app alone, with its log written to memory so a test can read it. */
async function startApp(): Promise<Harness> {
  const lines: Array<Record<string, unknown>> = [];
  const logged = new EventEmitter();
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(JSON.parse(text) as Record<string, unknown>);
        logged.emit('line');
      }
      callback();
    },
  });
  const config = ParleyConfig.parse({
    apiKeys: [{ name: 'admin', key: ADMIN_KEY, scope: 'admin' }],
    sources: { x: { connector: 'x', consumerSecret: SECRET, bodyLimitBytes: 2048 } },
  });
  const store = new SqliteStore({ file: ':memory:', synchronous: 'normal' });
  await store.migrate();
  const sources = await loadSources(config.sources, { configPath: 'framework-refusals', cwd: process.cwd() });
  const metrics = createMetrics({ defaultMetrics: false });
  const logger = createLogger('info', stream);
  const now = () => new Date();
  let id = 0;
  const newId = () => `00000000-0000-4000-8000-${String(++id).padStart(12, '0')}`;
  const deriver: Deriver = createDeriver({ store, sources, metrics, logger, now, newId, dedupWindowMs: 60_000 });
  const intake = createIntake({ store, metrics, now, newId, maxBatch: 10 });
  const app = await buildApp({ config, store, intake, deriver, sources, logger, metrics, now });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  return {
    app, port, metrics, lines, logged,
    async stop() {
      await app.close();
      await deriver.stop();
      await store.close();
    },
  };
}

/** Sends `text` as is and returns the answer, read until the socket closes or the body is whole. */
function rawRequest(port: number, text: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const deadline = setTimeout(() => { socket.destroy(); reject(new Error(`no whole answer within 5 s: ${received.toString('latin1').slice(0, 200)}`)); }, 5000);
    const finish = () => {
      clearTimeout(deadline);
      socket.destroy();
      const all = received.toString('utf8');
      const split = all.indexOf('\r\n\r\n');
      resolve({ status: Number(all.split(' ')[1]), headers: all.slice(0, split), body: all.slice(split + 4) });
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const all = received.toString('latin1');
      const split = all.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(all.slice(0, split));
      // The interim "100 Continue" is not the answer.
      if (split >= 0 && !/^HTTP\/1\.1 100/.test(all) && length && received.length >= split + 4 + Number(length[1])) finish();
    });
    socket.on('close', finish);
    socket.on('error', () => { /* the close that follows ends it */ });
    socket.write(text);
  });
}

describe('refusals made by the HTTP framework itself', () => {
  let h: Harness;
  let marker = 0;
  beforeAll(async () => { h = await startApp(); });
  afterAll(async () => { await h.stop(); });

  /** Resolves with the index of the first log line from `from` on that matches, or fails after 2 s. */
  const waitForLine = (from: number, match: (line: Record<string, unknown>) => boolean) => new Promise<number>((resolve, reject) => {
    const look = () => {
      const found = h.lines.findIndex((line, i) => i >= from && match(line));
      if (found < 0) return false;
      clearTimeout(deadline);
      h.logged.off('line', look);
      resolve(found);
      return true;
    };
    const deadline = setTimeout(() => { h.logged.off('line', look); reject(new Error('no such log line within 2 s')); }, 2000);
    if (!look()) h.logged.on('line', look);
  });

  /**
   * The HTTP log lines written for one refusal: everything from `from` up to the line of a marker
   * request sent after the refusal was logged, so a second line written late is caught too.
   */
  const linesFor = async (from: number, code: string) => {
    await waitForLine(from, (line) => line.code === code);
    const path = `/marker-${++marker}`;
    await rawRequest(h.port, `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    const end = await waitForLine(from, (line) => line.path === path);
    return h.lines.slice(from, end).filter((line) => line.component === 'http');
  };

  const sample = async (name: string, labels: Record<string, string | number>) => {
    const metric = h.metrics.registry.getSingleMetric(name);
    if (!metric) return 0;
    const { values } = await metric.get();
    return values.filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === String(want))).reduce((sum, v) => sum + v.value, 0);
  };

  /** Sends `text`, then checks the answer, the one log line and the counters it must leave behind. */
  const expectRefusal = async (text: string, status: number, code: string) => {
    const from = h.lines.length;
    const refusedBefore = await sample('parley_http_refused_total', { code });
    const requestsBefore = await sample('parley_http_requests_total', { status });
    const answer = await rawRequest(h.port, text);
    expect(answer.headers.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${STATUS_CODES[status]}`);
    expect(answer.headers).toMatch(/\r\ncontent-type: application\/json/i);
    expect(JSON.parse(answer.body)).toEqual({ error: { code, message: expect.any(String), details: expect.any(Object) } });
    const lines = await linesFor(from, code);
    expect(lines, JSON.stringify(lines)).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({ code, level: 30 });
    // One line, no stack, and no header value (the API key and signature below are sent on purpose).
    expect(JSON.stringify(line)).not.toMatch(/stack|"err"|framework-refusals-admin-key|sha256=/);
    expect(await sample('parley_http_refused_total', { code }), 'parley_http_refused_total').toBe(refusedBefore + 1);
    expect(await sample('parley_http_requests_total', { status }), 'parley_http_requests_total').toBe(requestsBefore + 1);
    return answer;
  };

  const auth = `Authorization: ${BEARER_VALUE}\r\n`;
  it.each([
    ['a route parameter over 100 characters', `GET /v1/events/${'a'.repeat(300)} HTTP/1.1\r\nHost: localhost\r\n${auth}\r\n`, 414, 'PARLEY_HTTP_URL_TOO_LONG'],
    ['a webhook source id over 100 characters', `POST /webhooks/${'x'.repeat(300)} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}`, 414, 'PARLEY_HTTP_URL_TOO_LONG'],
    ['a malformed percent-encoding in the path', 'GET /webhooks/%ff HTTP/1.1\r\nHost: localhost\r\n\r\n', 400, 'PARLEY_HTTP_BAD_URL'],
    ['a malformed percent-encoding in an API path', `GET /v1/events/%e0%a4%a HTTP/1.1\r\nHost: localhost\r\n${auth}\r\n`, 400, 'PARLEY_HTTP_BAD_URL'],
    ['a URL longer than Node reads (it counts against the header limit)', `GET /v1/events?cursor=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`, 431, 'PARLEY_HTTP_HEADERS_TOO_LARGE'],
    ['20 KB of headers', `GET /health HTTP/1.1\r\nHost: localhost\r\n${auth}X-Padding: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'PARLEY_HTTP_HEADERS_TOO_LARGE'],
    ['an Expect other than 100-continue', `POST /webhooks/x HTTP/1.1\r\nHost: localhost\r\nExpect: something-else\r\nx-twitter-webhooks-signature: sha256=AAAA\r\nContent-Length: 2\r\n\r\n{}`, 417, 'PARLEY_HTTP_EXPECTATION_FAILED'],
    ['an HTTP/1.1 request without Host', 'GET /health HTTP/1.1\r\n\r\n', 400, 'PARLEY_HTTP_HOST_REQUIRED'],
    ['an HTTP/1.1 request without Host to an API route', `GET /v1/events HTTP/1.1\r\n${auth}\r\n`, 400, 'PARLEY_HTTP_HOST_REQUIRED'],
    ['an HTTP/1.1 request without Host to no route', 'GET /nowhere HTTP/1.1\r\n\r\n', 400, 'PARLEY_HTTP_HOST_REQUIRED'],
    ['a non-numeric Content-Length', 'POST /webhooks/x HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n{}', 400, 'PARLEY_HTTP_BAD_REQUEST'],
    ['an API body of a media type it does not take', `POST /v1/dead-letters/replay HTTP/1.1\r\nHost: localhost\r\n${auth}Content-Type: application/xml\r\nContent-Length: 7\r\n\r\n<a></a>`, 415, 'PARLEY_HTTP_UNSUPPORTED_MEDIA_TYPE'],
    ['an API body with an unparsable Content-Type', `POST /v1/dead-letters/replay HTTP/1.1\r\nHost: localhost\r\n${auth}Content-Type: garbage\r\nContent-Length: 2\r\n\r\n{}`, 415, 'PARLEY_HTTP_UNSUPPORTED_MEDIA_TYPE'],
    ['an empty JSON body to the API', `POST /v1/dead-letters/replay HTTP/1.1\r\nHost: localhost\r\n${auth}Content-Type: application/json\r\nContent-Length: 0\r\n\r\n`, 400, 'PARLEY_HTTP_BAD_REQUEST'],
  ] as const)('answers %s with the error body, one log line and a count', async (_name, text, status, code) => {
    await expectRefusal(text, status, code);
  });

  it('still serves HTTP/1.0 without Host, and Expect: 100-continue', async () => {
    expect((await rawRequest(h.port, 'GET /health HTTP/1.0\r\n\r\n')).status).toBe(200);
    const body = tweetDelivery(1);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: h.port, path: '/webhooks/x', method: 'POST', headers: {
        'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue', 'x-twitter-webhooks-signature': signX(SECRET, body),
      } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('continue', () => req.end(body));
      req.on('error', reject);
    });
    expect(status).toBe(200);
  });

  it('answers a request that arrives while the server shuts down with the error body', async () => {
    const other = await startApp();
    let stopping: Promise<void> | undefined;
    try {
      const socket = connect(other.port, '127.0.0.1');
      let received = '';
      const closed = new Promise<void>((resolve) => { socket.on('close', () => resolve()); socket.on('error', () => resolve()); });
      socket.on('data', (d: Buffer) => { received += d.toString('utf8'); });
      // A first request in flight keeps the connection busy, so closing does not reap it.
      const body = tweetDelivery(2);
      const signature = signX(SECRET, body);
      const head = `POST /webhooks/x HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nx-twitter-webhooks-signature: ${signature}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
      const routed = once(other.app.server, 'request', { signal: AbortSignal.timeout(2000) });
      socket.write(head);
      await routed;
      await waitForServerClose(other, () => { stopping = other.stop(); });
      // The rest of the first request, and a second one pipelined behind it, routed while closing.
      socket.write(body + 'GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
      await closed;
      const answers = received.split(/(?=HTTP\/1\.1 )/);
      expect(answers, received).toHaveLength(2);
      expect(answers[0]!.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
      const second = answers[1]!;
      expect(second.split('\r\n')[0]).toBe('HTTP/1.1 503 Service Unavailable');
      expect(JSON.parse(second.slice(second.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'PARLEY_HTTP_SHUTTING_DOWN' } });
      expect(other.lines.filter((line) => line.code === 'PARLEY_HTTP_SHUTTING_DOWN'), JSON.stringify(other.lines)).toHaveLength(1);
    } finally {
      await (stopping ?? other.stop());
    }
  });
});

/** Calls `close`, and resolves once the app has stopped listening (its routes then answer as closing). */
function waitForServerClose(h: Harness, close: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = h.app.server;
    const original = server.close.bind(server);
    const deadline = setTimeout(() => reject(new Error('the server did not start closing within 2 s')), 2000);
    server.close = ((callback?: (error?: Error) => void) => {
      const result = original(callback);
      clearTimeout(deadline);
      resolve();
      return result;
    }) as typeof server.close;
    close();
  });
}

describe('webhook verification comes before the media type', () => {
  let h: Harness;
  beforeAll(async () => { h = await startApp(); });
  afterAll(async () => { await h.stop(); });

  const post = async (body: string, headers: Record<string, string>) => {
    const lines = Object.entries({ host: 'localhost', ...headers, 'content-length': String(Buffer.byteLength(body)) }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    const answer = await rawRequest(h.port, `POST /webhooks/x HTTP/1.1\r\n${lines}\r\n${body}`);
    return { status: answer.status, code: (JSON.parse(answer.body) as { error?: { code: string } }).error?.code };
  };
  const wrong = { 'x-twitter-webhooks-signature': signX('not-the-secret', 'hello') };

  it.each([
    ['text/plain'],
    ['application/x-www-form-urlencoded'],
    ['multipart/form-data; boundary=xyz'],
    ['garbage'],
    [''],
    [undefined],
  ])('refuses a wrong signature with 401 whatever the Content-Type (%s)', async (contentType) => {
    // prom-client hands out its live objects: read the number, not the object.
    const count = async () => (await h.metrics.intakeRejected.get()).values.filter((v) => v.labels.reason === 'bad_signature').reduce((s, v) => s + v.value, 0);
    const before = await count();
    const answer = await post('hello, not JSON', { ...(contentType === undefined ? {} : { 'content-type': contentType }), ...wrong });
    expect(answer).toEqual({ status: 401, code: 'PARLEY_INTAKE_BAD_SIGNATURE' });
    expect(await count()).toBe(before + 1);
  });

  it.each([
    ['text/plain', 415, 'PARLEY_INTAKE_UNSUPPORTED_MEDIA_TYPE'],
    ['application/x-www-form-urlencoded', 415, 'PARLEY_INTAKE_UNSUPPORTED_MEDIA_TYPE'],
    ['garbage', 415, 'PARLEY_INTAKE_UNSUPPORTED_MEDIA_TYPE'],
    ['', 415, 'PARLEY_INTAKE_UNSUPPORTED_MEDIA_TYPE'],
  ] as const)('verifies the exact bytes of a %s body, then refuses its media type', async (contentType, status, code) => {
    const body = 'a=1&b=%20 not JSON';
    expect(await post(body, { 'content-type': contentType, 'x-twitter-webhooks-signature': signX(SECRET, body) })).toEqual({ status, code });
  });

  it('takes a verified JSON body with parameters on its media type, and refuses a verified non-JSON one with 400', async () => {
    const body = tweetDelivery(3);
    expect((await post(body, { 'content-type': 'application/json; charset=utf-8', 'x-twitter-webhooks-signature': signX(SECRET, body) })).status).toBe(200);
    const notJson = 'hello';
    expect(await post(notJson, { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signX(SECRET, notJson) }))
      .toEqual({ status: 400, code: 'PARLEY_INTAKE_INVALID_JSON' });
  });

  it('keeps the body limit, whatever the Content-Type', async () => {
    const body = 'x'.repeat(4096);
    for (const contentType of ['text/plain', 'garbage']) {
      expect(await post(body, { 'content-type': contentType, 'x-twitter-webhooks-signature': signX(SECRET, body) }), contentType)
        .toEqual({ status: 413, code: 'PARLEY_INTAKE_BODY_TOO_LARGE' });
    }
  });
});
