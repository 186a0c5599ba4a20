/**
 * The Page's call budget on a sliding window, and the usage headers that report it
 * (developers.facebook.com/docs/graph-api/overview/rate-limiting; reference §2.7): percentages of
 * the budget, `X-App-Usage` and `X-Page-Usage` as `{"call_count","total_cputime","total_time"}`,
 * `X-Business-Use-Case-Usage` as `{"<page id>":[{"type":"pages","call_count",…,"estimated_time_to_regain_access"}]}`
 * with the wait in minutes. The sandbox counts calls only: its time percentages are derived from
 * the call count (time as much, CPU time half), a simplification it does not hide.
 */
import type { MetaSandboxConfig } from './config.ts';

/** The budget as one answer reports it. */
export interface UsageState {
  /** Share of the budget used, percent (0-100). */
  callCount: number;
  /** Whole minutes until a call is allowed again; 0 when one is. */
  regainMinutes: number;
  throttled: boolean;
}

/** One Page's budget: the times of the calls it counted (epoch ms), oldest first. The clock is a parameter. */
export class PageBudget {
  readonly #now: () => number;
  #budget: MetaSandboxConfig['budget'];
  readonly #calls = new Map<string, number[]>();

  constructor(budget: MetaSandboxConfig['budget'], now: () => number) {
    this.#budget = budget;
    this.#now = now;
  }

  /** Replaces the budget (`PUT /_budget`); counted calls are forgotten. */
  set(budget: MetaSandboxConfig['budget']): MetaSandboxConfig['budget'] {
    this.#budget = budget;
    this.#calls.clear();
    return this.get();
  }

  get(): MetaSandboxConfig['budget'] {
    return { ...this.#budget };
  }

  /** Counts a call against the Page's budget, unless it is spent: then `throttled` and not counted. */
  take(pageId: string): UsageState {
    const calls = this.#window(pageId);
    if (calls.length >= this.#budget.calls) return this.#state(calls, true);
    calls.push(this.#now());
    return this.#state(calls, false);
  }

  /** The state without counting a call (an answer that does not count, such as a refused token). */
  peek(pageId: string): UsageState {
    const calls = this.#window(pageId);
    return this.#state(calls, calls.length >= this.#budget.calls);
  }

  #window(pageId: string): number[] {
    const since = this.#now() - this.#budget.windowSeconds * 1000;
    const calls = (this.#calls.get(pageId) ?? []).filter((at) => at > since);
    this.#calls.set(pageId, calls);
    return calls;
  }

  #state(calls: readonly number[], throttled: boolean): UsageState {
    const callCount = Math.min(100, Math.floor((calls.length * 100) / this.#budget.calls));
    // The budget frees up as the oldest calls leave the window: the wait is until enough have left.
    const freeing = calls[calls.length - this.#budget.calls];
    const regainMs = throttled && freeing !== undefined ? freeing + this.#budget.windowSeconds * 1000 - this.#now() : 0;
    return { callCount, throttled, regainMinutes: Math.max(0, Math.ceil(regainMs / 60_000)) };
  }
}

/** The three usage headers for `pageId` (lower-case names, JSON values). */
export function usageHeaders(pageId: string, usage: UsageState): Record<string, string> {
  const platform = { call_count: usage.callCount, total_cputime: Math.floor(usage.callCount / 2), total_time: usage.callCount };
  return {
    'x-app-usage': JSON.stringify(platform),
    'x-page-usage': JSON.stringify(platform),
    'x-business-use-case-usage': JSON.stringify({
      [pageId]: [{ type: 'pages', ...platform, estimated_time_to_regain_access: usage.regainMinutes }],
    }),
  };
}
