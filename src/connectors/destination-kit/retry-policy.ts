/**
 * Retries inside one CRM call (the destination kit's, for every connector): how many times a call
 * whose failure the connector classifies as retryable is made again before its operations go back
 * to the outbox, and the exponential backoff between tries (p-retry, factor 2, randomised).
 */
export interface RetryPolicy {
  /** Tries after the first; 0 sends each call once. */
  retries: number;
  /** First wait, ms. */
  minDelayMs: number;
  /** Longest wait, ms. */
  maxDelayMs: number;
}

/** `retry` in a destination block when it says nothing: 3 more tries, 0.5 s doubling up to 4 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ retries: 3, minDelayMs: 500, maxDelayMs: 4_000 });

/** p-retry's options for a policy. */
export function pRetryOptions(policy: RetryPolicy): { retries: number; minTimeout: number; maxTimeout: number; factor: number; randomize: boolean } {
  return { retries: policy.retries, minTimeout: policy.minDelayMs, maxTimeout: Math.max(policy.minDelayMs, policy.maxDelayMs), factor: 2, randomize: true };
}
