import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MetaSourceConfig } from './config.ts';
import { verifyDelivery } from './verify.ts';

const FIXTURES = new URL('../../test/fixtures/', import.meta.url);
interface PostVector { appSecret: string; file: string; expectedHeaderValue: string; legacyExpectedHeaderValue: string; bodyBase64: string; hasUnicodeEscapes: boolean }
const vectors = (JSON.parse(readFileSync(new URL('signature-vectors.json', FIXTURES), 'utf8')) as { meta: { post: PostVector[] } }).meta.post;

const config = (appSecret: string, appSecretPrevious?: string): MetaSourceConfig => ({ appSecret, appSecretPrevious, verifyToken: 't', verifyTokenPrevious: undefined });
const request = (rawBody: Buffer, headers: Record<string, string>) => ({ rawBody, headers, receivedAt: new Date() });
const sign = (secret: string, body: Buffer | string) => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');

describe('verifyDelivery: X-Hub-Signature-256', () => {
  it('has the vectors', () => expect(vectors.length).toBeGreaterThanOrEqual(3));

  it.each(vectors.map((vector) => [vector.file, vector] as const))('verifies the published vector over %s, byte for byte', (_file, vector) => {
    const body = readFileSync(new URL(vector.file, FIXTURES));
    expect(body.toString('base64')).toBe(vector.bodyBase64);
    expect(verifyDelivery(request(body, { 'x-hub-signature-256': vector.expectedHeaderValue }), config(vector.appSecret))).toEqual({ ok: true });
  });

  it('refuses the body re-serialised: Meta signs its \\u00c1 and \\/ escapes, which JSON.stringify does not write', () => {
    const vector = vectors.find((v) => v.hasUnicodeEscapes)!;
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(Buffer.from(vector.bodyBase64, 'base64').toString('utf8')), null, 2));
    expect(verifyDelivery(request(reserialised, { 'x-hub-signature-256': vector.expectedHeaderValue }), config(vector.appSecret)))
      .toEqual({ ok: false, reason: 'mismatch', header: 'x-hub-signature-256' });
  });

  it('refuses one changed byte, and a wrong secret', () => {
    const vector = vectors[0]!;
    const body = Buffer.from(vector.bodyBase64, 'base64');
    const changed = Buffer.from(body);
    changed[40]! ^= 1;
    expect(verifyDelivery(request(changed, { 'x-hub-signature-256': vector.expectedHeaderValue }), config(vector.appSecret)).ok).toBe(false);
    expect(verifyDelivery(request(body, { 'x-hub-signature-256': vector.expectedHeaderValue }), config('another-secret')))
      .toEqual({ ok: false, reason: 'mismatch', header: 'x-hub-signature-256' });
  });

  it('treats the legacy SHA-1 header alone as a missing signature, even when it is right', () => {
    const vector = vectors[0]!;
    const body = Buffer.from(vector.bodyBase64, 'base64');
    expect('sha1=' + createHmac('sha1', vector.appSecret).update(body).digest('hex')).toBe(vector.legacyExpectedHeaderValue);
    expect(verifyDelivery(request(body, { 'x-hub-signature': vector.legacyExpectedHeaderValue }), config(vector.appSecret)))
      .toEqual({ ok: false, reason: 'missing', header: 'x-hub-signature-256' });
    expect(verifyDelivery(request(body, { 'x-hub-signature-256': '' }), config(vector.appSecret)).ok).toBe(false);
  });

  it('calls malformed a signature of the wrong prefix, length or alphabet, before any HMAC', () => {
    const body = Buffer.from('{}');
    const good = sign('s', body);
    for (const bad of [good.toUpperCase(), 'sha1=' + good.slice(7), good.slice(7), good.slice(0, -1), good + '0', 'sha256=' + 'g'.repeat(64), good.replace('sha256=', 'sha256= ')]) {
      expect(verifyDelivery(request(body, { 'x-hub-signature-256': bad }), config('s')), bad).toEqual({ ok: false, reason: 'malformed', header: 'x-hub-signature-256' });
    }
  });

  it('accepts the current and the previous secret during a rotation, and only those', () => {
    const body = Buffer.from('{"object":"page","entry":[]}');
    const rotating = config('new-secret', 'old-secret');
    expect(verifyDelivery(request(body, { 'x-hub-signature-256': sign('new-secret', body) }), rotating).ok).toBe(true);
    expect(verifyDelivery(request(body, { 'x-hub-signature-256': sign('old-secret', body) }), rotating).ok).toBe(true);
    expect(verifyDelivery(request(body, { 'x-hub-signature-256': sign('older-secret', body) }), rotating).ok).toBe(false);
    expect(verifyDelivery(request(body, { 'x-hub-signature-256': sign('old-secret', body) }), config('new-secret')).ok).toBe(false);
  });

  it('reads the first value of a repeated header', () => {
    const body = Buffer.from('{}');
    expect(verifyDelivery({ rawBody: body, headers: { 'x-hub-signature-256': [sign('s', body), 'sha256=00'] }, receivedAt: new Date() }, config('s')).ok).toBe(true);
  });
});
