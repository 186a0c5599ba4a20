/** Intake: deliveries, canonical events, the dedup window and dead letters. */
export const sql = `
CREATE TABLE deliveries (
  id            TEXT PRIMARY KEY,
  source        TEXT NOT NULL,
  received_at   INTEGER NOT NULL,            -- epoch ms
  content_type  TEXT NOT NULL,
  body          BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE events (
  seq           INTEGER PRIMARY KEY,         -- list order and cursor
  id            TEXT NOT NULL UNIQUE,
  source        TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('identity', 'interaction', 'erasure')),
  event_key     TEXT NOT NULL,
  delivery_id   TEXT NOT NULL,
  received_at   INTEGER NOT NULL,            -- epoch ms
  data          TEXT NOT NULL,               -- canonical JSON
  planned_at    INTEGER                      -- set by the planner
);
CREATE INDEX events_by_source_kind ON events (source, kind, seq);
CREATE INDEX events_unplanned ON events (seq) WHERE planned_at IS NULL;

-- The dedup window: one row per (source, key) first seen at seen_at; pruned after the window.
CREATE TABLE event_keys (
  source        TEXT NOT NULL,
  event_key     TEXT NOT NULL,
  seen_at       INTEGER NOT NULL,
  PRIMARY KEY (source, event_key)
) WITHOUT ROWID;
CREATE INDEX event_keys_by_seen_at ON event_keys (seen_at);

CREATE TABLE dead_letters (
  seq           INTEGER PRIMARY KEY,
  id            TEXT NOT NULL UNIQUE,
  stage         TEXT NOT NULL,
  source        TEXT NOT NULL,
  delivery_id   TEXT NOT NULL,
  reason_code   TEXT NOT NULL,
  reason        TEXT NOT NULL,
  details       TEXT NOT NULL,
  content_type  TEXT NOT NULL,
  body          BLOB NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE INDEX dead_letters_by_source ON dead_letters (source, seq);
`;
