/**
 * An OAuth 2.0 token request as every vendor's token endpoint takes it (RFC 6749 §4.4, §5; RFC
 * 7521 for assertion grants): a form POST with the client authenticated by HTTP Basic, answered
 * with JSON `{ access_token, expires_in }`. Connectors supply the grant's parameters (client
 * credentials, a SAML or JWT assertion) and how their vendor's failure looks; this supplies the
 * request, the expiry and the refusal once.
 */
import { answerExcerpt, formValues, parseObject } from '../answer-excerpt.ts';
import { destinationConfigError } from '../destination-errors.ts';
import type { OutboundClient, OutboundResponse } from '../outbound.ts';

/** A bearer token held: the `Authorization` header value and when it stops being used, epoch ms (Infinity when the endpoint announced no lifetime). */
export interface BearerToken {
  header: string;
  expiresAt: number;
}

/** Renewed this long before the announced expiry (or at half the lifetime when shorter), so a call never leaves with a token about to lapse. */
const EXPIRY_MARGIN_MS = 60_000;

/** What to ask the token endpoint. */
export interface ClientTokenRequest {
  /** The destination's name, for the refusal's message. */
  destination: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** The grant's form parameters (`{ grant_type: 'client_credentials', scope }`). */
  grant: Readonly<Record<string, string>>;
}

/**
 * Asks for a token. A 5xx or 429 answer is the vendor's to classify (retried: the destination is
 * unreachable for now): `vendorError(answer)` is thrown. Any other answer without a token is a
 * refusal of the config; its message carries an excerpt of the answer with every form value and
 * the client secret blanked (an endpoint may echo an assertion).
 * @throws ParleyError PARLEY_DESTINATION_CONFIG when the endpoint refuses (4xx) or answers no token;
 *   what `vendorError` returns, for a 5xx or 429
 */
export async function requestOAuthToken(
  http: OutboundClient, request: ClientTokenRequest, vendorError: (answer: OutboundResponse) => Error, now: () => number = Date.now,
): Promise<BearerToken> {
  const body = new URLSearchParams({ ...request.grant }).toString();
  const answer = await http.request({
    method: 'POST', url: request.tokenUrl, body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded', accept: 'application/json',
      authorization: `Basic ${Buffer.from(`${request.clientId}:${request.clientSecret}`).toString('base64')}`,
    },
  });
  if (answer.status >= 500 || answer.status === 429) throw vendorError(answer);
  const json = parseObject(answer.body);
  const token = json?.access_token;
  if (answer.status !== 200 || typeof token !== 'string' || token === '') {
    const excerpt = answerExcerpt(answer, [...formValues(body), request.clientSecret]);
    throw destinationConfigError({ destination: request.destination, reason: `the token request to ${request.tokenUrl} was refused (HTTP ${answer.status}${excerpt ? `: ${excerpt}` : ''})`, httpStatus: answer.status, url: request.tokenUrl });
  }
  const lifetime = Number(json?.expires_in);
  const expiresAt = Number.isFinite(lifetime) && lifetime > 0 ? now() + Math.max(lifetime * 1000 - EXPIRY_MARGIN_MS, lifetime * 500) : Number.POSITIVE_INFINITY;
  return { header: `Bearer ${token}`, expiresAt };
}
