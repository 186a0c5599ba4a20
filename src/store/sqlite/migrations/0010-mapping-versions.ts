/**
 * Mapping versions: every version of every mapping, append-only (who, when, the text as given),
 * and the version that made each operation (`operations.mapping_version`; NULL for operations
 * made before versions were kept, and for those no mapping made).
 */
export const sql = `
ALTER TABLE operations ADD COLUMN mapping_version INTEGER;

CREATE TABLE mapping_versions (
  seq         INTEGER PRIMARY KEY,
  mapping_id  TEXT NOT NULL,
  version     INTEGER NOT NULL CHECK (version >= 1),
  body        TEXT,                              -- NULL on a deletion
  format      TEXT NOT NULL CHECK (format IN ('yaml', 'json')),
  deleted     INTEGER NOT NULL CHECK (deleted IN (0, 1)),
  author      TEXT NOT NULL,                     -- the API key's name, or file:<path>
  origin      TEXT NOT NULL CHECK (origin IN ('file', 'api')),
  digest      TEXT NOT NULL,                     -- sha256 hex of body, '' when deleted
  created_at  INTEGER NOT NULL,
  -- Two saves of one id cannot both take the same number: the second fails, or conflicts.
  UNIQUE (mapping_id, version)
);
`;
