import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import { errors, isParleyError, type ParleyError } from '../errors.ts';
import type { ErrorClass } from './destination.ts';

/**
 * The one outbound-call policy (ARCHITECTURE.md, "Outbound calls"), used by every destination and,
 * later, by source pulls. A connector never opens a socket of its own: it asks its context for an
 * `OutboundClient` bound to the URL its config names, and every call goes through these rules:
 *
 * - `https` only, except to loopback addresses (the built-in sandboxes and tests);
 * - only to trusted hosts: the configured URL's own origin, the vendor's own domains when the
 *   configured URL is on one of them (`trustedDomains` of the connector definition, e.g.
 *   `salesforce.com` for `https://acme.my.salesforce.com`), and the destination's `allowedHosts`;
 * - redirects are never followed: a 3xx is a `PARLEY_DESTINATION_REDIRECTED` error (following one
 *   would resend the credentials to wherever the answer points);
 * - a connect timeout and a response timeout on every call.
 *
 * Failures are ParleyErrors with stable codes, so the dispatcher can tell a destination that needs a
 * person (`misconfigured`: untrusted host, redirect) from one the network cut off (`unreachable`).
 */

/** Settings of the policy for one destination; the config's common keys give them. */
export interface OutboundPolicy {
  /** Extra trusted hosts: `api.example.com` (exact) or `*.example.com` (any subdomain), optionally with `:port`. */
  allowedHosts: readonly string[];
  /** Most time to open the TCP (and TLS) connection, ms. */
  connectTimeoutMs: number;
  /** Most time from sending the request to its whole answer's headers, and between body chunks, ms. */
  responseTimeoutMs: number;
}

/** Default timeouts: a CRM answers a 200-record write in seconds; a minute means it is not answering. */
export const DEFAULT_OUTBOUND_POLICY: OutboundPolicy = { allowedHosts: [], connectTimeoutMs: 10_000, responseTimeoutMs: 60_000 };

/** One HTTP request. `headers` may carry credentials: they only ever go to a trusted host. */
export interface OutboundRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** An answer (never a 3xx: those are errors). Header names are lower-case. */
export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A destination's door to the network. */
export interface OutboundClient {
  /**
   * Sends a request and reads the whole answer as text.
   * @throws ParleyError PARLEY_DESTINATION_UNTRUSTED_HOST (the URL breaks the policy: nothing was sent),
   *   PARLEY_DESTINATION_REDIRECTED (a 3xx; not followed),
   *   PARLEY_DESTINATION_UNREACHABLE (refused, DNS, TLS, timeout; `details.sent` says whether the
   *   request may have reached the server, i.e. whether its outcome is unknown)
   */
  request(req: OutboundRequest): Promise<OutboundResponse>;
  /**
   * Checks a URL the vendor handed back (a login's `instance_url`) before anything is sent there.
   * @throws ParleyError PARLEY_DESTINATION_UNTRUSTED_HOST naming the host
   */
  assertTrusted(url: string, what: string): void;
  /** Closes the pooled connections. */
  close(): Promise<void>;
}

/**
 * Makes the outbound client of one destination.
 * @param options.destination the config block's name, for messages
 * @param options.baseUrl the URL the destination's config names (a login URL, an API root)
 * @param options.trustedDomains the vendor's own domains (connector definition data)
 * @throws ParleyError PARLEY_DESTINATION_UNTRUSTED_HOST when `baseUrl` itself breaks the policy
 */
export function createOutboundClient(options: {
  destination: string; baseUrl: string; trustedDomains?: readonly string[]; policy?: OutboundPolicy;
  /**
   * Awaited before every request: the destination's request spacing (`minTimeMs`), so a call the
   * limiter counts once but that makes several requests (a catalog describing six objects, a
   * look-up's further pages, a token refresh) still keeps the configured rate, request by request.
   */
  beforeRequest?: () => Promise<void>;
}): OutboundClient {
  const policy = options.policy ?? DEFAULT_OUTBOUND_POLICY;
  const base = parseUrl(options.baseUrl, options.destination, 'the configured URL');
  checkScheme(base, options.destination, 'the configured URL');
  // The vendor's domains are one family: a login on any of them may hand back an instance on another.
  const vendorDomains = (options.trustedDomains ?? []).map(lower);
  const family = vendorDomains.some((d) => onDomain(base.hostname, d)) ? vendorDomains : [];
  const trusted = (url: URL): boolean => url.origin === base.origin
    || (url.protocol === 'https:' && family.some((d) => onDomain(url.hostname, d)))
    || policy.allowedHosts.some((entry) => matchesAllowed(url, entry));
  const check = (raw: string, what: string): URL => {
    const url = parseUrl(raw, options.destination, what);
    checkScheme(url, options.destination, what);
    if (!trusted(url)) {
      throw errors.DESTINATION_UNTRUSTED_HOST({
        destination: options.destination, host: url.host,
        reason: `${what} is not ${base.host}${family.length ? `, a host of ${family.map((d) => `*.${d}`).join(', ')}` : ''} or in allowedHosts`,
      });
    }
    return url;
  };
  const agent = new Agent({
    connect: { timeout: policy.connectTimeoutMs },
    headersTimeout: policy.responseTimeoutMs,
    bodyTimeout: policy.responseTimeoutMs,
  });

  return {
    assertTrusted(url, what) { check(url, what); },
    async request(req) {
      const url = check(req.url, `the request URL`);
      await options.beforeRequest?.();
      let answer;
      try {
        answer = await request(url, {
          method: req.method as 'GET', headers: req.headers ?? {}, ...(req.body !== undefined ? { body: req.body } : {}),
          dispatcher: agent,
        });
      } catch (cause) {
        throw unreachable(options.destination, url, cause);
      }
      if (answer.statusCode >= 300 && answer.statusCode < 400) {
        // Drained so the connection can be reused; the Location's path and query may hold tokens: only its host is named.
        await answer.body.dump().catch(() => undefined);
        const location = String(answer.headers.location ?? '');
        let to = '(no Location)';
        try { to = location ? new URL(location, url).host : to; } catch { to = '(an invalid Location)'; }
        throw errors.DESTINATION_REDIRECTED({ destination: options.destination, host: url.host, status: answer.statusCode, location: to });
      }
      let body: string;
      try {
        body = await answer.body.text();
      } catch (cause) {
        throw unreachable(options.destination, url, cause);
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      return { status: answer.statusCode, headers, body };
    },
    close: () => agent.close(),
  };
}

/** Errors that happen before the request could reach the server: its outcome is known (not carried out). */
const BEFORE_SENDING = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);

/** A network failure as PARLEY_DESTINATION_UNREACHABLE: the host, a reason a person can act on, and whether it was sent. */
function unreachable(destination: string, url: URL, cause: unknown): ParleyError {
  if (isParleyError(cause)) return cause;
  const code = String((cause as { code?: unknown }).code ?? 'UNKNOWN');
  const tls = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code);
  const reason = code === 'ECONNREFUSED' ? 'the connection was refused'
    : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'the host name does not resolve (DNS)'
      : code === 'UND_ERR_CONNECT_TIMEOUT' ? 'the connection could not be opened in time (connect timeout)'
        : code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' ? 'the server did not answer in time (response timeout)'
          : tls ? `the TLS handshake failed (${code})`
            : `the connection failed (${code})`;
  return errors.DESTINATION_UNREACHABLE({ destination, host: url.host, reason, cause: code, sent: !BEFORE_SENDING.has(code) && !tls }, { cause });
}

function parseUrl(raw: string, destination: string, what: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw errors.DESTINATION_UNTRUSTED_HOST({ destination, host: '(not a URL)', reason: `${what} is not an absolute URL` });
  }
}

function checkScheme(url: URL, destination: string, what: string): void {
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return;
  throw errors.DESTINATION_UNTRUSTED_HOST({ destination, host: url.host, reason: `${what} must use https (plain http only to loopback addresses)` });
}

/** `localhost`, 127.0.0.0/8 and ::1 (with or without brackets, or IPv4-mapped). */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1') return true;
  const v4 = host.startsWith('::ffff:') ? host.slice(7) : host;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

function onDomain(hostname: string, domain: string): boolean {
  const host = lower(hostname);
  return host === domain || host.endsWith(`.${domain}`);
}

function matchesAllowed(url: URL, entry: string): boolean {
  const [pattern, port] = lower(entry).split(/:(?=\d+$)/) as [string, string | undefined];
  if (port !== undefined && url.port !== port) return false;
  if (url.protocol !== 'https:' && !isLoopback(url.hostname)) return false;
  return pattern.startsWith('*.') ? onDomain(url.hostname, pattern.slice(2)) && lower(url.hostname) !== pattern.slice(2) : lower(url.hostname) === pattern;
}

function lower(s: string): string {
  return s.toLowerCase();
}

/**
 * How a failure of this policy is handled, the same for every connector, or undefined for any
 * other error (the connector's own `classify` decides those): an untrusted host or a redirect is
 * permanent until the config changes; an unreachable CRM is retryable, and its outcome is unknown
 * only when the request may have reached the server (`details.sent`).
 */
export function classifyOutboundFailure(error: unknown): { errorClass: ErrorClass; outcomeUnknown: boolean } | undefined {
  if (!isParleyError(error)) return undefined;
  if (error.code === 'PARLEY_DESTINATION_UNTRUSTED_HOST' || error.code === 'PARLEY_DESTINATION_REDIRECTED') {
    return { errorClass: { kind: 'permanent', scope: 'config' }, outcomeUnknown: false };
  }
  if (error.code === 'PARLEY_DESTINATION_UNREACHABLE') {
    return { errorClass: { kind: 'retryable' }, outcomeUnknown: (error.details as { sent?: boolean }).sent === true };
  }
  return undefined;
}

/**
 * The class of a failure that is not the vendor's own answer, the same for every connector: the
 * outbound policy's (`classifyOutboundFailure`; an unreachable CRM whose request may have reached
 * it is retryable with `outcomeUnknown`), a connect or token request the CRM refused
 * (PARLEY_DESTINATION_CONFIG: permanent, config), a programming error (TypeError, RangeError,
 * SyntaxError: permanent, bug: retrying cannot help), anything else retryable (it may be transient).
 * A connector's `classify` reads its vendor's failures first and hands it whatever is not one.
 */
export function classifyNonVendorFailure(error: unknown): ErrorClass {
  const outbound = classifyOutboundFailure(error);
  if (outbound) return outbound.outcomeUnknown ? { kind: 'retryable', outcomeUnknown: true } : outbound.errorClass;
  if (isParleyError(error) && error.code === 'PARLEY_DESTINATION_CONFIG') return { kind: 'permanent', scope: 'config' };
  if (error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError) return { kind: 'permanent', scope: 'bug' };
  return { kind: 'retryable' };
}
