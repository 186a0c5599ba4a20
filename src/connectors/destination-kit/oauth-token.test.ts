import { describe, expect, it } from 'vitest';
import type { OutboundClient, OutboundRequest, OutboundResponse } from '../outbound.ts';
import { requestOAuthToken } from './oauth-token.ts';

/** A client that records the request and answers `answer`. */
function clientAnswering(answer: Pick<OutboundResponse, 'status' | 'body'>) {
  const sent: OutboundRequest[] = [];
  const http = { request: async (req: OutboundRequest) => { sent.push(req); return { headers: {}, ...answer }; } } as unknown as OutboundClient;
  return { http, sent };
}

const ask = { destination: 'crm', tokenUrl: 'https://idp.example/oauth2/v1/token', clientId: 'app', clientSecret: 's3cret', grant: { grant_type: 'client_credentials', scope: 'urn:crm' } };
const vendorError = (answer: OutboundResponse) => new Error(`vendor ${answer.status}`);

describe('an OAuth token request (requestOAuthToken)', () => {
  it('posts the grant as a form with the client in Basic, and holds the token until a minute before it expires', async () => {
    const { http, sent } = clientAnswering({ status: 200, body: '{"access_token":"t1","token_type":"Bearer","expires_in":3600}' });
    expect(await requestOAuthToken(http, ask, vendorError, () => 1_000)).toEqual({ header: 'Bearer t1', expiresAt: 1_000 + 3_540_000 });
    expect(sent[0]).toMatchObject({ method: 'POST', url: ask.tokenUrl, body: 'grant_type=client_credentials&scope=urn%3Acrm' });
    expect(sent[0]!.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('app:s3cret').toString('base64')}` });
    // A short lifetime is used for half of it; none announced: held until a 401.
    expect((await requestOAuthToken(clientAnswering({ status: 200, body: '{"access_token":"t2","expires_in":60}' }).http, ask, vendorError, () => 0)).expiresAt).toBe(30_000);
    expect((await requestOAuthToken(clientAnswering({ status: 200, body: '{"access_token":"t3"}' }).http, ask, vendorError)).expiresAt).toBe(Number.POSITIVE_INFINITY);
  });

  it('a refusal is the config\'s, its echo of the secret and the grant blanked; a 5xx or 429 is the vendor\'s to classify', async () => {
    const refused = clientAnswering({ status: 401, body: '{"error":"invalid_client","error_description":"bad secret s3cret for urn:crm"}' });
    const error = await requestOAuthToken(refused.http, ask, vendorError).then(() => { throw new Error('the refusal was taken for a token'); }, (e: unknown) => e as Error & { code: string });
    expect(error.code).toBe('PARLEY_DESTINATION_CONFIG');
    expect(error.message).toContain('HTTP 401');
    expect(error.message).not.toContain('s3cret');
    expect(error.message).not.toContain('urn:crm');
    await expect(requestOAuthToken(clientAnswering({ status: 503, body: 'busy' }).http, ask, vendorError)).rejects.toThrow('vendor 503');
    await expect(requestOAuthToken(clientAnswering({ status: 429, body: '' }).http, ask, vendorError)).rejects.toThrow('vendor 429');
    await expect(requestOAuthToken(clientAnswering({ status: 200, body: '{"token_type":"Bearer"}' }).http, ask, vendorError)).rejects.toMatchObject({ code: 'PARLEY_DESTINATION_CONFIG' });
  });
});
