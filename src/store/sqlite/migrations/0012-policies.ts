/**
 * Data-gathering policies: consent per identity (the latest answer wins), and the indexes that let
 * the retention job and provenance reads find rows without scanning the outbox: an event's
 * operations still queued, and a record's operations and link by its CRM id.
 */
export const sql = `
CREATE TABLE consents (
  identity_key  TEXT PRIMARY KEY,
  granted       INTEGER NOT NULL CHECK (granted IN (0, 1)),
  source        TEXT,
  recorded_by   TEXT NOT NULL,                 -- the API key's name
  recorded_at   INTEGER NOT NULL               -- epoch ms
) WITHOUT ROWID;

-- Partial: only queued operations, a small set, so planning and dispatch pay little for it.
CREATE INDEX operations_queued_by_event ON operations (event_id) WHERE state IN ('pending', 'leased');
CREATE INDEX operations_by_crm_id ON operations (destination, crm_id) WHERE crm_id IS NOT NULL;
CREATE INDEX links_by_crm_id ON links (destination, crm_id);
`;
