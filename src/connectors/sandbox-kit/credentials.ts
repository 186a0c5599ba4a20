/**
 * A sandbox's credentials, the part every vendor shares: Basic users (RFC 7617), OAuth clients that
 * authenticate to a token endpoint with Basic (RFC 6749 §2.3.1), and the Bearer access tokens that
 * endpoint issued (RFC 6750), each with an expiry on the sandbox's clock and all revocable at once
 * (`_faults.expireSessions`). What differs per vendor (CSRF sessions, tokens configured up front,
 * the 401's realm) stays in the connector, around this store.
 */
import { randomBytes } from 'node:crypto';
import { safeEqual } from '../signature.ts';

/** A user that may call the sandbox with `Authorization: Basic base64(user:password)`. */
export interface SandboxUser {
  user: string;
  password: string;
}

/** An OAuth client of the sandbox's token endpoint, authenticated with `Basic base64(clientId:clientSecret)`. */
export interface SandboxOAuthClient {
  clientId: string;
  clientSecret: string;
}

/** The configured credentials: usually the `users` and `oauthClients` blocks of the sandbox's config. */
export interface SandboxCredentialsConfig {
  users: readonly SandboxUser[];
  oauthClients: readonly SandboxOAuthClient[];
}

/**
 * `Authorization: Basic base64(user:password)` → the pair (RFC 7617 §2: the user id ends at the first
 * colon, so a password may hold colons); undefined for another scheme, no header or no colon.
 *
 * @example basicCredentials('Basic ' + btoa('ann:s3cret')) // { user: 'ann', password: 's3cret' }
 */
export function basicCredentials(authorization: string | undefined): { user: string; password: string } | undefined {
  const [scheme, value = ''] = (authorization ?? '').split(' ', 2);
  if (scheme?.toLowerCase() !== 'basic') return undefined;
  const decoded = Buffer.from(value.trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * `Authorization: Bearer <token>` → the token (RFC 6750 §2.1; the scheme is case-insensitive);
 * undefined for another scheme or no header. An empty token is '' (and is never valid).
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  const [scheme, value = ''] = (authorization ?? '').split(' ', 2);
  return scheme?.toLowerCase() === 'bearer' ? value.trim() : undefined;
}

/**
 * The users, OAuth clients and issued access tokens of one running sandbox. Every secret is compared
 * in constant time (`safeEqual`: a length mismatch is a plain "no", so a bad credential is a 401,
 * never a 500).
 *
 * @example
 * const credentials = new SandboxCredentials(config, () => Date.now());
 * kit.onExpireSessions(() => credentials.revokeAll());
 * if (!credentials.authenticated(request.headers.authorization)) return reply.code(401).send();
 */
export class SandboxCredentials {
  readonly #config: SandboxCredentialsConfig;
  readonly #now: () => number;
  /** Issued access token → when it expires, epoch ms. */
  readonly #issued = new Map<string, number>();

  /**
   * @param config the configured users and OAuth clients, read at each call
   * @param now the sandbox's clock, epoch ms: issued tokens expire by it (a test moves it)
   */
  constructor(config: SandboxCredentialsConfig, now: () => number = Date.now) {
    this.#config = config;
    this.#now = now;
  }

  /** True for Basic with a configured user's password, or Bearer with a live issued token. */
  authenticated(authorization: string | undefined): boolean {
    const token = bearerToken(authorization);
    if (token !== undefined) return this.bearerValid(token);
    const credentials = basicCredentials(authorization);
    return credentials !== undefined && this.#config.users.some((u) => safeEqual(u.user, credentials.user) && safeEqual(u.password, credentials.password));
  }

  /** The id of the configured OAuth client a Basic header authenticates (`client_id:client_secret`), if any. */
  oauthClient(authorization: string | undefined): string | undefined {
    const credentials = basicCredentials(authorization);
    if (!credentials) return undefined;
    return this.#config.oauthClients.find((c) => safeEqual(c.clientId, credentials.user) && safeEqual(c.clientSecret, credentials.password))?.clientId;
  }

  /** A new access token (192 random bits, base64url: 32 characters), accepted as Bearer for `ttlSeconds` by the sandbox's clock. */
  issueBearer(ttlSeconds: number): string {
    const now = this.#now();
    // Expired tokens would otherwise pile up in a sandbox that runs for days.
    for (const [token, expiresAt] of this.#issued) if (expiresAt <= now) this.#issued.delete(token);
    const token = randomBytes(24).toString('base64url');
    this.#issued.set(token, now + ttlSeconds * 1000);
    return token;
  }

  /** Whether `token` was issued here and has neither expired nor been revoked. */
  bearerValid(token: string): boolean {
    // A Map lookup is not constant-time, but tokens are 192 random bits: the hash bucket leaks nothing usable.
    const expiresAt = this.#issued.get(token);
    if (expiresAt === undefined) return false;
    if (expiresAt > this.#now()) return true;
    this.#issued.delete(token);
    return false;
  }

  /** Revokes every issued token (`_faults.expireSessions`): the next call with one gets a 401. */
  revokeAll(): void {
    this.#issued.clear();
  }
}
