import type { Store } from '../store/store.ts';

/**
 * The store as the deriver or the planner sees it on an instance that shares its database: the
 * reads that start a step of work answer nothing unless this instance holds the role's lead
 * (`Store.holdsLead`). Derivation keeps commit order and planning keeps event order, so each runs
 * in one place at a time; the others stay idle and take over when the lead is lost (the holder
 * stopped, or its connection died with it). An embedded store always leads: nothing changes.
 */
export function leadGatedStore(store: Store, role: 'derive' | 'plan'): Store {
  const ifLead = <A extends unknown[], T>(read: (...args: A) => Promise<T[]>) =>
    async (...args: A): Promise<T[]> => ((await store.holdsLead(role)) ? read.apply(store, args) : []);
  const gatedReads: Partial<Record<keyof Store, unknown>> = role === 'derive'
    ? { readPendingDeliveries: ifLead(store.readPendingDeliveries) }
    : { readUnplannedEvents: ifLead(store.readUnplannedEvents), deferredDestinations: ifLead(store.deferredDestinations), readDeferredEvents: ifLead(store.readDeferredEvents) };
  // A proxy, not a copy: every other method runs on the store itself (its private fields need `this`).
  return new Proxy(store, {
    get(target, key) {
      if (typeof key === 'string' && key in gatedReads) return gatedReads[key as keyof Store];
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
