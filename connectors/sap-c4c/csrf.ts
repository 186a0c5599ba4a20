/**
 * C4C's CSRF token (reference §1, "CSRF"): fetched with `x-csrf-token: fetch` on a GET, bound to the
 * session cookies that answer carries, and sent with both on every write and `$batch`. Kept here for
 * the session's lifetime and fetched again only when C4C says it is no longer valid.
 */
import { SharedCredential, type OutboundResponse } from '../../src/connectors/index.ts';

/** The cookies of `Set-Cookie` values the outbound client joined with `, ` (name → value; attributes dropped). */
export function cookiesOf(setCookie: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  // Split only before `name=`: an `Expires=Wed, 02 Dec …` attribute has a comma of its own.
  for (const item of (setCookie ?? '').split(/,\s*(?=[^;,=\s]+=)/)) {
    const pair = item.split(';', 1)[0]!.trim();
    const eq = pair.indexOf('=');
    if (eq > 0) cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return cookies;
}

/** True for C4C's answer to a missing, expired or foreign token: 403 with `x-csrf-token: Required` (reference §1.3). */
export function csrfRequired(answer: Pick<OutboundResponse, 'status' | 'headers'>): boolean {
  return answer.status === 403 && (answer.headers['x-csrf-token'] ?? '').toLowerCase() === 'required';
}

/** One CSRF fetch's token: absent when C4C gave none (reference §1.4: integration users write without). A new object per fetch. */
export interface CsrfState {
  token?: string;
}

/**
 * The token and cookies of one C4C session. `fetch` does the GET (`x-csrf-token: fetch`); `check`
 * sees each fetch's answer first and throws for one that is no service root's (a refused login,
 * a wrong URL). The token is the SDK's SharedCredential: fetched once, renewed by one fetch however
 * many writes C4C refused with `Required`.
 */
export class CsrfToken {
  readonly credential: SharedCredential<CsrfState>;
  readonly #cookies = new Map<string, string>();

  constructor(fetch: (headers: Record<string, string>) => Promise<OutboundResponse>, check: (answer: OutboundResponse) => void = () => undefined) {
    this.credential = new SharedCredential(async () => {
      // A refused token's cookies name the expired session: a new one starts without them.
      this.#cookies.clear();
      const answer = await fetch({ 'x-csrf-token': 'fetch' });
      check(answer);
      this.absorb(answer);
      const token = answer.headers['x-csrf-token'];
      return token && token.toLowerCase() !== 'required' ? { token } : {};
    });
  }

  /** Headers a write carries: the state's token (when C4C gave one) and the session cookies. */
  headers(state: CsrfState): Record<string, string> {
    return {
      ...(state.token !== undefined ? { 'x-csrf-token': state.token } : {}),
      ...(this.#cookies.size > 0 ? { cookie: [...this.#cookies].map(([n, v]) => `${n}=${v}`).join('; ') } : {}),
    };
  }

  /** Keeps the cookies an answer sets (C4C may renew the session on any call). */
  absorb(answer: Pick<OutboundResponse, 'headers'>): void {
    for (const [name, value] of cookiesOf(answer.headers['set-cookie'])) this.#cookies.set(name, value);
  }
}
