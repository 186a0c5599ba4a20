import { describe, expect, it } from 'vitest';
import { decodeSecret } from './secret.ts';

const SPEC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SPEC_KEY = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');

describe('decodeSecret', () => {
  it('decodes a whsec_ secret, with or without the prefix and the padding', () => {
    expect(decodeSecret(SPEC_SECRET)).toEqual({ ok: true, key: SPEC_KEY });
    expect(decodeSecret('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toEqual({ ok: true, key: SPEC_KEY });
    const padded = 'whsec_' + Buffer.alloc(20, 7).toString('base64');
    expect(padded.endsWith('=')).toBe(true);
    expect(decodeSecret(padded)).toEqual({ ok: true, key: Buffer.alloc(20, 7) });
    expect(decodeSecret(padded.replace(/=+$/, ''))).toEqual({ ok: true, key: Buffer.alloc(20, 7) });
  });

  it('refuses text that is not base64 instead of decoding it to another key, without echoing the secret', () => {
    for (const bad of ['whsec_not base64!', 'whsec_', 'changeme', 'whsec_' + 'A'.repeat(21)]) {
      const result = decodeSecret(bad);
      expect(result.ok, bad).toBe(false);
      if (!result.ok) expect(result.reason).not.toContain(bad.replace('whsec_', '') || '\u0000');
    }
  });

  it('refuses a key shorter than 16 bytes', () => {
    expect(decodeSecret('whsec_' + Buffer.alloc(12).toString('base64'))).toMatchObject({ ok: false, reason: expect.stringContaining('12 bytes') });
  });
});
