import { z } from 'zod';
import { rotatingKeys, safeEqual, type HandshakeRequest, type HandshakeResult } from '../../src/connectors/index.ts';
import type { MetaSourceConfig } from './config.ts';

/**
 * The verification request's query, for the OpenAPI document. Every key is optional here so a
 * request without them reaches `answerVerification` and gets its own 400, not a schema error.
 */
export const VerificationQuery = z.object({
  'hub.mode': z.string().optional().describe('always `subscribe`'),
  'hub.verify_token': z.string().optional().describe('the verify token typed into the App Dashboard (`verifyToken`); a wrong one is 403'),
  'hub.challenge': z.string().optional().describe('a number Meta expects back as the whole body (text/plain)'),
});

/**
 * What a challenge may be. Meta sends an integer (Graph API Webhooks docs, "Verification
 * Requests"); a short token of URL-safe characters is allowed besides, and nothing else, so the
 * endpoint cannot be made to reflect markup, JSON or whitespace of a caller's choosing.
 */
const CHALLENGE = /^[A-Za-z0-9._~-]{1,128}$/;

/** True when `presented` equals the current verify token or, during a rotation, the previous one; every token is compared, in constant time. */
function tokenMatches(presented: string, config: MetaSourceConfig): boolean {
  let matched = false;
  for (const token of rotatingKeys(config.verifyToken, config.verifyTokenPrevious)) matched = safeEqual(presented, token) || matched;
  return matched;
}

/**
 * Answers Meta's verification request `GET ?hub.mode=subscribe&hub.verify_token=V&hub.challenge=C`:
 * 200 `text/plain` with exactly `C` when the mode is `subscribe` and `V` is the verify token (or
 * the previous one); `refused` (403) for a wrong token or mode; `bad-request` (400) when a parameter
 * is missing or the challenge is not a bounded token.
 */
export function answerVerification(request: HandshakeRequest, config: MetaSourceConfig): HandshakeResult {
  // A repeated parameter arrives as an array: not a value Meta sends, so it counts as missing.
  const [mode, token, challenge] = (['hub.mode', 'hub.verify_token', 'hub.challenge'] as const)
    .map((name) => { const value: unknown = request.query[name]; return typeof value === 'string' ? value : undefined; });
  if (!mode || token === undefined || challenge === undefined || challenge === '') {
    return { ok: false, reason: 'bad-request', message: 'hub.mode, hub.verify_token and hub.challenge query parameters are required' };
  }
  if (!CHALLENGE.test(challenge)) {
    return { ok: false, reason: 'bad-request', message: 'hub.challenge must be 1 to 128 letters, digits or ._~- (Meta sends a number)' };
  }
  if (mode !== 'subscribe') return { ok: false, reason: 'refused', message: 'hub.mode must be subscribe' };
  if (!tokenMatches(token, config)) return { ok: false, reason: 'refused', message: 'hub.verify_token does not match the configured verify token' };
  return { ok: true, contentType: 'text/plain', body: challenge };
}
