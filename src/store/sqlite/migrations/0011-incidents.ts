/**
 * Crisis incidents (src/rules/): the incidents a crisis rule opened, the engine's window per
 * (rule, group), and its cursor over events. The cursor starts at the newest event stored when
 * the migration runs: rules watch what arrives from then on, and a burst long past in the history
 * of an existing install opens nothing (preview shows what a rule makes of past events).
 */
export const sql = `
CREATE TABLE incidents (
  seq               INTEGER PRIMARY KEY,
  id                TEXT NOT NULL UNIQUE,
  rule_id           TEXT NOT NULL,
  group_key         TEXT NOT NULL,                 -- '' when the rule has no groupBy
  state             TEXT NOT NULL CHECK (state IN ('open', 'closed')),
  window_text       TEXT NOT NULL,                 -- the rule's window as written (10m)
  opened_at         INTEGER NOT NULL,
  closed_at         INTEGER,
  opened_count      INTEGER NOT NULL,
  peak_count        INTEGER NOT NULL,
  linked            INTEGER NOT NULL,
  trigger_event_id  TEXT NOT NULL,
  alert_open        TEXT NOT NULL CHECK (alert_open IN ('none', 'pending', 'sent')),
  alert_close       TEXT NOT NULL CHECK (alert_close IN ('none', 'pending', 'sent')),
  alert_attempts    INTEGER NOT NULL DEFAULT 0,
  alert_next_at     INTEGER,
  alert_error       TEXT,
  updated_at        INTEGER NOT NULL
);
-- At most one open incident per (rule, group): the guard behind "exactly one parent Case".
CREATE UNIQUE INDEX incidents_one_open ON incidents (rule_id, group_key) WHERE state = 'open';
CREATE INDEX incidents_alerts_due ON incidents (alert_next_at) WHERE alert_open = 'pending' OR alert_close = 'pending';

CREATE TABLE incident_windows (
  rule_id    TEXT NOT NULL,
  group_key  TEXT NOT NULL,
  state      TEXT NOT NULL,                        -- the engine's JSON (src/rules/window.ts)
  PRIMARY KEY (rule_id, group_key)
);

CREATE TABLE incident_cursor (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  seq      INTEGER NOT NULL,                       -- the last event the engine read
  version  INTEGER NOT NULL                        -- one more with every step committed, events or not
);
INSERT INTO incident_cursor (id, seq, version) SELECT 1, COALESCE(MAX(seq), 0), 0 FROM events;
`;
