import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCrcToken } from '../connectors/x/verify.ts';
import { api, startParley, type TestParley } from './helpers/parley.ts';

const fixtures = new URL('./fixtures/', import.meta.url);
/** X's signature of a delivery body, computed here independently of Parley. */
const signatureOf = (secret: string, body: string) => 'sha256=' + createHmac('sha256', secret).update(body).digest('base64');

/** A small seeded PRNG (mulberry32): the same "random" cases on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every fixture body (X, XAA, signature vectors), as sent and re-serialised compactly and pretty. */
function fixtureBodies(): string[] {
  const files = ['x/', 'x-activity/'].flatMap((folder) =>
    readdirSync(new URL(folder, fixtures)).filter((name) => name.endsWith('.json')).map((name) => readFileSync(new URL(folder + name, fixtures), 'utf8')));
  return files.flatMap((text) => [text, JSON.stringify(JSON.parse(text)), JSON.stringify(JSON.parse(text), null, 2)]);
}

/** Random JSON texts a forger might want signed: objects, arrays, strings, numbers, literals, with or without whitespace around. */
function randomJsonBodies(random: () => number, count: number): string[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const value = (depth: number): unknown => {
    const kind = depth > 2 ? pick(['number', 'string', 'literal']) : pick(['object', 'array', 'number', 'string', 'literal']);
    if (kind === 'object') return { for_user_id: String(Math.floor(random() * 1e9)), data: { event_type: 'post.create', payload: value(depth + 1) } };
    if (kind === 'array') return [value(depth + 1), value(depth + 1)];
    if (kind === 'number') return pick([0, 1, -1, 42, 1e21, -3.5, 2 ** 53 + 2, Math.floor(random() * 1e6)]);
    if (kind === 'string') return pick(['', 'abc', 'MTU1NjYy==', 'a+b/c=', '{']);
    return pick([true, false, null]);
  };
  return Array.from({ length: count }, () => pick(['', ' ', '\n', '\t', '\r\n ']) + JSON.stringify(value(0)) + pick(['', ' ', '\n']));
}

/** The JSON texts made only of the token alphabet: numbers and literals. */
const ALPHABET_JSON = ['0', '1', '-1', '123', '1e5', '1E5', '1e+5', '-1e-5', '12345678901234567890', 'true', 'false', 'null'];

/** Tokens of X's shape (base64 and base64url alphabets, 1-256 characters). */
function randomTokens(random: () => number, count: number): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-';
  return Array.from({ length: count }, () => {
    const length = 1 + Math.floor(random() * (random() < 0.5 ? 8 : 256));
    return Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  });
}

describe('the X CRC handshake is not a signing oracle', () => {
  let p: TestParley;
  beforeAll(async () => { p = await startParley(); });
  afterAll(async () => { await p.stop(); });
  const crc = (token: string, extra = '') => api(p.base, `/webhooks/x?crc_token=${encodeURIComponent(token)}${extra}`, null);

  it('answers the tokens X sends with an independently computed HMAC', async () => {
    const tokens = [
      'challenge_string', // the docs' example (docs.x.com/x-api/webhooks/quickstart)
      'MTU1NjYyNjg5MTk4Mg==', // the published CRC vector: base64 of a millisecond timestamp
      'M2RkODJkZmMtYjlkYi00NmQ4LTk0MGUtM2JjYzkwM2Q4MjQ0', // a captured CRC GET: base64 of a UUID
      'ab+/cd==', 'ab-_cd', 'x', 'A'.repeat(256), // base64 and base64url alphabets, both bounds
    ];
    for (const token of tokens) {
      const response = await crc(token);
      expect(response.status, token).toBe(200);
      expect(response.json, token).toEqual({ response_token: signatureOf(p.secret, token) });
    }
    // X sends a `nonce` beside the token (seen in a captured CRC GET): it changes nothing.
    const withNonce = await crc('M2RkODJkZmMtYjlkYi00NmQ4LTk0MGUtM2JjYzkwM2Q4MjQ0', '&nonce=MTc2OTUxODI5MjkxNA');
    expect(withNonce.json).toEqual({ response_token: signatureOf(p.secret, 'M2RkODJkZmMtYjlkYi00NmQ4LTk0MGUtM2JjYzkwM2Q4MjQ0') });
  });

  it('refuses a JSON body as crc_token (400 PARLEY_INTAKE_BAD_HANDSHAKE, no response_token)', async () => {
    const body = readFileSync(new URL('x-activity/post.create.json', fixtures), 'utf8');
    for (const token of [body, JSON.stringify(JSON.parse(body)), '{"for_user_id":"1","tweet_create_events":[]}', '[]', 'A'.repeat(257), 'has space', 'ümlaut', '%00']) {
      const response = await crc(token);
      expect(response.status, token.slice(0, 40)).toBe(400);
      expect(response.json.error.code).toBe('PARLEY_INTAKE_BAD_HANDSHAKE');
      expect(response.json).not.toHaveProperty('response_token');
    }
  });

  it('refuses the JSON texts that fit the alphabet: bare numbers and literals', async () => {
    for (const token of ALPHABET_JSON) {
      const response = await crc(token);
      expect(response.status, token).toBe(400);
      expect(response.json.error.code).toBe('PARLEY_INTAKE_BAD_HANDSHAKE');
    }
  });

  it('never answers with a valid delivery signature for a JSON body (fixtures and random bodies, random tokens)', async () => {
    const random = seeded(20260830);
    const bodies = [...fixtureBodies(), ...randomJsonBodies(random, 150), ...ALPHABET_JSON];
    for (const body of bodies) expect(() => JSON.parse(body), body.slice(0, 40)).not.toThrow();

    // Every JSON body is refused as a token: by the rule (all of them) and by the endpoint (those a URL can carry quickly).
    for (const body of bodies) expect(isCrcToken(body), body.slice(0, 40)).toBe(false);
    const overHttp = bodies.filter((body, index) => body.length <= 4096 || index % 10 === 0);
    const refusals = await Promise.all(overHttp.map((body) => crc(body)));
    refusals.forEach((response, index) => expect(response.status, overHttp[index]!.slice(0, 40)).toBe(400));

    // Every token the endpoint does sign is not JSON, so no answer equals the signature of any JSON body.
    const signatures = new Set(bodies.map((body) => signatureOf(p.secret, body)));
    const tokens = randomTokens(random, 150);
    const answers = await Promise.all(tokens.map((token) => crc(token)));
    let answered = 0;
    answers.forEach((response, index) => {
      const token = tokens[index]!;
      if (response.status === 200) {
        answered++;
        expect(() => JSON.parse(token), token).toThrow();
        expect(signatures.has(response.json.response_token), token).toBe(false);
      } else {
        // Only a token that is itself JSON (digits, say) may be refused.
        expect(() => JSON.parse(token), token).not.toThrow();
      }
    });
    expect(answered).toBeGreaterThan(120);
  });
});
