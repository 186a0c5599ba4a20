import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LinkedInSourceConfig } from './config.ts';
import { answerChallenge, verifyDelivery } from './verify.ts';

interface Vectors {
  linkedin: {
    challenge: Array<{ clientSecret: string; challengeCode: string; expectedResponseBody: { challengeCode: string; challengeResponse: string } }>;
    post: Array<{ clientSecret: string; bodyBase64: string; readingA_hmacOfRawBody: string; readingB_hmacOfPrefixedBody: string }>;
  };
}
const vectors = (JSON.parse(readFileSync(new URL('../../test/fixtures/signature-vectors.json', import.meta.url), 'utf8')) as Vectors).linkedin;
const post = vectors.post[0]!;
const body = Buffer.from(post.bodyBase64, 'base64');
const receivedAt = new Date('2026-03-01T12:00:00.000Z');
const config = (extra: Record<string, unknown> = {}) => LinkedInSourceConfig.parse({ clientSecret: post.clientSecret, ...extra });
const verify = (signature: string | undefined, options: Record<string, unknown> = {}, raw: Buffer = body) =>
  verifyDelivery({ headers: signature === undefined ? {} : { 'x-li-signature': signature }, rawBody: raw, receivedAt }, config(options));

describe('X-LI-Signature', () => {
  it('reading B (default, prefixed-body) accepts the reading-B vector and refuses the reading-A one', () => {
    expect(verify(post.readingB_hmacOfPrefixedBody)).toEqual({ ok: true });
    expect(verify(post.readingA_hmacOfRawBody)).toEqual({ ok: false, reason: 'mismatch', header: 'x-li-signature' });
  });

  it('reading A (signatureInput: body) accepts the reading-A vector and refuses the reading-B one', () => {
    expect(verify(post.readingA_hmacOfRawBody, { signatureInput: 'body' })).toEqual({ ok: true });
    expect(verify(post.readingB_hmacOfPrefixedBody, { signatureInput: 'body' }).ok).toBe(false);
  });

  it('accepts the header with or without the hmacsha256= prefix, in either case of hex', () => {
    expect(verify('hmacsha256=' + post.readingB_hmacOfPrefixedBody)).toEqual({ ok: true });
    expect(verify('hmacsha256=' + post.readingA_hmacOfRawBody, { signatureInput: 'body' })).toEqual({ ok: true });
    expect(verify(post.readingB_hmacOfPrefixedBody.toUpperCase())).toEqual({ ok: true });
  });

  it('refuses one changed byte', () => {
    const changed = Buffer.from(body);
    changed[10]! ^= 1;
    expect(verify(post.readingB_hmacOfPrefixedBody, {}, changed)).toEqual({ ok: false, reason: 'mismatch', header: 'x-li-signature' });
  });

  it('tells a missing header from a malformed one', () => {
    expect(verify(undefined)).toEqual({ ok: false, reason: 'missing', header: 'x-li-signature' });
    expect(verify('')).toEqual({ ok: false, reason: 'missing', header: 'x-li-signature' });
    for (const bad of ['sha256=' + post.readingB_hmacOfPrefixedBody, post.readingB_hmacOfPrefixedBody.slice(1), 'hmacsha256=', 'zz'.repeat(32)]) {
      expect(verify(bad), bad).toEqual({ ok: false, reason: 'malformed', header: 'x-li-signature' });
    }
  });

  it('during a rotation accepts both secrets, and a child app\'s secret; nothing else', () => {
    const sign = (secret: string) => createHmac('sha256', secret).update('hmacsha256=').update(body).digest('hex');
    const rotating = { clientSecret: 'new-secret', clientSecretPrevious: post.clientSecret, applicationSecrets: { '777': 'child-secret' } };
    const check = (signature: string) => verifyDelivery({ headers: { 'x-li-signature': signature }, rawBody: body, receivedAt }, LinkedInSourceConfig.parse(rotating));
    expect(check(sign('new-secret')).ok).toBe(true);
    expect(check(sign(post.clientSecret)).ok).toBe(true);
    expect(check(sign('child-secret')).ok).toBe(true);
    expect(check(sign('another-secret')).ok).toBe(false);
    const after = verifyDelivery({ headers: { 'x-li-signature': sign(post.clientSecret) }, rawBody: body, receivedAt }, LinkedInSourceConfig.parse({ clientSecret: 'new-secret' }));
    expect(after.ok).toBe(false);
  });
});

describe('challengeCode validation', () => {
  it('answers the published vectors', () => {
    for (const vector of vectors.challenge) {
      expect(answerChallenge({ headers: {}, query: { challengeCode: vector.challengeCode } }, config({ clientSecret: vector.clientSecret })))
        .toEqual({ ok: true, contentType: 'application/json', body: vector.expectedResponseBody });
    }
  });

  it('answers with the named child app\'s secret, else the client secret', () => {
    const code = vectors.challenge[0]!.challengeCode;
    const withApps = config({ applicationSecrets: { '777': 'child-secret' } });
    const answer = (applicationId?: string) => answerChallenge({ headers: {}, query: { challengeCode: code, ...(applicationId ? { applicationId } : {}) } }, withApps);
    expect(answer('777')).toMatchObject({ body: { challengeResponse: createHmac('sha256', 'child-secret').update(code).digest('hex') } });
    expect(answer('999')).toMatchObject({ body: { challengeResponse: createHmac('sha256', post.clientSecret).update(code).digest('hex') } });
    expect(answer('__proto__')).toMatchObject({ body: { challengeResponse: createHmac('sha256', post.clientSecret).update(code).digest('hex') } });
  });

  it('signs nothing but a UUID: no answer is a delivery signature for a JSON body', () => {
    const json = body.toString('utf8');
    for (const challengeCode of [json, '{}', '{"type":"x"}', 'hmacsha256=' + json, 'not-a-uuid', '4f4a3e2c-8b1d-4c7e-9a2f-6d5e4c3b2a10 ']) {
      expect(answerChallenge({ headers: {}, query: { challengeCode } }, config())).toMatchObject({ ok: false, reason: 'bad-request' });
    }
    expect(answerChallenge({ headers: {}, query: {} }, config())).toMatchObject({ ok: false, reason: 'bad-request' });
  });
});
