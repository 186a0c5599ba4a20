import { DEFAULT_RATE_LIMITS, type Endpoint, type RateLimitsPatch, type RateWindow } from './config.ts';

/** One endpoint's window as it stands: what the headers say. `resetAt` is epoch ms. */
export interface WindowState {
  limit: number;
  remaining: number;
  resetAt: number;
}

/**
 * X's per-app rate limits, one fixed window per endpoint ("up to 900 requests over any 15-minute
 * interval", developer.x.com rate-limits page): a window opens with the first call after the last
 * one ended and closes `windowSeconds` later. The clock is a parameter, so a test's reset needs no waiting.
 */
export class RateWindows {
  readonly #now: () => number;
  #limits: Record<Endpoint, RateWindow>;
  readonly #windows = new Map<Endpoint, { start: number; used: number }>();

  constructor(patch: RateLimitsPatch, now: () => number) {
    this.#now = now;
    this.#limits = { ...DEFAULT_RATE_LIMITS, ...patch };
  }

  /** Replaces some endpoints' limits (`PUT /_rate-limits`); their windows start afresh. */
  setLimits(patch: RateLimitsPatch): Record<Endpoint, RateWindow> {
    this.#limits = { ...this.#limits, ...patch };
    for (const endpoint of Object.keys(patch) as Endpoint[]) this.#windows.delete(endpoint);
    return this.limits();
  }

  limits(): Record<Endpoint, RateWindow> {
    return { ...this.#limits };
  }

  /** Counts a call against the endpoint's window: `allowed` false (a 429) when it was already spent. */
  take(endpoint: Endpoint): { allowed: boolean; state: WindowState } {
    const window = this.#current(endpoint);
    const { limit } = this.#limits[endpoint];
    const allowed = window.used < limit;
    if (allowed) window.used++;
    return { allowed, state: this.#state(endpoint, window) };
  }

  /** The window without counting a call (for answers that do not count, such as a 401). */
  peek(endpoint: Endpoint): WindowState {
    return this.#state(endpoint, this.#current(endpoint));
  }

  #current(endpoint: Endpoint): { start: number; used: number } {
    const now = this.#now();
    const seconds = this.#limits[endpoint].windowSeconds;
    let window = this.#windows.get(endpoint);
    if (!window || now >= window.start + seconds * 1000) {
      window = { start: now, used: 0 };
      this.#windows.set(endpoint, window);
    }
    return window;
  }

  #state(endpoint: Endpoint, window: { start: number; used: number }): WindowState {
    const { limit, windowSeconds } = this.#limits[endpoint];
    return { limit, remaining: Math.max(0, limit - window.used), resetAt: window.start + windowSeconds * 1000 };
  }
}
