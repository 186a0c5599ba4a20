/**
 * Consent as the store keeps it: per identity (`network:userId`), the latest answer wins. What a
 * missing answer means is the policy's (`policies.consent.default`), not the store's.
 */

export interface StoredConsent {
  identityKey: string;
  granted: boolean;
  /** Where the answer came from, as the caller says (`web-form`, `support-ticket-123`). */
  source?: string;
  /** The API key's name that recorded it. */
  recordedBy: string;
  /** ISO 8601. */
  recordedAt: string;
}

export type NewConsent = Omit<StoredConsent, 'recordedAt'>;

export interface ConsentStore {
  /** Records an identity's answer, replacing an earlier one, dated `now`. */
  record(consent: NewConsent, options: { now: Date }): Promise<StoredConsent>;
  /** The recorded answers of these identities (none for one without an answer). */
  of(identityKeys: string[]): Promise<StoredConsent[]>;
  /** Forgets these identities' answers (an erasure). @returns how many */
  forget(identityKeys: string[]): Promise<number>;
}
