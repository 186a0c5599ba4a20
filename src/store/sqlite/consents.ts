import type { ConsentStore, NewConsent, StoredConsent } from '../consent-store.ts';
import { toStoredConsent, type ConsentRow } from '../policy-rows.ts';
import type { SqliteFacetContext } from './facet.ts';

const LIST = '(SELECT value FROM json_each(?))';

/** The embedded store's consents (`Store.consents`). */
export class SqliteConsents implements ConsentStore {
  readonly #context: SqliteFacetContext;

  constructor(context: SqliteFacetContext) {
    this.#context = context;
  }

  async record(consent: NewConsent, options: { now: Date }): Promise<StoredConsent> {
    const row = this.#context.commit(() => this.#context.db().prepare(`INSERT INTO consents (identity_key, granted, source, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (identity_key) DO UPDATE SET granted = excluded.granted, source = excluded.source, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at
      RETURNING *`).get(consent.identityKey, consent.granted ? 1 : 0, consent.source ?? null, consent.recordedBy, options.now.getTime()) as ConsentRow);
    return toStoredConsent(row);
  }

  async of(identityKeys: string[]): Promise<StoredConsent[]> {
    if (identityKeys.length === 0) return [];
    const rows = this.#context.db().prepare(`SELECT * FROM consents WHERE identity_key IN ${LIST} ORDER BY identity_key`).all(JSON.stringify(identityKeys)) as ConsentRow[];
    return rows.map(toStoredConsent);
  }

  async forget(identityKeys: string[]): Promise<number> {
    if (identityKeys.length === 0) return 0;
    return this.#context.commit(() => this.#context.db().prepare(`DELETE FROM consents WHERE identity_key IN ${LIST}`).run(JSON.stringify(identityKeys)).changes);
  }
}
