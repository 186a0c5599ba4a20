/** Intake: deliveries as received, canonical events, the dedup window and dead letters. */
export const sql = `
-- Verified deliveries, appended on the hot path with no index but the rowid: every index here
-- would be paid for by every webhook before its 200.
CREATE TABLE deliveries (
  seq           INTEGER PRIMARY KEY,         -- commit order; the derive cursor points into it
  id            TEXT NOT NULL,
  source        TEXT NOT NULL,
  received_at   INTEGER NOT NULL,            -- epoch ms
  content_type  TEXT NOT NULL,
  body          BLOB NOT NULL
);

-- How far derivation (deliveries -> events) has got: every delivery with seq <= last_seq is derived.
CREATE TABLE derive_cursor (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  last_seq      INTEGER NOT NULL
);
INSERT INTO derive_cursor (id, last_seq) VALUES (1, 0);

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
