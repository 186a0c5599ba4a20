import { randomBytes } from 'node:crypto';

/** The demo app registration every Parley CRM sandbox accepts (ARCHITECTURE.md, Fixed interfaces). */
export const DEMO_CLIENT = { id: 'parley-demo', secret: 'parley-demo-secret' } as const;

/** Lifetime of an issued token, seconds (the identity platform's are about an hour). */
const TOKEN_SECONDS = 3599;

/** A token endpoint answer: status and JSON body. */
export interface TokenAnswer { status: number; body: Record<string, unknown> }

/**
 * The Microsoft identity platform's client credentials grant, as far as a Dataverse client sees
 * it ("Microsoft identity platform and the OAuth 2.0 client credentials flow"): a form with
 * `grant_type=client_credentials`, `client_id`, `client_secret` and `scope=<resource>/.default`
 * answers `{ token_type: "Bearer", expires_in, access_token }`; errors are
 * `{ error, error_description: "AADSTS…: …", error_codes: [n] }` with 400 or 401.
 */
export class SandboxTokens {
  readonly #issued = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  grant(form: Record<string, string>): TokenAnswer {
    const refuse = (status: number, error: string, code: number, text: string): TokenAnswer => ({
      status, body: { error, error_description: `AADSTS${code}: ${text}`, error_codes: [code], timestamp: new Date(this.#now()).toISOString() },
    });
    if (form.grant_type !== 'client_credentials') return refuse(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${form.grant_type ?? ''}'.`);
    if (form.client_id !== DEMO_CLIENT.id) return refuse(400, 'unauthorized_client', 700016, `Application with identifier '${form.client_id ?? ''}' was not found in the directory.`);
    if (form.client_secret !== DEMO_CLIENT.secret) return refuse(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
    if (!form.scope?.endsWith('/.default')) return refuse(400, 'invalid_scope', 1002012, `The provided value for scope ${form.scope ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    const token = randomBytes(24).toString('base64url');
    this.#issued.set(token, this.#now() + TOKEN_SECONDS * 1000);
    return { status: 200, body: { token_type: 'Bearer', expires_in: TOKEN_SECONDS, ext_expires_in: TOKEN_SECONDS, access_token: token } };
  }

  /** True for a bearer token this sandbox issued that has not expired nor been revoked. */
  valid(authorization: string | undefined): boolean {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const expires = token === undefined ? undefined : this.#issued.get(token);
    return expires !== undefined && expires > this.#now();
  }

  /** `_faults.expireSessions`: every token issued so far stops working. */
  revokeAll(): void {
    this.#issued.clear();
  }
}
