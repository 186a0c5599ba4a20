import { errors } from '../../errors.ts';

// The probe write needs this much new room, about a batch of deliveries: a store with a few bytes
// left would pass a smaller probe and still refuse every real commit.
export const PROBE_BYTES = 64 * 1024;
// While commits fail, /ready probes at most this often: it is unauthenticated, and each probe is a commit.
const PROBE_INTERVAL_MS = 1000;

/**
 * Whether the store can commit, for `/ready`. Every write transaction runs through `commit`. A
 * failure marks the store as maybe unable to commit; only a success that took new room clears the
 * mark: intake's append, or the probe. The dispatcher's in-place updates still succeed on a full
 * disk, and would turn /ready back to 200 within half a second while every webhook gets 503.
 */
export class CommitHealth {
  // Why a write transaction failed, until one that took new room succeeds.
  #failure: string | undefined;
  #probe: { at: number; error: string | undefined } = { at: 0, error: undefined };
  readonly #probeWrite: () => void;

  /** @param probeWrite a transaction that takes PROBE_BYTES of new room and gives it back */
  constructor(probeWrite: () => void) {
    this.#probeWrite = probeWrite;
  }

  /**
   * Runs a write transaction, keeping its outcome.
   * @throws PARLEY_STORE_UNAVAILABLE when it fails
   */
  commit<T>(transaction: () => T, options: { tookRoom?: boolean } = {}): T {
    try {
      const result = transaction();
      if (options.tookRoom) this.#failure = undefined;
      return result;
    } catch (cause) {
      this.#failure = (cause as Error).message;
      throw errors.STORE_UNAVAILABLE({ reason: (cause as Error).message }, { cause });
    }
  }

  /**
   * Why the store cannot commit, or undefined when it can. Only while the last commit failed is a
   * probe write tried (at most once a second): a success counts as a commit, so /ready recovers
   * without waiting for traffic, which a load balancer would not send to a store it sees as not ready.
   */
  writeError(): string | undefined {
    if (this.#failure === undefined) return undefined;
    if (Date.now() - this.#probe.at < PROBE_INTERVAL_MS) return this.#probe.error;
    let error: string | undefined;
    try {
      this.commit(this.#probeWrite, { tookRoom: true });
    } catch {
      error = this.#failure;
    }
    this.#probe = { at: Date.now(), error };
    return error;
  }
}
