/** Erasures, the suppression list, the store's secrets (SQLite's migration 9). */
export const sql = `
ALTER TABLE operations ADD COLUMN erasure_id TEXT;
CREATE INDEX operations_by_erasure ON operations (erasure_id, state) WHERE erasure_id IS NOT NULL;

CREATE TABLE erasures (
  seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id            TEXT NOT NULL UNIQUE,
  person_id     TEXT NOT NULL,
  requested_by  TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('running', 'done')),
  requested_at  BIGINT NOT NULL,
  finished_at   BIGINT,
  identities    INTEGER NOT NULL,
  purge         TEXT NOT NULL,
  removed       TEXT NOT NULL
);

CREATE TABLE erased_hashes (
  hash       TEXT PRIMARY KEY,
  erased_at  BIGINT NOT NULL
);

CREATE TABLE store_secrets (
  name   TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);
`;
