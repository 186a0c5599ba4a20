/**
 * Basic (and Bearer) authentication and the CSRF token of C4C (reference §1): `x-csrf-token: fetch`
 * on a GET returns a token and a session cookie; a write or `$batch` must send both back, else
 * 403 with `x-csrf-token: Required`. The token is bound to the session the cookie names.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { SapC4cSandboxConfig } from './config.ts';

/** The session cookie's name (SAP ABAP stack style; C4C's real name [unconfirmed]). */
export const SESSION_COOKIE = 'SAP_SESSIONID_C4C_000';

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  // Length mismatch is a plain "no", never an exception (a bad credential is a 401, not a 500).
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The sandbox's users and CSRF sessions. */
export class SandboxAuth {
  readonly #config: SapC4cSandboxConfig;
  /** Session id → CSRF token. */
  readonly #sessions = new Map<string, string>();

  constructor(config: SapC4cSandboxConfig) {
    this.#config = config;
  }

  /** True for a Basic header with a configured user's password, or a configured Bearer token. */
  authenticated(authorization: string | undefined): boolean {
    if (!authorization) return false;
    const [scheme, value = ''] = authorization.split(' ', 2);
    if (scheme?.toLowerCase() === 'bearer') return this.#config.bearerTokens.some((t) => same(t, value.trim()));
    if (scheme?.toLowerCase() !== 'basic') return false;
    const decoded = Buffer.from(value.trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    return this.#config.users.some((u) => same(u.user, user) && same(u.password, password));
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

  /** Ends every session (`_faults.expireSessions`): the next write gets 403 Required. */
  expireAll(): void {
    this.#sessions.clear();
  }
}

function sessionOf(cookie: string | undefined): string | undefined {
  for (const pair of (cookie ?? '').split(';')) {
    const [name, value] = pair.trim().split('=', 2);
    if (name === SESSION_COOKIE && value) return value;
  }
  return undefined;
}
