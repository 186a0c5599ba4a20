import type { Store } from '../store/store.ts';

/** How long a stored answer replays for an `Idempotency-Key`, ms (a day). */
export const IDEMPOTENCY_WINDOW_MS = 86_400_000;

/**
 * Answers a request with an `Idempotency-Key` header as it was answered the first time (within a
 * day), without doing the work again; without the header, just does it. Only successful answers
 * are kept: a request that failed may be sent again with the same key.
 * @param scope what the key is unique within (a route, a resource)
 */
export async function idempotent<T>(store: Store, now: Date, request: { headers: Record<string, unknown> }, scope: string, produce: () => Promise<T>): Promise<T> {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || key === '') return produce();
  const earlier = await store.readIdempotencyKey(scope, key, new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS));
  if (earlier !== undefined) return earlier as T;
  const answer = await produce();
  await store.saveIdempotencyKey(scope, key, answer, now);
  return answer;
}
