import { describe, expect, it } from 'vitest';
import { C4cError, classifyC4cError, CSRF_REQUIRED, describeC4cError, failureOf } from './classify.ts';

const WAIT = 60_000;
const odata = (message: string) => JSON.stringify({ error: { code: '', message: { lang: 'en', value: message } } });
const answer = (status: number, headers: Record<string, string> = {}, body = odata('boom')) => ({ status, headers, body });
const classify = (a: ReturnType<typeof answer>) => classifyC4cError(new C4cError(failureOf(a)), WAIT);

describe('classifying C4C failures (reference, "Error classification")', () => {
  it.each([
    ['400 validation', answer(400), { kind: 'permanent', scope: 'record' }],
    ['401 credentials', answer(401, {}, 'Unauthorized'), { kind: 'permanent', scope: 'config' }],
    ['403 x-csrf-token: Required (after the one re-fetch)', answer(403, { 'x-csrf-token': 'Required' }, 'CSRF token validation failed'), { kind: 'retryable' }],
    ['403 without Required: no authorisation', answer(403), { kind: 'permanent', scope: 'config' }],
    ['404 unknown key', answer(404), { kind: 'permanent', scope: 'record' }],
    ['412 ETag mismatch', answer(412), { kind: 'retryable' }],
    ['429 with Retry-After', answer(429, { 'retry-after': '7' }), { kind: 'rate-limited', retryAfterMs: 7000 }],
    ['429 without Retry-After: the configured wait', answer(429), { kind: 'rate-limited', retryAfterMs: WAIT }],
    ['500', answer(500), { kind: 'retryable' }],
    ['502', answer(502, {}, '<html>bad gateway</html>'), { kind: 'retryable' }],
    ['503', answer(503), { kind: 'retryable' }],
  ])('%s', (_name, a, expected) => {
    expect(classify(a)).toEqual(expected);
  });

  it('classifies the VendorError the kit keeps the same way as the error it came from', () => {
    for (const a of [answer(400), answer(401), answer(403, { 'x-csrf-token': 'Required' }), answer(412), answer(429), answer(503)]) {
      const error = new C4cError(failureOf(a));
      expect(classifyC4cError(describeC4cError(error), WAIT).kind).toBe(classifyC4cError(error, WAIT).kind);
    }
  });

  it('describes the OData v2 error body in C4C words, HTTP_<status> when C4C leaves the code empty', () => {
    expect(describeC4cError(new C4cError(failureOf(answer(400, {}, odata("Property 'Foo' is invalid")))))).toEqual({ code: 'HTTP_400', message: "Property 'Foo' is invalid", httpStatus: 400 });
    expect(describeC4cError(failureOf(answer(403, { 'x-csrf-token': 'Required' }, 'CSRF token validation failed')))).toEqual({ code: CSRF_REQUIRED, message: 'CSRF token validation failed', httpStatus: 403 });
  });

  it('leaves the outcome unknown for an unreadable $batch answer, and calls a JavaScript error a bug', () => {
    expect(classifyC4cError(new C4cError({ code: 'UNREADABLE_ANSWER', message: 'x', httpStatus: 202 }), WAIT)).toEqual({ kind: 'retryable', outcomeUnknown: true });
    expect(classifyC4cError(new TypeError('x is undefined'), WAIT)).toEqual({ kind: 'permanent', scope: 'bug' });
  });
});
