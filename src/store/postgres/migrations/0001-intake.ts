/**
 * Intake: deliveries as received, canonical events, the dedup window and dead letters. Same tables
 * and meaning as the SQLite store's migrations 1, 3 and 5; times are epoch ms (BIGINT), JSON is
 * kept as TEXT byte for byte (cast to jsonb only where a query reads inside it).
 */
export const sql = `
-- Verified deliveries. seq orders them but is not commit order: with several instances appending,
-- a lower seq can commit after a higher one was derived. So each delivery is marked derived
-- (derived_at) instead of a cursor that could skip one forever.
CREATE TABLE deliveries (
  seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id            TEXT NOT NULL,
  source        TEXT NOT NULL,
  received_at   BIGINT NOT NULL,             -- epoch ms
  content_type  TEXT NOT NULL,
  body          BYTEA NOT NULL,
  headers       TEXT,                        -- JSON of the kept headers, NULL when none
  derived_at    BIGINT                       -- epoch ms; NULL while pending
);
CREATE INDEX deliveries_pending ON deliveries (seq) WHERE derived_at IS NULL;

CREATE TABLE events (
  seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id            TEXT NOT NULL UNIQUE,
  source        TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('identity', 'interaction', 'erasure')),
  event_key     TEXT NOT NULL,
  delivery_id   TEXT NOT NULL,
  received_at   BIGINT NOT NULL,
  data          TEXT NOT NULL,               -- canonical JSON
  planned_at    BIGINT
);
CREATE INDEX events_by_source_kind ON events (source, kind, seq);
CREATE INDEX events_unplanned ON events (seq) WHERE planned_at IS NULL;

-- The dedup window: one row per (source, key) first seen at seen_at; pruned after the window.
CREATE TABLE event_keys (
  source        TEXT NOT NULL,
  event_key     TEXT NOT NULL,
  seen_at       BIGINT NOT NULL,
  PRIMARY KEY (source, event_key)
);
CREATE INDEX event_keys_by_seen_at ON event_keys (seen_at);

CREATE TABLE dead_letters (
  seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id            TEXT NOT NULL UNIQUE,
  stage         TEXT NOT NULL,
  source        TEXT NOT NULL,
  delivery_id   TEXT NOT NULL,
  reason_code   TEXT NOT NULL,
  reason        TEXT NOT NULL,
  details       TEXT NOT NULL,               -- JSON
  content_type  TEXT NOT NULL,
  body          BYTEA NOT NULL,
  created_at    BIGINT NOT NULL,
  operation_id  TEXT,                        -- stage 'delivery': the dead operation
  replayed_at   BIGINT
);
CREATE INDEX dead_letters_by_source ON dead_letters (source, seq);
CREATE INDEX dead_letters_by_operation ON dead_letters (operation_id) WHERE operation_id IS NOT NULL;

-- Events whose mappings for one destination are still to run (its catalog not known yet).
CREATE TABLE deferred_plans (
  destination   TEXT NOT NULL,
  event_seq     BIGINT NOT NULL,
  event_id      TEXT NOT NULL,
  PRIMARY KEY (destination, event_seq)
);
CREATE INDEX deferred_plans_by_event ON deferred_plans (destination, event_id);
`;
