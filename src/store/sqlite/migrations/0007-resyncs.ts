/**
 * Resync jobs, and the operations each queued (`operations.resync_id`): a job's counts are the
 * outbox's own, a cancel withdraws exactly its operations, and the dispatcher claims live
 * operations (no job) before a job's. `events_by_subject` finds an identity's events for a job
 * scoped to it: the expression is `SUBJECT_SQL` (sqlite/resyncs.ts), which queries repeat exactly.
 */
export const sql = `
ALTER TABLE operations ADD COLUMN resync_id TEXT;
CREATE INDEX operations_by_resync ON operations (resync_id, state) WHERE resync_id IS NOT NULL;

CREATE TABLE resyncs (
  seq            INTEGER PRIMARY KEY,        -- list order
  id             TEXT NOT NULL UNIQUE,
  scope          TEXT NOT NULL,              -- JSON ResyncScope
  destinations   TEXT NOT NULL,              -- JSON array
  mode           TEXT NOT NULL CHECK (mode IN ('from-store', 'from-source')),
  requested_by   TEXT NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'cancelled', 'failed')),
  created_at     INTEGER NOT NULL,           -- epoch ms
  started_at     INTEGER,
  finished_at    INTEGER,
  events_done    INTEGER NOT NULL DEFAULT 0,
  events_total   INTEGER,
  planning_done  INTEGER NOT NULL DEFAULT 0,
  cursor         TEXT,
  lease_owner    TEXT,
  lease_until    INTEGER,
  error          TEXT                        -- JSON { code, message }
);
CREATE INDEX resyncs_claimable ON resyncs (state, seq);

-- A pulled item is looked up by its key among the stored events, whatever the dedup window kept.
CREATE INDEX events_by_key ON events (source, event_key);

CREATE INDEX events_by_subject ON events ((CASE kind
  WHEN 'identity' THEN json_extract(data, '$.key')
  WHEN 'interaction' THEN json_extract(data, '$.author.key')
  ELSE json_extract(data, '$.network') || ':' || json_extract(data, '$.subject.userId') END), seq);
`;
