/**
 * Basic and Bearer authentication of the pod (../shared/reference/oracle-cx.md §1): Basic with a
 * configured user, or Bearer with a token the token endpoint (token-endpoint.ts) issued that has
 * neither expired nor been revoked by `_faults.expireSessions`. Anything else is a 401.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { OracleCxSandboxConfig } from './config.ts';

/** Constant-time equality of two secrets; a length mismatch is a plain "no" (a 401, never a 500). */
const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** `Authorization: Basic base64(user:password)` → the pair; undefined for another scheme or no colon. */
export function basicCredentials(authorization: string | undefined): { user: string; password: string } | undefined {
  const [scheme, value = ''] = (authorization ?? '').split(' ', 2);
  if (scheme?.toLowerCase() !== 'basic') return undefined;
  const decoded = Buffer.from(value.trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The pod's users, OAuth clients and issued access tokens. */
export class SandboxAuth {
  readonly #config: Pick<OracleCxSandboxConfig, 'users' | 'oauthClients'>;
  readonly #now: () => number;
  /** Issued access token → when it expires, epoch ms. */
  readonly #issued = new Map<string, number>();

  /** @param now the sandbox's clock, epoch ms: issued tokens expire by it */
  constructor(config: Pick<OracleCxSandboxConfig, 'users' | 'oauthClients'>, now: () => number = Date.now) {
    this.#config = config;
    this.#now = now;
  }

  /** True for Basic with a configured user's password, or a live issued Bearer token. */
  authenticated(authorization: string | undefined): boolean {
    const [scheme, value = ''] = (authorization ?? '').split(' ', 2);
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

  /** Revokes every issued token (`_faults.expireSessions`): the next call with one gets a 401. */
  expireAll(): void {
    this.#issued.clear();
  }

  #bearerValid(token: string): boolean {
    // A Map lookup is not constant-time, but tokens are 192 random bits: the bucket leaks nothing usable.
    const expiresAt = this.#issued.get(token);
    if (expiresAt === undefined) return false;
    if (expiresAt > this.#now()) return true;
    this.#issued.delete(token);
    return false;
  }
}
