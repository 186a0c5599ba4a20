import { STATUS_CODES } from 'node:http';
import {
  answerExcerpt, destinationConfigError, destinationUnreachableError, formValues, parseObject,
  type OutboundClient, type OutboundRequest, type OutboundResponse,
} from '../../src/connectors/index.ts';
import { classifySalesforceError, DEFAULT_RATE_LIMIT_WAITS, type RateLimitWaits } from './classify.ts';

/** `details.problem` of a login URL whose answer is not a token endpoint's. */
export const NOT_A_TOKEN_ENDPOINT = 'NOT_A_TOKEN_ENDPOINT';

/**
 * Wraps the outbound client jsforce is given so that every answer of the OAuth token endpoint
 * (`/services/oauth2/token`: the login, and each re-login) is checked before jsforce reads it.
 * jsforce turns any status ≥ 400 into "refused" and reads a 200 without looking (a web page gives
 * `Cannot read properties of undefined`); here:
 *
 * - 5xx, 420 and 429 (retryable or rate-limited in classify.ts): the login server failing on its
 *   side, not refused credentials: PARLEY_DESTINATION_UNREACHABLE (retried with backoff);
 * - 200 that is not JSON with `access_token`, `instance_url` and `id`, or a 4xx that is not an OAuth
 *   JSON error: the URL is not a Salesforce token endpoint: PARLEY_DESTINATION_CONFIG, problem
 *   NOT_A_TOKEN_ENDPOINT;
 * - a 4xx OAuth JSON error (`invalid_grant`…): passed on, jsforce raises it as Salesforce's refusal.
 *
 * Bodies are never echoed whole: at most a short excerpt (a JSON error, a page's title), with the
 * values the request sent (client secret, password, assertion) blanked out.
 */
export function checkingTokenAnswers(http: OutboundClient, destination: string, waits: RateLimitWaits = DEFAULT_RATE_LIMIT_WAITS): OutboundClient {
  return {
    assertTrusted: (url, what) => http.assertTrusted(url, what),
    close: () => http.close(),
    async request(req) {
      const answer = await http.request(req);
      if (isTokenRequest(req)) checkTokenAnswer(destination, req, answer, waits);
      return answer;
    },
  };
}

function isTokenRequest(req: OutboundRequest): boolean {
  try {
    return req.method.toUpperCase() === 'POST' && new URL(req.url).pathname.endsWith('/services/oauth2/token');
  } catch {
    return false;
  }
}

/**
 * @throws ParleyError PARLEY_DESTINATION_UNREACHABLE (the server failed: 5xx, 420, 429) or
 *   PARLEY_DESTINATION_CONFIG with `problem: NOT_A_TOKEN_ENDPOINT` (not a token endpoint's answer)
 */
function checkTokenAnswer(destination: string, req: OutboundRequest, answer: OutboundResponse, waits: RateLimitWaits): void {
  const { status } = answer;
  const json = parseObject(answer.body);
  const secrets = req.body === undefined ? [] : formValues(req.body.toString());
  const url = withoutQuery(req.url);
  if (status >= 400) {
    const vendorCode = typeof json?.error === 'string' ? json.error : undefined;
    const classification = classifySalesforceError({ errorCode: `ERROR_HTTP_${status}`, message: '' }, {}, waits);
    if (classification.kind === 'retryable' || classification.kind === 'rate-limited') {
      const quoted = answerExcerpt(answer, secrets);
      throw destinationUnreachableError({
        destination, host: new URL(req.url).host,
        reason: `the login server answered HTTP ${status}${statusText(status)}${quoted ? `: "${quoted}"` : ''}; ${classification.kind === 'rate-limited' ? 'too many logins for now' : 'a failure on its side'}, tried again later`,
        cause: `HTTP_${status}`,
        // A token request changes nothing: its outcome is never in doubt, and a call waiting for it was not carried out.
        sent: false, httpStatus: status, ...(vendorCode ? { vendorCode } : {}),
      });
    }
    // Salesforce's own refusal (`{"error":"invalid_grant",…}`): jsforce raises it with its code.
    if (vendorCode) return;
    throw notATokenEndpoint(destination, url, status, `HTTP ${status}${statusText(status)} without an OAuth error`, answer, secrets);
  }
  if (status < 200 || status >= 300) {
    throw notATokenEndpoint(destination, url, status, `HTTP ${status}${statusText(status)}`, answer, secrets);
  }
  if (!json) throw notATokenEndpoint(destination, url, status, `HTTP ${status} with ${answer.body.trim() === '' ? 'an empty body' : 'a body that is not JSON'} (${answer.headers['content-type'] || 'no content-type'})`, answer, secrets);
  const missing = (['access_token', 'instance_url', 'id'] as const).filter((key) => typeof json[key] !== 'string' || json[key] === '');
  if (missing.length > 0) throw notATokenEndpoint(destination, url, status, `HTTP ${status} with JSON without ${missing.join(', ')}`, answer, secrets);
}

function notATokenEndpoint(destination: string, url: string, status: number, what: string, answer: OutboundResponse, secrets: string[]) {
  const quoted = answerExcerpt(answer, secrets);
  return destinationConfigError({
    destination, problem: NOT_A_TOKEN_ENDPOINT, url, httpStatus: status,
    reason: `the login URL did not answer as a Salesforce token endpoint (not JSON / no access_token or instance_url): ${url} answered ${what}${quoted ? ` ("${quoted}")` : ''}; check loginUrl (https://login.salesforce.com, https://test.salesforce.com or the org's My Domain)`,
  });
}

function statusText(status: number): string {
  const text = STATUS_CODES[status];
  return text ? ` (${text})` : '';
}

/** The URL without its query, which may carry parameters. */
function withoutQuery(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.origin}${url.pathname}`;
  } catch {
    return '(not a URL)';
  }
}
