/** Resync jobs and the operations each queued (SQLite's migration 7). `events_by_subject` is `SUBJECT_SQL` of postgres/resyncs.ts. */
export const sql = `
ALTER TABLE operations ADD COLUMN resync_id TEXT;
CREATE INDEX operations_by_resync ON operations (resync_id, state) WHERE resync_id IS NOT NULL;

CREATE TABLE resyncs (
  seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id             TEXT NOT NULL UNIQUE,
  scope          TEXT NOT NULL,
  destinations   TEXT NOT NULL,
  mode           TEXT NOT NULL CHECK (mode IN ('from-store', 'from-source')),
  requested_by   TEXT NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'cancelled', 'failed')),
  created_at     BIGINT NOT NULL,
  started_at     BIGINT,
  finished_at    BIGINT,
  events_done    BIGINT NOT NULL DEFAULT 0,
  events_total   BIGINT,
  planning_done  BOOLEAN NOT NULL DEFAULT false,
  cursor         TEXT,
  lease_owner    TEXT,
  lease_until    BIGINT,
  error          TEXT
);
CREATE INDEX resyncs_claimable ON resyncs (state, seq);

-- A pulled item is looked up by its key among the stored events, whatever the dedup window kept.
CREATE INDEX events_by_key ON events (source, event_key);

CREATE INDEX events_by_subject ON events ((CASE kind
  WHEN 'identity' THEN data::jsonb ->> 'key'
  WHEN 'interaction' THEN data::jsonb -> 'author' ->> 'key'
  ELSE (data::jsonb ->> 'network') || ':' || (data::jsonb -> 'subject' ->> 'userId') END), seq);
`;
