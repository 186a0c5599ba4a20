/**
 * A credential a destination session's calls share — an OAuth access token, a CSRF token — and the
 * one rule every vendor needs for it: a call refused because the credential went stale (a 401 for
 * an expired token, SAP C4C's 403 `x-csrf-token: Required`) renews it once and is sent again. The
 * vendor refused before carrying anything out, so even a `$batch` is safe to resend. Connectors
 * supply how to fetch and how to recognise the refusal; this supplies the behaviour once.
 */

/**
 * A shared credential, fetched on first use and renewed by one fetch however many concurrent calls
 * found it stale. Values are compared by identity: a fetch must return a new value (a new object,
 * or a new string) for callers to tell "replaced already" from "still the refused one".
 */
export class SharedCredential<T> {
  readonly #fetch: () => Promise<T>;
  readonly #fresh: (value: T) => boolean;
  #value: { current: T } | undefined;
  #fetching: Promise<T> | undefined;

  /**
   * @param fetch gets a new credential; what it throws reaches every caller waiting on it (a
   *   refused login is the connector's typed error, e.g. PARLEY_DESTINATION_CONFIG)
   * @param options.fresh whether a held value may still be used (an expiry the vendor announced); default: always
   */
  constructor(fetch: () => Promise<T>, options: { fresh?: (value: T) => boolean } = {}) {
    this.#fetch = fetch;
    this.#fresh = options.fresh ?? (() => true);
  }

  /** The credential held, if any, without fetching. */
  peek(): T | undefined {
    return this.#value?.current;
  }

  /** The credential to send: the held one while fresh, else a new one (shared with concurrent callers). */
  async current(): Promise<T> {
    if (this.#value && this.#fresh(this.#value.current)) return this.#value.current;
    return this.#refetch();
  }

  /**
   * A new credential in place of `refused`, unless another call replaced it already (then that one).
   * Concurrent callers share one fetch.
   */
  async renew(refused: T | undefined): Promise<T> {
    if (this.#value && this.#value.current !== refused) return this.#value.current;
    return this.#refetch();
  }

  #refetch(): Promise<T> {
    this.#fetching ??= this.#fetch()
      .then((value) => { this.#value = { current: value }; return value; })
      .finally(() => { this.#fetching = undefined; });
    return this.#fetching;
  }
}

/**
 * Sends one call with the credential; when the answer says the credential is stale
 * (`isRefused`), renews it once and sends the same call again. A second refusal is returned as it
 * is, with `renewed: true`, for the connector to classify (a fresh credential refused too means the
 * account lost its access: a configuration problem, not a retry).
 * @param send the call, given the credential to send
 * @throws what `send` or the credential's fetch throws
 */
export async function sendWithRenewal<T, A>(credential: SharedCredential<T>, send: (value: T) => Promise<A>, isRefused: (answer: A) => boolean): Promise<{ answer: A; renewed: boolean }> {
  const used = await credential.current();
  const answer = await send(used);
  if (!isRefused(answer)) return { answer, renewed: false };
  return { answer: await send(await credential.renew(used)), renewed: true };
}
