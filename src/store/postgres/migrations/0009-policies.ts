/** Consent per identity, and the indexes of retention and provenance reads (SQLite's migration 12). */
export const sql = `
CREATE TABLE consents (
  identity_key  TEXT PRIMARY KEY,
  granted       BOOLEAN NOT NULL,
  source        TEXT,
  recorded_by   TEXT NOT NULL,
  recorded_at   BIGINT NOT NULL
);

CREATE INDEX operations_queued_by_event ON operations (event_id) WHERE state IN ('pending', 'leased');
CREATE INDEX operations_by_crm_id ON operations (destination, crm_id) WHERE crm_id IS NOT NULL;
CREATE INDEX links_by_crm_id ON links (destination, crm_id);
`;
