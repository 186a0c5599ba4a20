/**
 * Basic and Bearer authentication and the CSRF token of C4C (reference §1): `x-csrf-token: fetch`
 * on a GET returns a token and a session cookie; a write or `$batch` must send both back, else
 * 403 with `x-csrf-token: Required`. The token is bound to the session the cookie names. Users,
 * OAuth clients and the tokens the SAML bearer token endpoint (saml-bearer-token.ts) issued are the
 * kit's `SandboxCredentials`; C4C adds the configured static `bearerTokens` and the CSRF sessions.
 */
import { randomBytes } from 'node:crypto';
import { bearerToken, safeEqual, SandboxCredentials } from '../../../src/connectors/index.ts';
import type { SapC4cSandboxConfig } from './config.ts';

/** The session cookie's name (SAP ABAP stack style; C4C's real name [unconfirmed]). */
export const SESSION_COOKIE = 'SAP_SESSIONID_C4C_000';

/** The sandbox's credentials (the kit's), its static bearer tokens and its CSRF sessions. */
export class SandboxAuth {
  /** Users, OAuth clients and issued tokens: the store the token endpoint issues into. */
  readonly credentials: SandboxCredentials;
  readonly #config: Pick<SapC4cSandboxConfig, 'bearerTokens' | 'csrf'>;
  /** Session id → CSRF token. */
  readonly #sessions = new Map<string, string>();

  /** @param now the sandbox's clock, epoch ms: issued tokens expire by it */
  constructor(config: Pick<SapC4cSandboxConfig, 'users' | 'bearerTokens' | 'oauthClients' | 'csrf'>, now: () => number = Date.now) {
    this.#config = config;
    this.credentials = new SandboxCredentials(config, now);
  }

  /**
   * True for a Basic header with a configured user's password, or a Bearer token that is configured
   * (`bearerTokens`: never expires) or was issued and has neither expired nor been revoked.
   */
  authenticated(authorization: string | undefined): boolean {
    const token = bearerToken(authorization);
    if (token !== undefined && this.#config.bearerTokens.some((t) => safeEqual(t, token))) return true;
    return this.credentials.authenticated(authorization);
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
    return expected !== undefined && token !== undefined && safeEqual(expected, token);
  }

  /**
   * Ends every CSRF session and revokes every issued token (`_faults.expireSessions`): the next write
   * gets 403 Required, the next call with a revoked token 401. Configured `bearerTokens` stay valid:
   * they stand for tokens the sandbox did not issue, so it has nothing to revoke.
   */
  expireAll(): void {
    this.#sessions.clear();
    this.credentials.revokeAll();
  }
}

function sessionOf(cookie: string | undefined): string | undefined {
  for (const pair of (cookie ?? '').split(';')) {
    const [name, value] = pair.trim().split('=', 2);
    if (name === SESSION_COOKIE && value) return value;
  }
  return undefined;
}
