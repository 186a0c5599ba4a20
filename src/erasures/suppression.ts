import type { CanonicalData } from '../model/index.ts';
import { identityOf } from '../outbox/planner.ts';
import type { Store } from '../store/store.ts';
import { eventHash, identityHash } from './hashes.ts';

/** An event about to be stored, as suppression sees it. */
export interface CandidateEvent { id: string; source: string; key: string; data: CanonicalData }

/**
 * The ids of `events` that belong to an erased person — by the identity they are about, or by their
 * dedup key — to refuse instead of storing (a late delivery of an old post must not bring them
 * back). One store read per call.
 */
export function createSuppression(store: Store): (events: readonly CandidateEvent[]) => Promise<Set<string>> {
  let salt: string | undefined;
  return async (events) => {
    if (events.length === 0) return new Set();
    salt ??= await store.erasures.salt();
    const hashed = events.map((e) => ({ id: e.id, hashes: [identityHash(salt!, identityOf(e.data)), eventHash(salt!, e.source, e.key)] }));
    const suppressed = new Set(await store.erasures.suppressed([...new Set(hashed.flatMap((h) => h.hashes))]));
    return new Set(hashed.filter((h) => h.hashes.some((x) => suppressed.has(x))).map((h) => h.id));
  };
}
