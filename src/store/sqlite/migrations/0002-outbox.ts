/** The outbox: operations planned from events, the CRM ids of what was written, and erasures. */
export const sql = `
-- One CRM write each, planned from one event by one mapping; delivered by the dispatcher.
CREATE TABLE operations (
  seq             INTEGER PRIMARY KEY,       -- plan order: the dispatcher keeps it per ordering key
  id              TEXT NOT NULL UNIQUE,
  event_id        TEXT NOT NULL,
  mapping_id      TEXT NOT NULL,
  destination     TEXT NOT NULL,
  object          TEXT NOT NULL,
  operation       TEXT NOT NULL CHECK (operation IN ('create', 'update', 'upsert', 'delete')),
  match_key       TEXT,
  match_value     TEXT,
  record_key      TEXT,                      -- the record's key among links
  ordering_key    TEXT NOT NULL,             -- one identity at one destination
  fields          TEXT NOT NULL,             -- JSON
  refs            TEXT NOT NULL,             -- JSON [{ field, object, key }]
  state           TEXT NOT NULL CHECK (state IN ('pending', 'leased', 'done', 'dead', 'superseded')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,          -- epoch ms
  lease_owner     TEXT,
  lease_until     INTEGER,
  outcome_unknown INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,                      -- JSON
  crm_id          TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX operations_due ON operations (destination, state, next_attempt_at);
CREATE INDEX operations_by_record ON operations (destination, object, record_key, state);
CREATE INDEX operations_by_ordering ON operations (destination, ordering_key, state, seq);

-- Every delivery attempt of an operation, with its classified outcome (for dead letters and replays).
CREATE TABLE operation_attempts (
  operation_id TEXT NOT NULL,
  attempt      INTEGER NOT NULL,
  at           INTEGER NOT NULL,
  outcome      TEXT NOT NULL,               -- done, retryable, rate-limited, permanent
  error        TEXT,                        -- JSON: the vendor's code, message, fields
  PRIMARY KEY (operation_id, attempt)
) WITHOUT ROWID;

-- Fields written without their reference (bind: later), to set once the referenced record is written.
CREATE TABLE pending_bindings (
  destination   TEXT NOT NULL,
  ref_object    TEXT NOT NULL,
  ref_key       TEXT NOT NULL,
  operation_id  TEXT NOT NULL,               -- the operation that went without it
  field         TEXT NOT NULL,
  PRIMARY KEY (destination, ref_object, ref_key, operation_id, field)
) WITHOUT ROWID;

-- Dead letters of operations that went dead (stage 'delivery'), and when one was replayed.
ALTER TABLE dead_letters ADD COLUMN operation_id TEXT;
ALTER TABLE dead_letters ADD COLUMN replayed_at INTEGER;
CREATE INDEX dead_letters_by_operation ON dead_letters (operation_id) WHERE operation_id IS NOT NULL;

-- Answers of replay requests by Idempotency-Key, so a retried request does not replay twice.
CREATE TABLE idempotency_keys (
  scope       TEXT NOT NULL,
  key         TEXT NOT NULL,
  response    TEXT NOT NULL,               -- JSON
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;

-- What Parley wrote: a record's key at a destination → the CRM's id for it.
CREATE TABLE links (
  destination TEXT NOT NULL,
  object      TEXT NOT NULL,
  record_key  TEXT NOT NULL,
  crm_id      TEXT NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (destination, object, record_key)
) WITHOUT ROWID;

-- Records erased at the source: never written again, whatever arrives later.
CREATE TABLE tombstones (
  destination TEXT NOT NULL,
  object      TEXT NOT NULL,
  record_key  TEXT NOT NULL,
  erased_at   INTEGER NOT NULL,
  PRIMARY KEY (destination, object, record_key)
) WITHOUT ROWID;
`;
