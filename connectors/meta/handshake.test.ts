import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MetaSourceConfig } from './config.ts';
import { answerVerification } from './handshake.ts';

interface VerificationVector { request: string; configuredVerifyToken: string; expectedStatus: number; expectedResponseBody: string; wrongTokenRequest: string; wrongTokenExpectedStatus: number }
const [vector] = (JSON.parse(readFileSync(new URL('../../test/fixtures/signature-vectors.json', import.meta.url), 'utf8')) as { meta: { verification: VerificationVector[] } }).meta.verification;

const config = (verifyToken: string, verifyTokenPrevious?: string): MetaSourceConfig => ({ appSecret: 's', appSecretPrevious: undefined, verifyToken, verifyTokenPrevious });
/** The decoded query of a vector's `GET <webhook-url>?…` line. */
const queryOf = (line: string) => Object.fromEntries(new URL(line.replace('GET <webhook-url>', 'http://x/')).searchParams);
const answer = (query: Record<string, string>, cfg = config('right-token')) => answerVerification({ headers: {}, query }, cfg);
const ask = (fields: Record<string, string> = {}) => ({ 'hub.mode': 'subscribe', 'hub.verify_token': 'right-token', 'hub.challenge': '1158201444', ...fields });

describe('answerVerification (hub.challenge)', () => {
  it('answers the published vector with the bare challenge, and refuses its wrong token', () => {
    expect(answer(queryOf(vector!.request), config(vector!.configuredVerifyToken))).toEqual({ ok: true, contentType: 'text/plain', body: vector!.expectedResponseBody });
    expect(answer(queryOf(vector!.wrongTokenRequest), config(vector!.configuredVerifyToken))).toMatchObject({ ok: false, reason: 'refused' });
  });

  it('refuses a wrong token or a token of another length, and a mode other than subscribe', () => {
    for (const token of ['wrong-token', 'right-toke', 'right-token ', 'RIGHT-TOKEN', '']) expect(answer(ask({ 'hub.verify_token': token })), token).toMatchObject({ ok: false, reason: 'refused' });
    expect(answer(ask({ 'hub.mode': 'unsubscribe' }))).toMatchObject({ ok: false, reason: 'refused' });
  });

  it('accepts the previous token during a rotation', () => {
    const rotating = config('new-token', 'old-token');
    expect(answer(ask({ 'hub.verify_token': 'old-token' }), rotating)).toMatchObject({ ok: true, body: '1158201444' });
    expect(answer(ask({ 'hub.verify_token': 'new-token' }), rotating)).toMatchObject({ ok: true });
    expect(answer(ask({ 'hub.verify_token': 'old-token' }), config('new-token'))).toMatchObject({ ok: false, reason: 'refused' });
  });

  it('is a bad request without any of the three parameters', () => {
    for (const key of ['hub.mode', 'hub.verify_token', 'hub.challenge']) {
      const query: Record<string, string> = ask();
      delete query[key];
      expect(answer(query), key).toMatchObject({ ok: false, reason: 'bad-request' });
    }
    expect(answer(ask({ 'hub.challenge': '' }))).toMatchObject({ ok: false, reason: 'bad-request' });
    // A repeated parameter (an array once the query is parsed) is no value at all.
    const repeated = { ...ask(), 'hub.challenge': ['1', '2'] } as unknown as Record<string, string>;
    expect(answer(repeated)).toMatchObject({ ok: false, reason: 'bad-request' });
  });

  it('never reflects markup, JSON, whitespace or a long string, even with the right token', () => {
    for (const challenge of ['<script>alert(1)</script>', '{"object":"page"}', 'a b', 'a\nb', '1'.repeat(129), 'é']) {
      expect(answer(ask({ 'hub.challenge': challenge })), challenge).toMatchObject({ ok: false, reason: 'bad-request' });
    }
    expect(answer(ask({ 'hub.challenge': 'abc_DEF-1.2~' }))).toMatchObject({ ok: true, body: 'abc_DEF-1.2~' });
    expect(answer(ask({ 'hub.challenge': '1'.repeat(128) }))).toMatchObject({ ok: true });
  });
});
