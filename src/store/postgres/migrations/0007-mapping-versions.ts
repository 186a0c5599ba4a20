/** Mapping versions, and the version that made each operation (SQLite's migration 10). */
export const sql = `
ALTER TABLE operations ADD COLUMN mapping_version INTEGER;

CREATE TABLE mapping_versions (
  seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  mapping_id  TEXT NOT NULL,
  version     INTEGER NOT NULL CHECK (version >= 1),
  body        TEXT,
  format      TEXT NOT NULL CHECK (format IN ('yaml', 'json')),
  deleted     BOOLEAN NOT NULL,
  author      TEXT NOT NULL,
  origin      TEXT NOT NULL CHECK (origin IN ('file', 'api')),
  digest      TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  UNIQUE (mapping_id, version)
);
`;
