import type { ConsentStore, NewConsent, StoredConsent } from '../consent-store.ts';
import { toStoredConsent, type ConsentRow } from '../policy-rows.ts';
import type { PostgresFacetContext } from './facet.ts';

/** PostgreSQL's consents (`Store.consents`). */
export class PostgresConsents implements ConsentStore {
  readonly #context: PostgresFacetContext;

  constructor(context: PostgresFacetContext) {
    this.#context = context;
  }

  async record(consent: NewConsent, options: { now: Date }): Promise<StoredConsent> {
    const { rows } = await this.#context.db().query<ConsentRow>(`INSERT INTO consents (identity_key, granted, source, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (identity_key) DO UPDATE SET granted = excluded.granted, source = excluded.source, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at
      RETURNING *`, [consent.identityKey, consent.granted, consent.source ?? null, consent.recordedBy, options.now.getTime()]);
    return toStoredConsent(rows[0]!);
  }

  async of(identityKeys: string[]): Promise<StoredConsent[]> {
    if (identityKeys.length === 0) return [];
    const { rows } = await this.#context.db().query<ConsentRow>('SELECT * FROM consents WHERE identity_key = ANY($1::text[])', [identityKeys]);
    // By key in code point order, as SQLite sorts.
    return rows.map(toStoredConsent).sort((a, b) => (a.identityKey < b.identityKey ? -1 : a.identityKey > b.identityKey ? 1 : 0));
  }

  async forget(identityKeys: string[]): Promise<number> {
    if (identityKeys.length === 0) return 0;
    return (await this.#context.db().query('DELETE FROM consents WHERE identity_key = ANY($1::text[])', [identityKeys])).rowCount ?? 0;
  }
}
