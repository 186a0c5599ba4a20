import type { Logger } from '../logging/logger.ts';
import type { StoredErasure } from '../store/erasure-store.ts';
import type { Store } from '../store/store.ts';
import { eventHash, identityHash } from './hashes.ts';
import { planDeletes } from './plan-deletes.ts';

export interface EraserOptions {
  store: Store;
  /** Every configured destination, and whether it can delete for good (a `purge`: Salesforce's Bulk API 2.0 hardDelete). */
  destinations: () => ReadonlyArray<{ name: string; purge: boolean }>;
  newId: () => string;
  now: () => Date;
  logger: Logger;
  /** Called once the deletes are queued (the dispatcher listens). */
  onQueued?: () => void;
}

/** Right-to-erasure requests: `erase` starts one, `finishRunning` ends those whose deletes are over. */
export interface Eraser {
  /**
   * Erases a person: refuses their later deliveries (salted hashes of their identities and event
   * keys), removes them from Parley's store, and queues a delete of every CRM record Parley wrote
   * for them, in ONE transaction; then forgets their identities and person. The audit holds no
   * personal data. @returns undefined for an unknown person
   */
  erase(personId: string, options: { requestedBy: string }): Promise<StoredErasure | undefined>;
  /**
   * Erases some identities only, the rest of their person staying. `crmOnly` (a source's erasure:
   * an account that revoked the app's authorization, a user deletion a network asks for): their
   * records leave every CRM (purged where it can), Parley's own copies stay and later deliveries
   * are taken as usual; without it, as `erase` for those identities.
   * @returns undefined when given no identity
   */
  eraseIdentities(identityKeys: string[], options: { requestedBy: string; crmOnly?: boolean }): Promise<StoredErasure | undefined>;
  /** Ends the running erasures whose deletes have all ended (their last identifiers removed). @returns the ids ended */
  finishRunning(): Promise<string[]>;
}

export function createEraser(options: EraserOptions): Eraser {
  const { store } = options;
  const eraser: Eraser = {
    async erase(personId, { requestedBy }) {
      return eraseKeys(personId, await store.people.identitiesOf(personId), requestedBy, false);
    },
    async eraseIdentities(identityKeys, { requestedBy, crmOnly }) {
      // An identity not indexed yet (its first event is the revoke) is erased all the same.
      const known = (await Promise.all(identityKeys.map((key) => store.people.getIdentity(key)))).filter((i) => i !== undefined);
      return eraseKeys(known[0]?.personId ?? 'none', identityKeys, requestedBy, crmOnly === true);
    },
    async finishRunning() {
      const ended: string[] = [];
      for (const id of await store.erasures.running()) {
        if (await store.erasures.finish(id, { now: options.now() })) {
          ended.push(id);
          options.logger.info({ erasureId: id }, 'erasure done');
        }
      }
      return ended;
    },
  };

  return eraser;

  async function eraseKeys(personId: string, identities: string[], requestedBy: string, crmOnly: boolean): Promise<StoredErasure | undefined> {
      if (identities.length === 0) return undefined;
      const destinations = options.destinations();
      const orderingKeys = destinations.flatMap((d) => identities.map((identity) => `${d.name}:${identity}`));
      const id = options.newId();
      const records = await store.erasures.recordsOf(orderingKeys);
      const salt = await store.erasures.salt();
      const keys = crmOnly ? [] : await store.erasures.eventKeysOf(identities);
      const hashes = crmOnly ? [] : [...identities.map((k) => identityHash(salt, k)), ...keys.map((k) => eventHash(salt, k.source, k.key))];
      const erasure = await store.erasures.commit({
        id, personId, requestedBy, identities: identities.length, identityKeys: identities, orderingKeys, hashes,
        purge: Object.fromEntries(destinations.map((d) => [d.name, d.purge ? 'hard' : 'soft'])),
        deletes: planDeletes(id, records, options.newId), ...(crmOnly ? { keepStore: true } : {}),
      }, { now: options.now() });
      if (!crmOnly) {
        await store.people.forget(identities, { now: options.now() });
        // A consent answer names the identity: it goes with the rest of what Parley knew of the person.
        await store.consents.forget(identities);
      }
      options.logger.info({ erasureId: id, deletes: records.length, removed: erasure.removed, crmOnly },
        crmOnly ? 'erasure started: their CRM records are being deleted' : 'erasure started: the person is gone from the store, their CRM records are being deleted');
      options.onQueued?.();
      return (await store.erasures.get(id)) ?? erasure;
  }
}
