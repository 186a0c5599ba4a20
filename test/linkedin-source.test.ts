import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, listAll, startParley, type TestParley } from './helpers/parley.ts';

const fixtures = new URL('./fixtures/', import.meta.url);
const sample = readFileSync(new URL('linkedin/constructed-comment-notification.json', fixtures));
const vectors = JSON.parse(readFileSync(new URL('signature-vectors.json', fixtures), 'utf8')).linkedin as {
  post: Array<{ clientSecret: string; bodyBase64: string; readingA_hmacOfRawBody: string; readingB_hmacOfPrefixedBody: string }>;
};

/** `X-LI-Signature` as the default reading computes it: hex HMAC-SHA256 over "hmacsha256=" + the raw body. */
const signB = (secret: string, body: Buffer) => createHmac('sha256', secret).update('hmacsha256=').update(body).digest('hex');

async function postLinkedIn(base: string, body: Buffer, signature: string) {
  const response = await fetch(`${base}/webhooks/linkedin`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-li-signature': signature }, body: new Uint8Array(body) });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text) as Record<string, any> };
}

describe('LinkedIn source, in the service', () => {
  const secret = 'li-' + randomBytes(12).toString('hex');
  const previous = 'li-old-' + randomBytes(12).toString('hex');
  let p: TestParley;
  beforeAll(async () => {
    p = await startParley({ sources: { linkedin: { connector: 'linkedin', clientSecret: secret, clientSecretPrevious: previous } } });
  });
  afterAll(async () => { await p.stop(); });
  const events = () => listAll(p.base, '/v1/events?source=linkedin', p.adminKey);

  it('answers the challengeCode validation with an independently computed HMAC', async () => {
    const code = randomUUID();
    const response = await api(p.base, `/webhooks/linkedin?challengeCode=${code}`, null);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.json).toEqual({ challengeCode: code, challengeResponse: createHmac('sha256', secret).update(code).digest('hex') });
  });

  it('refuses a challenge that is not a UUID, so the endpoint signs no body', async () => {
    for (const code of [sample.toString('utf8'), '{}', 'hmacsha256={}']) {
      const response = await api(p.base, `/webhooks/linkedin?challengeCode=${encodeURIComponent(code)}`, null);
      expect(response.status).toBe(400);
      expect(response.json.error.code).toBe('PARLEY_INTAKE_BAD_HANDSHAKE');
    }
  });

  it('accepts the signed sample; its events are the member\'s identity and the comment, field by field', async () => {
    const response = await postLinkedIn(p.base, sample, signB(secret, sample));
    expect(response.status).toBe(200);
    const stored = (await events()).filter((e) => e.deliveryId === response.json.deliveryId);
    expect(stored.map((e) => [e.kind, e.key])).toEqual([
      ['identity', 'notification:5603453321:comment/identity:urn:li:person:zLqTygBP8S'],
      ['interaction', 'notification:5603453321:comment'],
    ]);
    expect(stored[0]!.data).toEqual({
      kind: 'identity', network: 'linkedin', userId: 'urn:li:person:zLqTygBP8S', key: 'linkedin:urn:li:person:zLqTygBP8S', observedAt: '2023-08-09T09:48:26.310Z',
    });
    expect(stored[1]!.data).toEqual({
      kind: 'interaction', network: 'linkedin',
      networkId: 'urn:li:comment:(urn:li:activity:7094637247890620418,7094977717598625792)',
      activity: 'comment', direction: 'inbound',
      author: { key: 'linkedin:urn:li:person:zLqTygBP8S', userId: 'urn:li:person:zLqTygBP8S' },
      text: 'Commenting as Sumit Butola...',
      occurredAt: '2023-08-09T09:48:26.310Z',
      inReplyTo: { networkId: 'urn:li:activity:7094637247890620418', author: { key: 'linkedin:urn:li:organization:96072893', userId: 'urn:li:organization:96072893' } },
      context: { account: { network: 'linkedin', userId: 'urn:li:organization:96072893' } },
    });
  });

  it('refuses the sample with one byte changed', async () => {
    const changed = Buffer.from(sample);
    changed[40]! ^= 1;
    const response = await postLinkedIn(p.base, changed, signB(secret, sample));
    expect(response.status).toBe(401);
    expect(response.json.error).toMatchObject({ code: 'PARLEY_INTAKE_BAD_SIGNATURE', details: { header: 'x-li-signature' } });
  });

  it('stores the same delivery once', async () => {
    const body = Buffer.from(JSON.stringify({
      type: 'ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS',
      notifications: [{ ...JSON.parse(sample.toString('utf8')).notifications[0], notificationId: 7000000001, action: 'LIKE' }],
    }));
    for (let i = 0; i < 2; i++) expect((await postLinkedIn(p.base, body, signB(secret, body))).status).toBe(200);
    const stored = (await events()).filter((e) => e.key.startsWith('notification:7000000001:'));
    expect(stored.map((e) => e.key)).toEqual(['notification:7000000001:like/identity:urn:li:person:zLqTygBP8S', 'notification:7000000001:like']);
    expect(stored[1]!.data).toMatchObject({ activity: 'reaction', reaction: 'like', subject: { networkId: 'urn:li:activity:7094637247890620418' } });
  });

  it('during a rotation accepts both secrets, with or without the hmacsha256= header prefix', async () => {
    const body = Buffer.from(sample.toString('utf8').replace('5603453321', '5603453399'));
    expect((await postLinkedIn(p.base, body, signB(previous, body))).status).toBe(200);
    expect((await postLinkedIn(p.base, body, 'hmacsha256=' + signB(secret, body))).status).toBe(200);
    expect((await postLinkedIn(p.base, body, signB('some-other-secret', body))).status).toBe(401);
  });
});

describe('LinkedIn signature readings and rotation end', () => {
  it('signatureInput: body takes reading A of the vectors; after the old secret is removed it is refused', async () => {
    const vector = vectors.post[0]!;
    const body = Buffer.from(vector.bodyBase64, 'base64');
    const p = await startParley({ sources: { linkedin: { connector: 'linkedin', clientSecret: vector.clientSecret, signatureInput: 'body' } } });
    try {
      expect((await postLinkedIn(p.base, body, vector.readingA_hmacOfRawBody)).status).toBe(200);
      expect((await postLinkedIn(p.base, body, vector.readingB_hmacOfPrefixedBody)).status).toBe(401);
    } finally {
      await p.stop();
    }
    const rotated = await startParley({ sources: { linkedin: { connector: 'linkedin', clientSecret: 'the-new-secret' } } });
    try {
      // The default reading (B) with the secret that was removed: refused.
      expect((await postLinkedIn(rotated.base, body, vector.readingB_hmacOfPrefixedBody)).status).toBe(401);
      expect((await postLinkedIn(rotated.base, body, signB('the-new-secret', body))).status).toBe(200);
    } finally {
      await rotated.stop();
    }
  });
});
