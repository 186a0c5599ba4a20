/** Crisis incidents, the engine's windows and its cursor (SQLite's migration 11 says why the cursor starts at the newest event). */
export const sql = `
CREATE TABLE incidents (
  seq               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id                TEXT NOT NULL UNIQUE,
  rule_id           TEXT NOT NULL,
  group_key         TEXT NOT NULL,
  state             TEXT NOT NULL CHECK (state IN ('open', 'closed')),
  window_text       TEXT NOT NULL,
  opened_at         BIGINT NOT NULL,
  closed_at         BIGINT,
  opened_count      INTEGER NOT NULL,
  peak_count        INTEGER NOT NULL,
  linked            INTEGER NOT NULL,
  trigger_event_id  TEXT NOT NULL,
  alert_open        TEXT NOT NULL CHECK (alert_open IN ('none', 'pending', 'sent')),
  alert_close       TEXT NOT NULL CHECK (alert_close IN ('none', 'pending', 'sent')),
  alert_attempts    INTEGER NOT NULL DEFAULT 0,
  alert_next_at     BIGINT,
  alert_error       TEXT,
  updated_at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX incidents_one_open ON incidents (rule_id, group_key) WHERE state = 'open';
CREATE INDEX incidents_alerts_due ON incidents (alert_next_at) WHERE alert_open = 'pending' OR alert_close = 'pending';

CREATE TABLE incident_windows (
  rule_id    TEXT NOT NULL,
  group_key  TEXT NOT NULL,
  state      TEXT NOT NULL,
  PRIMARY KEY (rule_id, group_key)
);

CREATE TABLE incident_cursor (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  seq      BIGINT NOT NULL,
  version  BIGINT NOT NULL
);
INSERT INTO incident_cursor (id, seq, version) SELECT 1, COALESCE(MAX(seq), 0), 0 FROM events;
`;
