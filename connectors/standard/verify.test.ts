import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeSecret } from './secret.ts';
import { v1Signatures, verifyDelivery } from './verify.ts';

interface Vector { secret: string; webhookId: string; webhookTimestamp: string; body?: string; bodyBase64?: string; expectedSignatureHeader?: string; headers?: Record<string, string> }
const vectors = (JSON.parse(readFileSync(new URL('../../test/fixtures/signature-vectors.json', import.meta.url), 'utf8')) as {
  standard: { publishedSpecVector: Vector; post: Vector[]; rotation: { secrets: string[]; headers: Record<string, string>; bodyBase64: string } };
}).standard;

const keyOf = (secret: string): Buffer => {
  const decoded = decodeSecret(secret);
  if (!decoded.ok) throw new Error(decoded.reason);
  return decoded.key;
};
const at = (timestamp: string | number, offsetSeconds = 0) => new Date((Number(timestamp) + offsetSeconds) * 1000);
const sign = (secret: string, id: string, timestamp: string, body: string | Buffer) =>
  createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.`).update(body).digest('base64');

const SECRET = vectors.post[0]!.secret;
const BODY = Buffer.from('{"type":"mention.created","timestamp":"2026-01-01T00:00:00Z","data":{}}');
const TS = '1763890000';
const verify = (headers: Record<string, string>, options: { keys?: Buffer[]; receivedAt?: Date; body?: Buffer } = {}) =>
  verifyDelivery({ headers, rawBody: options.body ?? BODY, receivedAt: options.receivedAt ?? at(TS) }, { keys: options.keys ?? [keyOf(SECRET)], toleranceSeconds: 300 });
const good = (overrides: Record<string, string> = {}) => ({ 'webhook-id': 'msg_1', 'webhook-timestamp': TS, 'webhook-signature': 'v1,' + sign(SECRET, 'msg_1', TS, BODY), ...overrides });

describe('Standard Webhooks signature', () => {
  it('verifies the spec\'s published vector', () => {
    const v = vectors.publishedSpecVector;
    const result = verifyDelivery({
      headers: { 'webhook-id': v.webhookId, 'webhook-timestamp': v.webhookTimestamp, 'webhook-signature': v.expectedSignatureHeader! },
      rawBody: Buffer.from(v.body!), receivedAt: at(v.webhookTimestamp, 30),
    }, { keys: [keyOf(v.secret)], toleranceSeconds: 300 });
    expect(result).toEqual({ ok: true });
  });

  it('verifies the fixture vectors over their exact bytes (one with non-ASCII text)', () => {
    for (const v of vectors.post) {
      const result = verifyDelivery({ headers: v.headers!, rawBody: Buffer.from(v.bodyBase64!, 'base64'), receivedAt: at(v.webhookTimestamp) }, { keys: [keyOf(v.secret)], toleranceSeconds: 300 });
      expect(result, v.webhookId).toEqual({ ok: true });
    }
  });

  it('during a rotation the header carries both signatures; a receiver holding either secret accepts', () => {
    const { secrets, headers, bodyBase64 } = vectors.rotation;
    for (const secret of secrets) {
      const result = verifyDelivery({ headers, rawBody: Buffer.from(bodyBase64, 'base64'), receivedAt: at(headers['webhook-timestamp']!) }, { keys: [keyOf(secret)], toleranceSeconds: 300 });
      expect(result).toEqual({ ok: true });
    }
  });

  it('accepts a delivery signed with the previous key while both are configured, and not after', () => {
    const previous = 'whsec_' + Buffer.alloc(24, 9).toString('base64');
    const headers = good({ 'webhook-signature': 'v1,' + sign(previous, 'msg_1', TS, BODY) });
    expect(verify(headers, { keys: [keyOf(SECRET), keyOf(previous)] })).toEqual({ ok: true });
    expect(verify(headers)).toEqual({ ok: false, reason: 'mismatch', header: 'webhook-signature' });
  });

  it('accepts when any v1 entry matches: one bad and one good, v1a and unknown versions skipped', () => {
    const wrong = sign('whsec_' + Buffer.alloc(24, 1).toString('base64'), 'msg_1', TS, BODY);
    const right = sign(SECRET, 'msg_1', TS, BODY);
    expect(verify(good({ 'webhook-signature': `v1,${wrong} v1,${right}` }))).toEqual({ ok: true });
    expect(verify(good({ 'webhook-signature': `v1a,${right} v2,${right} v1,${right}` }))).toEqual({ ok: true });
    expect(verify(good({ 'webhook-signature': `v1,${wrong}` }))).toEqual({ ok: false, reason: 'mismatch', header: 'webhook-signature' });
    expect(verify(good({ 'webhook-signature': `v1a,${right}` }))).toEqual({ ok: false, reason: 'malformed', header: 'webhook-signature' });
  });

  it('refuses one changed byte, and a signature over another id or timestamp', () => {
    const changed = Buffer.from(BODY);
    changed[5]! ^= 1;
    expect(verify(good(), { body: changed })).toEqual({ ok: false, reason: 'mismatch', header: 'webhook-signature' });
    expect(verify(good({ 'webhook-id': 'msg_2' }))).toMatchObject({ ok: false, header: 'webhook-signature' });
    expect(verify(good({ 'webhook-timestamp': String(Number(TS) + 1) }))).toMatchObject({ ok: false, header: 'webhook-signature' });
  });

  it('refuses a timestamp more than the tolerance old or ahead, as a mismatch of webhook-timestamp', () => {
    expect(verify(good(), { receivedAt: at(TS, 300) })).toEqual({ ok: true });
    expect(verify(good(), { receivedAt: at(TS, -300) })).toEqual({ ok: true });
    expect(verify(good(), { receivedAt: at(TS, 15 * 60) })).toEqual({ ok: false, reason: 'mismatch', header: 'webhook-timestamp' });
    expect(verify(good(), { receivedAt: at(TS, -15 * 60) })).toEqual({ ok: false, reason: 'mismatch', header: 'webhook-timestamp' });
  });

  it('refuses a timestamp that is not integer seconds as malformed', () => {
    for (const timestamp of ['NaN', '1.5', '-1', '1763890000.0', '1e9', ' 1763890000', '0x10', 'Infinity', '17638900000000']) {
      expect(verify(good({ 'webhook-timestamp': timestamp })), timestamp).toEqual({ ok: false, reason: 'malformed', header: 'webhook-timestamp' });
    }
  });

  it('names the missing header', () => {
    const without = (name: string) => Object.fromEntries(Object.entries(good()).filter(([header]) => header !== name));
    for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      expect(verify(without(header))).toEqual({ ok: false, reason: 'missing', header });
    }
    expect(verify(good({ 'webhook-id': 'has space' }))).toEqual({ ok: false, reason: 'malformed', header: 'webhook-id' });
    expect(verify(good({ 'webhook-id': 'm'.repeat(257) }))).toEqual({ ok: false, reason: 'malformed', header: 'webhook-id' });
  });
});

describe('v1Signatures', () => {
  it('keeps well-formed v1 entries only', () => {
    const sig = 'K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=';
    expect(v1Signatures(`v1,${sig} v1a,${sig}  v1,short v1,${sig}x ,${sig} v1,${sig}`)).toEqual([sig, sig]);
  });
});
