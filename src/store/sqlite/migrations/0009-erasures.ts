/**
 * Erasures: the audit of each request (no personal data), the suppression list of salted hashes
 * that refuses a late delivery of an erased person, the store's secrets (the salt), and the
 * deletes each erasure queued (`operations.erasure_id`).
 */
export const sql = `
ALTER TABLE operations ADD COLUMN erasure_id TEXT;
CREATE INDEX operations_by_erasure ON operations (erasure_id, state) WHERE erasure_id IS NOT NULL;

CREATE TABLE erasures (
  seq           INTEGER PRIMARY KEY,
  id            TEXT NOT NULL UNIQUE,
  person_id     TEXT NOT NULL,
  requested_by  TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('running', 'done')),
  requested_at  INTEGER NOT NULL,
  finished_at   INTEGER,
  identities    INTEGER NOT NULL,
  purge         TEXT NOT NULL,               -- JSON { destination: 'hard' | 'soft' }
  removed       TEXT NOT NULL                -- JSON { events, deliveries, deadLetters, operations }
);

CREATE TABLE erased_hashes (
  hash       TEXT PRIMARY KEY,               -- HMAC-SHA256 (hex) under the store's salt
  erased_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE store_secrets (
  name   TEXT PRIMARY KEY,
  value  TEXT NOT NULL
) WITHOUT ROWID;
`;
