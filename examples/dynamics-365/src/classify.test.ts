import { describe, expect, it } from 'vitest';
import { classifyDataverseError, describeDataverseError } from './classify.ts';
import { DataverseError, failureOf, NOT_ANSWERED, RENEWED_TOKEN_REFUSED, UNREADABLE_ANSWER, type DataverseFailure } from './dataverse-error.ts';

const failure = (httpStatus: number, code: string, extra: Partial<DataverseFailure> = {}): DataverseFailure => ({ httpStatus, code, message: 'm', ...extra });

// One scenario table drives every check: the failure, the upsert key (if any), the class.
const CASES: Array<[string, unknown, { matchKey?: string }, ReturnType<typeof classifyDataverseError>]> = [
  ['requests limit, with its Retry-After', failure(429, '0x80072322', { retryAfterMs: 7000 }), {}, { kind: 'rate-limited', retryAfterMs: 7000 }],
  ['execution time limit without Retry-After', failure(429, '0x80072321'), {}, { kind: 'rate-limited', retryAfterMs: 60_000 }],
  ['concurrency limit as a whole-call error', new DataverseError(failure(429, '0x80072326', { retryAfterMs: 1000 })), {}, { kind: 'rate-limited', retryAfterMs: 1000 }],
  ['an expired token (renewed in the session)', failure(401, 'HTTP_401'), {}, { kind: 'retryable' }],
  ['a fresh token refused too', new DataverseError(failure(401, RENEWED_TOKEN_REFUSED)), {}, { kind: 'permanent', scope: 'config' }],
  ['a missing privilege', failure(403, '0x80040220'), {}, { kind: 'permanent', scope: 'config' }],
  ['an entity set the org does not have', failure(404, '0x80060888'), {}, { kind: 'permanent', scope: 'config' }],
  ['a duplicate key on the upsert key: two upserts racing', failure(412, '0x80040237'), { matchKey: 'uniqueprofileid' }, { kind: 'retryable' }],
  ['a duplicate key on a create', failure(412, '0x80040237'), {}, { kind: 'permanent', scope: 'data' }],
  ['an update of a record gone by id', failure(404, '0x80040217'), {}, { kind: 'permanent', scope: 'record' }],
  ['an update of a record gone by key', failure(404, '0x80060891'), {}, { kind: 'permanent', scope: 'record' }],
  ['a value too long', failure(400, '0x80044331'), {}, { kind: 'permanent', scope: 'record' }],
  ['a request the batch did not answer', { code: NOT_ANSWERED, message: 'm' }, {}, { kind: 'retryable' }],
  ['a 200 whose body is no batch answer: carried out or not, nobody knows', new DataverseError({ code: UNREADABLE_ANSWER, message: 'm' }), {}, { kind: 'retryable', outcomeUnknown: true }],
  ['an unexpected server error', failure(500, '0x80040216'), {}, { kind: 'retryable' }],
  ['a gateway page', failure(503, 'HTTP_503'), {}, { kind: 'retryable' }],
  ['a JavaScript bug', new TypeError('x is undefined'), {}, { kind: 'permanent', scope: 'bug' }],
];

describe('classifyDataverseError', () => {
  it.each(CASES)('%s', (_name, error, context, expected) => {
    expect(classifyDataverseError(error, context)).toEqual(expected);
  });

  // The conformance kit (and an operator's replay) classify the VendorError alone. It has no place
  // for the wait a 429 announced, which is only true when it is answered: the kind must still agree.
  it('classifies the operator\'s view of an error (describeError) as the error itself', () => {
    for (const [, error, context, expected] of CASES) {
      if (error instanceof TypeError) continue;
      const again = classifyDataverseError(describeDataverseError(error), context);
      expect(again.kind === 'rate-limited' ? { kind: again.kind } : again).toEqual(expected.kind === 'rate-limited' ? { kind: expected.kind } : expected);
    }
  });
});

describe('failureOf', () => {
  it('reads the OData error body, the status and Retry-After in seconds', () => {
    expect(failureOf({ status: 429, headers: { 'retry-after': '12' }, body: '{"error":{"code":"0x80072322","message":"Number of requests exceeded the limit"}}' }))
      .toEqual({ httpStatus: 429, code: '0x80072322', message: 'Number of requests exceeded the limit', retryAfterMs: 12_000 });
  });

  it('names a page or an empty body by its status', () => {
    expect(failureOf({ status: 502, headers: {}, body: '<html><title>Bad Gateway</title></html>' })).toMatchObject({ code: 'HTTP_502', message: '(an HTML page, not the Web API)' });
    expect(failureOf({ status: 401, headers: {}, body: '' })).toEqual({ httpStatus: 401, code: 'HTTP_401', message: 'HTTP 401' });
  });
});
