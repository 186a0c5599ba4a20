import { createHmac, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { DEMO_JWT_PUBLIC_KEY } from '../demo-keys.ts';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_USERNAME, type SalesforceSandboxConfig } from './config.ts';

/** An OAuth error as Salesforce's token endpoint answers it: 400 `{ error, error_description }`. */
export interface OAuthError { status: number; error: string; error_description: string }

/** The token endpoint's success body (reference §1). */
export interface TokenResponse {
  access_token: string;
  signature: string;
  scope: string;
  instance_url: string;
  id: string;
  token_type: 'Bearer';
  issued_at: string;
}

interface Client { clientId: string; clientSecret: string; publicKey: KeyObject }
interface User { username: string; password: string; userId: string }
interface Session { userId: string; expiresAt: number }

/** The simulated org's ids: 00D… for the org, 005… for users (reference §1: jsforce reads them from `id`). */
export const ORG_ID = '00D000000000001AAA';
const userIdFor = (index: number) => `005000000000${String(index + 1).padStart(3, '0')}AAA`;

/**
 * The sandbox's OAuth 2.0 server and session registry: client credentials, username-password and
 * JWT bearer grants (RS256, checked against the client's public key), tokens that expire or can be
 * revoked to test a connector's re-login.
 */
export class SandboxAuth {
  readonly #clients: Map<string, Client>;
  readonly #users: Map<string, User>;
  readonly #sessions = new Map<string, Session>();
  readonly #ttlMs: number;
  readonly #audiences: string[];
  readonly #now: () => number;

  constructor(config: Pick<SalesforceSandboxConfig, 'clients' | 'users' | 'sessionTtlMs' | 'audiences'>, now: () => number = Date.now) {
    const clients = config.clients ?? [{ clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET }];
    this.#clients = new Map(clients.map((c) => [c.clientId, { clientId: c.clientId, clientSecret: c.clientSecret, publicKey: createPublicKey(c.jwtPublicKey ?? DEMO_JWT_PUBLIC_KEY) }]));
    const users = config.users ?? [{ username: DEMO_USERNAME, password: DEMO_PASSWORD }];
    this.#users = new Map(users.map((u, i) => [u.username.toLowerCase(), { ...u, userId: userIdFor(i) }]));
    this.#ttlMs = config.sessionTtlMs;
    this.#audiences = config.audiences;
    this.#now = now;
  }

  /** The user id the sandbox stamps on records (CreatedById, OwnerId): the first user's. */
  get defaultUserId(): string {
    return userIdFor(0);
  }

  /**
   * `POST /services/oauth2/token` with the form fields already decoded.
   * @param baseUrl the sandbox's own URL: the `instance_url` answered, and an accepted JWT `aud`
   */
  token(form: Record<string, string>, baseUrl: string): TokenResponse | OAuthError {
    switch (form.grant_type) {
      case 'client_credentials': return this.#clientCredentials(form, baseUrl);
      case 'password': return this.#password(form, baseUrl);
      case 'urn:ietf:params:oauth:grant-type:jwt-bearer': return this.#jwtBearer(form, baseUrl);
      default: return oauthError('unsupported_grant_type', 'grant type not supported');
    }
  }

  /** The session behind `Authorization: Bearer <token>`, or undefined when missing, unknown, expired or revoked. */
  session(authorization: string | undefined): Session | undefined {
    const match = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const session = this.#sessions.get(match[1]!);
    if (!session) return undefined;
    if (session.expiresAt <= this.#now()) { this.#sessions.delete(match[1]!); return undefined; }
    return session;
  }

  /** The username of a user id, for the identity URL. */
  usernameOf(userId: string): string | undefined {
    return [...this.#users.values()].find((u) => u.userId === userId)?.username;
  }

  /** Revokes every token issued so far. */
  expireAll(): void {
    this.#sessions.clear();
  }

  #clientCredentials(form: Record<string, string>, baseUrl: string): TokenResponse | OAuthError {
    const client = this.#clients.get(form.client_id ?? '');
    if (!client) return oauthError('invalid_client_id', 'client identifier invalid');
    if (form.client_secret !== client.clientSecret) return oauthError('invalid_client', 'invalid client credentials');
    return this.#issue(this.defaultUserId, baseUrl);
  }

  #password(form: Record<string, string>, baseUrl: string): TokenResponse | OAuthError {
    const client = this.#clients.get(form.client_id ?? '');
    if (!client) return oauthError('invalid_client_id', 'client identifier invalid');
    if (form.client_secret !== undefined && form.client_secret !== client.clientSecret) return oauthError('invalid_client', 'invalid client credentials');
    const user = this.#users.get((form.username ?? '').toLowerCase());
    if (!user || user.password !== form.password) return oauthError('invalid_grant', 'authentication failure');
    return this.#issue(user.userId, baseUrl);
  }

  // Salesforce's checks, in the order its error texts suggest: a readable assertion, a known client
  // (iss), the signature, the audience, the expiry, then the user (sub) approved for the app.
  #jwtBearer(form: Record<string, string>, baseUrl: string): TokenResponse | OAuthError {
    const parts = (form.assertion ?? '').split('.');
    if (parts.length !== 3) return oauthError('invalid_grant', 'invalid assertion');
    let header: { alg?: string };
    let claims: { iss?: string; sub?: string; aud?: string | string[]; exp?: number };
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as typeof header;
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return oauthError('invalid_grant', 'invalid assertion');
    }
    if (typeof header !== 'object' || header === null || typeof claims !== 'object' || claims === null || header.alg !== 'RS256') return oauthError('invalid_grant', 'invalid assertion');
    const client = this.#clients.get(claims.iss ?? '');
    if (!client) return oauthError('invalid_client_id', 'client identifier invalid');
    const signed = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), client.publicKey, Buffer.from(parts[2]!, 'base64url'));
    if (!signed) return oauthError('invalid_grant', 'invalid assertion');
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const accepted = [...this.#audiences, baseUrl].map(trimSlash);
    if (!audiences.some((a) => typeof a === 'string' && accepted.includes(trimSlash(a)))) return oauthError('invalid_grant', 'audience is invalid');
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= this.#now()) return oauthError('invalid_grant', 'expired authorization code');
    const user = this.#users.get((claims.sub ?? '').toLowerCase());
    if (!user) return oauthError('invalid_grant', "user hasn't approved this consumer");
    return this.#issue(user.userId, baseUrl);
  }

  #issue(userId: string, baseUrl: string): TokenResponse {
    const token = `${ORG_ID.slice(0, 15)}!${randomBytes(24).toString('base64url')}`;
    const issuedAt = this.#now();
    this.#sessions.set(token, { userId, expiresAt: issuedAt + this.#ttlMs });
    const id = `${baseUrl}/id/${ORG_ID}/${userId}`;
    return {
      access_token: token,
      // Salesforce signs `id + issued_at` with the client secret; clients rarely check it.
      signature: createHmac('sha256', 'sandbox').update(id + issuedAt).digest('base64'),
      scope: 'api',
      instance_url: baseUrl,
      id,
      token_type: 'Bearer',
      issued_at: String(issuedAt),
    };
  }
}

function oauthError(error: string, description: string): OAuthError {
  return { status: 400, error, error_description: description };
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');
