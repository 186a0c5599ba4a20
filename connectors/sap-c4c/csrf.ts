/**
 * C4C's CSRF token (reference §1, "CSRF"): fetched with `x-csrf-token: fetch` on a GET, bound to the
 * session cookies that answer carries, and sent with both on every write and `$batch`. Kept here for
 * the session's lifetime and fetched again only when C4C says it is no longer valid.
 */
import type { OutboundResponse } from '../../src/connectors/index.ts';

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

/**
 * The token and cookies of one C4C session. `fetch` does the GET (`x-csrf-token: fetch` plus the
 * cookies held, so a live session answers its own token again).
 */
export class CsrfToken {
  readonly #fetch: (headers: Record<string, string>) => Promise<OutboundResponse>;
  #token: string | undefined;
  readonly #cookies = new Map<string, string>();
  #fetching: Promise<void> | undefined;
  #generation = 0;

  constructor(fetch: (headers: Record<string, string>) => Promise<OutboundResponse>) {
    this.#fetch = fetch;
  }

  /** Which fetch the current token came from: a caller refreshes only the token it was refused with. */
  get generation(): number {
    return this.#generation;
  }

  /** Headers a write carries: the token (when C4C gave one) and the session cookies. */
  headers(): Record<string, string> {
    return {
      ...(this.#token !== undefined ? { 'x-csrf-token': this.#token } : {}),
      ...(this.#cookies.size > 0 ? { cookie: [...this.#cookies].map(([n, v]) => `${n}=${v}`).join('; ') } : {}),
    };
  }

  /** Keeps the cookies an answer sets (C4C may renew the session on any call). */
  absorb(answer: Pick<OutboundResponse, 'headers'>): void {
    for (const [name, value] of cookiesOf(answer.headers['set-cookie'])) this.#cookies.set(name, value);
  }

  /**
   * Fetches a token unless one from a later fetch than `seen` is already held; concurrent callers
   * share one fetch. The answer is returned raw to the caller of the first fetch only through
   * `onAnswer` (connect checks it for 401). No token in the answer means C4C wants none for this
   * user (reference §1.4: integration users): writes then go without one.
   */
  async refresh(seen: number, onAnswer?: (answer: OutboundResponse) => void): Promise<void> {
    if (seen < this.#generation) return;
    this.#fetching ??= (async () => {
      try {
        // A refused token's cookies name the expired session: a new one starts without them.
        this.#cookies.clear();
        const answer = await this.#fetch({ 'x-csrf-token': 'fetch' });
        onAnswer?.(answer);
        this.absorb(answer);
        const token = answer.headers['x-csrf-token'];
        this.#token = token && token.toLowerCase() !== 'required' ? token : undefined;
        this.#generation++;
      } finally {
        this.#fetching = undefined;
      }
    })();
    await this.#fetching;
  }
}
