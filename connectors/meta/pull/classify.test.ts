import { describe, expect, it } from 'vitest';
import { PullHttpError } from '../../../src/connectors/index.ts';
import { classifyMetaPull } from './classify.ts';
import { decodeWalk, encodeWalk, nextWalk } from './comments-walk.ts';
import { metaRateLimit, readMetaUsage } from './usage-headers.ts';

const graph = (status: number, error: Record<string, unknown>, headers: Record<string, string> = {}) =>
  new PullHttpError(status, headers, { error: { message: 'm', type: 'OAuthException', fbtrace_id: 'x', ...error } });
const buc = (percent: number, minutes: number) => ({
  'x-business-use-case-usage': JSON.stringify({ 1234: [{ type: 'pages', call_count: percent, total_cputime: 1, total_time: 2, estimated_time_to_regain_access: minutes }] }),
});

// One table drives every verdict: Graph's HTTP statuses do not tell a throttle from a bad request, the body's code does.
describe('classifyMetaPull', () => {
  it.each([
    ['page throttle (32), wait from the usage headers', graph(400, { code: 32 }, buc(100, 7)), { kind: 'rate-limited', retryAfterMs: 7 * 60_000 }],
    ['app throttle (4) on a 403, no wait announced', graph(403, { code: 4 }), { kind: 'rate-limited', retryAfterMs: 5 * 60_000 }],
    ['user throttle (17)', graph(400, { code: 17 }), { kind: 'rate-limited', retryAfterMs: 5 * 60_000 }],
    ['custom throttle (613)', graph(400, { code: 613 }), { kind: 'rate-limited', retryAfterMs: 5 * 60_000 }],
    ['Pages business use case (80001)', graph(400, { code: 80001 }, buc(100, 1)), { kind: 'rate-limited', retryAfterMs: 60_000 }],
    ['API Unknown (1)', graph(500, { code: 1 }), { kind: 'retryable' }],
    ['API Service (2)', graph(503, { code: 2 }), { kind: 'retryable' }],
    ['any error marked transient', graph(400, { code: 368, is_transient: true }), { kind: 'retryable' }],
    ['expired token (190)', graph(400, { code: 190 }), { kind: 'permanent', scope: 'config' }],
    ['no token (104)', graph(400, { code: 104 }), { kind: 'permanent', scope: 'config' }],
    ['permission (200)', graph(403, { code: 200 }), { kind: 'permanent', scope: 'config' }],
    ['no such Page (100/33)', graph(400, { code: 100, error_subcode: 33 }), { kind: 'permanent', scope: 'config' }],
    ['unknown version (2635)', graph(400, { code: 2635 }), { kind: 'permanent', scope: 'config' }],
    ['a field Graph does not know (100)', graph(400, { code: 100 }), { kind: 'permanent', scope: 'bug' }],
    ['a proxy\'s 502 page', new PullHttpError(502, {}, '<html>'), { kind: 'retryable' }],
    ['a dropped connection', new Error('socket hang up'), { kind: 'retryable' }],
  ])('%s', (_name, error, expected) => {
    expect(classifyMetaPull(error)).toEqual(expected);
  });
});

describe('the usage headers', () => {
  it('reads the most used budget and the longest wait across all three headers', () => {
    const headers = {
      'x-app-usage': '{"call_count":12,"total_cputime":3,"total_time":40}',
      'x-page-usage': '{"call_count":55,"total_cputime":10,"total_time":20}',
      ...buc(30, 0),
    };
    expect(readMetaUsage(headers)).toEqual({ percent: 55, regainMinutes: 0 });
    expect(metaRateLimit(headers)).toEqual({ limit: 100, remaining: 45 });
    expect(metaRateLimit(buc(100, 12))).toEqual({ limit: 100, remaining: 0 });
  });

  it('says nothing when Meta sent none, or sent something unreadable', () => {
    expect(metaRateLimit({})).toBeUndefined();
    expect(metaRateLimit({ 'x-app-usage': 'not json', 'x-business-use-case-usage': '[1]' })).toBeUndefined();
  });
});

describe('the comments walk token', () => {
  it('round-trips, starts empty, ends when the feed and its posts are done, and refuses a foreign token', () => {
    const walk = { feedAfter: 'QUZURVI=', feedDone: false, parents: ['1_2', '1_3'], commentsAfter: 'Q09N' };
    expect(decodeWalk(encodeWalk(walk))).toEqual(walk);
    expect(decodeWalk(undefined)).toEqual({ feedDone: false, parents: [] });
    expect(nextWalk({ feedDone: true, parents: [] })).toBeUndefined();
    expect(nextWalk({ feedDone: true, parents: ['1_2'] })).toBeDefined();
    expect(decodeWalk('QUZURVI=')).toBeUndefined();
    expect(decodeWalk(`meta-walk.${Buffer.from('{"parents":"x"}').toString('base64url')}`)).toBeUndefined();
  });

  it('refuses to outgrow the kit\'s 2,048-character page token, visibly', () => {
    const parents = Array.from({ length: 10 }, (_, i) => `1234567890123456789_12345678901234567${String(i).padStart(3, '0')}`);
    expect(encodeWalk({ feedDone: false, parents, feedAfter: 'A'.repeat(300), commentsAfter: 'B'.repeat(300) }).length).toBeLessThanOrEqual(2048);
    expect(() => encodeWalk({ feedDone: false, parents, feedAfter: 'A'.repeat(700), commentsAfter: 'B'.repeat(700) })).toThrow(/passes the pull kit/);
  });
});
