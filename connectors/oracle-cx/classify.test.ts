import { describe, expect, it } from 'vitest';
import { readBatchAnswer, type BatchPart } from './batch.ts';
import { classifyOracleError, describeOracleError, failureOf, OracleError, retryAfterMs } from './classify.ts';

const WAIT = 60_000;
const ADF_JSON = 'application/vnd.oracle.adf.error+json';
const plain = (status: number, body = 'Attribute SeverityCd has an invalid value.', headers: Record<string, string> = {}) => ({ status, headers: { 'content-type': 'text/plain', ...headers }, body });
const adf = (status: number, details: Array<Record<string, string>>) => ({ status, headers: { 'content-type': ADF_JSON }, body: JSON.stringify({ title: 'Bad Request', status: String(status), 'o:errorDetails': details }) });
const classify = (a: { status: number; headers: Record<string, string>; body: string }) => classifyOracleError(new OracleError(failureOf(a)), WAIT);

describe('classifying Oracle CX failures (reference, "Error classification")', () => {
  it.each([
    ['400 validation', plain(400), { kind: 'permanent', scope: 'record' }],
    ['400 duplicate natural key', plain(400, 'JBO-25013: Too many objects match the primary key oracle.jbo.Key[TWITTER 42].'), { kind: 'permanent', scope: 'data' }],
    ['401 credentials', plain(401, 'Unauthorized'), { kind: 'permanent', scope: 'config' }],
    ['403 missing role', plain(403, 'Forbidden'), { kind: 'permanent', scope: 'config' }],
    ['404 unknown item', plain(404, 'Not Found'), { kind: 'permanent', scope: 'record' }],
    ['405 PATCH on socialPosts', plain(405, 'Method Not Allowed'), { kind: 'permanent', scope: 'bug' }],
    ['406 wrong Accept', plain(406, 'Not Acceptable'), { kind: 'permanent', scope: 'bug' }],
    ['415 wrong media type', plain(415, 'Unsupported Media Type'), { kind: 'permanent', scope: 'bug' }],
    ['412 stale If-Match', plain(412, 'Precondition Failed'), { kind: 'retryable' }],
    ['429 with Retry-After in seconds', plain(429, 'Too many requests.', { 'retry-after': '5' }), { kind: 'rate-limited', retryAfterMs: 5000 }],
    ['429 without Retry-After: the configured wait', plain(429, 'Too many requests.'), { kind: 'rate-limited', retryAfterMs: WAIT }],
    ['500', plain(500, 'Internal Server Error'), { kind: 'retryable' }],
    ['502: the gateway may have passed it on', { status: 502, headers: { 'content-type': 'text/html' }, body: '<html><title>502 Bad Gateway</title></html>' }, { kind: 'retryable', outcomeUnknown: true }],
    ['503', plain(503, 'Service Unavailable'), { kind: 'retryable' }],
    ['504: the server may finish what the gateway gave up on', plain(504, 'Gateway Timeout'), { kind: 'retryable', outcomeUnknown: true }],
  ])('%s', (_name, a, expected) => {
    expect(classify(a)).toEqual(expected);
  });

  it('reads Retry-After as an HTTP date too', () => {
    const now = Date.parse('2026-12-03T10:00:00Z');
    expect(retryAfterMs('Thu, 03 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });

  it('classifies the VendorError the kit keeps the same way as the error it came from', () => {
    for (const a of [plain(400), plain(401), plain(405), plain(412), plain(429), plain(503), plain(504)]) {
      const error = new OracleError(failureOf(a));
      expect(classifyOracleError(describeOracleError(error), WAIT)).toEqual(classifyOracleError(error, WAIT));
    }
  });

  it('leaves the outcome unknown for an unreadable answer, and calls a JavaScript error a bug', () => {
    expect(classifyOracleError(new OracleError({ code: 'UNREADABLE_ANSWER', message: 'x', httpStatus: 200 }), WAIT)).toEqual({ kind: 'retryable', outcomeUnknown: true });
    expect(classifyOracleError(new TypeError('x is undefined'), WAIT)).toEqual({ kind: 'permanent', scope: 'bug' });
  });
});

describe('Oracle\'s words for a failure (describeError)', () => {
  it('reads a plain-text body as it is (the default error format, §3)', () => {
    expect(describeOracleError(new OracleError(failureOf(plain(400))))).toEqual({ code: 'HTTP_400', message: 'Attribute SeverityCd has an invalid value.', httpStatus: 400 });
  });

  it('reads the ADF JSON error document: every detail, the first error code, the attributes named', () => {
    const answer = adf(400, [
      { detail: 'Attribute SeverityCd has an invalid value.', 'o:errorCode': 'JBO-27014', 'o:errorPath': '/SeverityCd' },
      { detail: 'Attribute Title is required.', 'o:errorCode': 'JBO-27014', 'o:errorPath': '/Title' },
    ]);
    expect(describeOracleError(new OracleError(failureOf(answer)))).toEqual({
      code: 'JBO-27014', message: 'Attribute SeverityCd has an invalid value.; Attribute Title is required.', fields: ['SeverityCd', 'Title'], httpStatus: 400,
    });
  });

  it('keeps the attributes named when describing the VendorError the kit kept', () => {
    const kept = describeOracleError(new OracleError(failureOf(adf(400, [{ detail: 'Attribute Title is required.', 'o:errorCode': 'JBO-27014', 'o:errorPath': '/Title' }]))));
    expect(describeOracleError(kept)).toEqual(kept);
  });

  it('reads RFC 7807 members when there are no details', () => {
    const answer = { status: 404, headers: { 'content-type': 'application/problem+json' }, body: JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'The resource socialPostz was not found.', 'o:errorCode': 'OAS-404' }) };
    expect(describeOracleError(new OracleError(failureOf(answer)))).toEqual({ code: 'OAS-404', message: 'The resource socialPostz was not found.', httpStatus: 404 });
  });
});

describe('a batch answer (§4, all-or-nothing)', () => {
  const parts: BatchPart[] = [
    { id: 'p0', path: '/socialUsers', operation: 'upsert', payload: { SocialNetworkCd: 'TWITTER', SocialNetworkUserId: '1' } },
    { id: 'p1', path: '/socialUsers', operation: 'upsert', payload: { SocialNetworkCd: 'NOPE', SocialNetworkUserId: '2' } },
    { id: 'p2', path: '/serviceRequests/SR0000000001', operation: 'delete' },
  ];
  const json = (status: number, body: unknown) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('applied: every part with its item (a delete without one)', () => {
    const outcome = readBatchAnswer(json(200, { parts: [
      { id: 'p0', path: '/socialUsers', operation: 'upsert', payload: { UserId: 300000000000001 } },
      { id: 'p1', path: '/socialUsers', operation: 'upsert', payload: { UserId: 300000000000002 } },
      { id: 'p2', path: '/serviceRequests/SR0000000001', operation: 'delete' },
    ] }), parts);
    expect(outcome).toEqual({ kind: 'applied', items: new Map([['p0', { UserId: 300000000000001 }], ['p1', { UserId: 300000000000002 }]]) });
  });

  it('failed: the parts listed with an exception, read like any error document', () => {
    const outcome = readBatchAnswer(json(400, { parts: [
      { id: 'p1', path: '/socialUsers', operation: 'upsert', exception: { status: '400', title: 'Bad Request', detail: 'Attribute SocialNetworkCd has an invalid value.', 'o:errorCode': 'JBO-27014' } },
    ] }), parts);
    expect(outcome).toEqual({ kind: 'failed', failures: new Map([['p1', { code: 'JBO-27014', message: 'Attribute SocialNetworkCd has an invalid value.', httpStatus: 400 }]]) });
    const failure = (outcome as { failures: Map<string, unknown> }).failures.get('p1');
    expect(classifyOracleError(failure, WAIT)).toEqual({ kind: 'permanent', scope: 'record' });
  });

  it('failed: a part answered without its item, even under a 200', () => {
    const outcome = readBatchAnswer(json(200, { parts: [{ id: 'p0', path: '/socialUsers', operation: 'upsert' }] }), parts);
    expect(outcome.kind).toBe('failed');
  });

  it('throws for a whole call that failed: an error naming no part of the batch, or a 2xx that is no batch answer', () => {
    expect(() => readBatchAnswer(plain(503, 'Service Unavailable'), parts)).toThrow(OracleError);
    expect(() => readBatchAnswer(json(400, { parts: [{ id: 'other', exception: { status: '400', detail: 'x' } }] }), parts)).toThrow(expect.objectContaining({ httpStatus: 400 }));
    expect(() => readBatchAnswer({ status: 200, headers: {}, body: '<html>proxy</html>' }, parts)).toThrow(expect.objectContaining({ code: 'UNREADABLE_ANSWER' }));
  });
});
