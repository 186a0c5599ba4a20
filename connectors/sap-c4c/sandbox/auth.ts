/**
 * Basic and Bearer authentication and the CSRF token of C4C (reference §1): `x-csrf-token: fetch`
 * on a GET returns a token and a session cookie; a write or `$batch` must send both back, else
 * 403 with `x-csrf-token: Required`. The token is bound to the session the cookie names. Bearer
 * tokens are the configured static ones and those the SAML bearer token endpoint issued
 * (saml-bearer-token.ts), until they expire or `_faults.expireSessions` revokes them.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { SapC4cSandboxConfig } from './config.ts';

/** The session cookie's name (SAP ABAP stack style; C4C's real name [unconfirmed]). */
export const SESSION_COOKIE = 'SAP_SESSIONID_C4C_000';

/** Constant-time equality of two secrets. */
const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  // Length mismatch is a plain "no", never an exception (a bad credential is a 401, not a 500).
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The sandbox's users, OAuth clients, bearer tokens and CSRF sessions. */
export class SandboxAuth {
  readonly #config: Pick<SapC4cSandboxConfig, 'users' | 'bearerTokens' | 'oauthClients' | 'csrf'>;
  readonly #now: () => number;
  /** Session id → CSRF token. */
  readonly #sessions = new Map<string, string>();
  /** Access token issued by the token endpoint → when it expires, epoch ms. */
  readonly #issued = new Map<string, number>();

  /** @param now the sandbox's clock, epoch ms: issued tokens expire by it */
  constructor(config: Pick<SapC4cSandboxConfig, 'users' | 'bearerTokens' | 'oauthClients' | 'csrf'>, now: () => number = Date.now) {
    this.#config = config;
    this.#now = now;
  }

  /**
   * True for a Basic header with a configured user's password, or a Bearer token that is configured
   * (`bearerTokens`: never expires) or was issued and has neither expired nor been revoked.
   */
  authenticated(authorization: string | undefined): boolean {
    if (!authorization) return false;
    const [scheme, value = ''] = authorization.split(' ', 2);
    if (scheme?.toLowerCase() === 'bearer') return this.#bearerValid(value.trim());
    const credentials = basicCredentials(authorization);
    return credentials !== undefined && this.#config.users.some((u) => same(u.user, credentials.user) && same(u.password, credentials.password));
  }

  /** The configured OAuth client a Basic header authenticates (`client_id:client_secret`), if any. */
  oauthClient(authorization: string | undefined): string | undefined {
    const credentials = basicCredentials(authorization);
    if (!credentials) return undefined;
    return this.#config.oauthClients.find((c) => same(c.clientId, credentials.user) && same(c.clientSecret, credentials.password))?.clientId;
  }

  /** A new access token, accepted as Bearer for `ttlSeconds` by the sandbox's clock. */
  issueBearer(ttlSeconds: number): string {
    const now = this.#now();
    // Expired tokens would otherwise pile up in a sandbox that runs for days.
    for (const [token, expiresAt] of this.#issued) if (expiresAt <= now) this.#issued.delete(token);
    const token = randomBytes(24).toString('base64url');
    this.#issued.set(token, now + ttlSeconds * 1000);
    return token;
  }

  /** A new session and its token, for a `x-csrf-token: fetch` GET: the token and the `Set-Cookie` value. */
  issue(): { token: string; setCookie: string } {
    const session = randomBytes(16).toString('hex');
    const token = randomBytes(18).toString('base64');
    this.#sessions.set(session, token);
    return { token, setCookie: `${SESSION_COOKIE}=${session}; path=/; HttpOnly` };
  }

  /** The token already issued to the cookie's session, so a repeated fetch in one session returns the same one. */
  tokenOf(cookie: string | undefined): string | undefined {
    const session = sessionOf(cookie);
    return session ? this.#sessions.get(session) : undefined;
  }

  /** Whether a write may proceed: CSRF off, or the header's token is the one of the cookie's session. */
  csrfValid(token: string | undefined, cookie: string | undefined): boolean {
    if (!this.#config.csrf) return true;
    const expected = this.tokenOf(cookie);
    return expected !== undefined && token !== undefined && same(expected, token);
  }

  /**
   * Ends every CSRF session and revokes every issued token (`_faults.expireSessions`): the next write
   * gets 403 Required, the next call with a revoked token 401. Configured `bearerTokens` stay valid:
   * they stand for tokens the sandbox did not issue, so it has nothing to revoke.
   */
  expireAll(): void {
    this.#sessions.clear();
    this.#issued.clear();
  }

  #bearerValid(token: string): boolean {
    if (this.#config.bearerTokens.some((t) => same(t, token))) return true;
    // A Map lookup by the token is not constant-time, but the tokens are 192 random bits: a timing
    // leak of the hash bucket tells nothing usable.
    const expiresAt = this.#issued.get(token);
    if (expiresAt === undefined) return false;
    if (expiresAt > this.#now()) return true;
    this.#issued.delete(token);
    return false;
  }
}

/** `Authorization: Basic base64(user:password)` → the pair; undefined for another scheme or no colon. */
function basicCredentials(authorization: string | undefined): { user: string; password: string } | undefined {
  const [scheme, value = ''] = (authorization ?? '').split(' ', 2);
  if (scheme?.toLowerCase() !== 'basic') return undefined;
  const decoded = Buffer.from(value.trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function sessionOf(cookie: string | undefined): string | undefined {
  for (const pair of (cookie ?? '').split(';')) {
    const [name, value] = pair.trim().split('=', 2);
    if (name === SESSION_COOKIE && value) return value;
  }
  return undefined;
}
