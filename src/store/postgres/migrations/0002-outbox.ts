/** The outbox: operations planned from events, their attempts, the CRM ids of what was written, and erasures (SQLite's migrations 2 and 4). */
export const sql = `
-- One CRM write each, planned from one event by one mapping; delivered by the dispatcher.
CREATE TABLE operations (
  seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- plan order, kept per ordering key
  id              TEXT NOT NULL UNIQUE,
  event_id        TEXT NOT NULL,
  mapping_id      TEXT NOT NULL,
  destination     TEXT NOT NULL,
  object          TEXT NOT NULL,
  operation       TEXT NOT NULL CHECK (operation IN ('create', 'update', 'upsert', 'delete')),
  match_key       TEXT,
  match_value     TEXT,
  record_key      TEXT,
  ordering_key    TEXT NOT NULL,
  fields          TEXT NOT NULL,             -- JSON
  refs            TEXT NOT NULL,             -- JSON [{ field, object, key, bind }]
  state           TEXT NOT NULL CHECK (state IN ('pending', 'leased', 'done', 'dead', 'superseded')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,           -- epoch ms
  lease_owner     TEXT,
  lease_until     BIGINT,
  outcome_unknown BOOLEAN NOT NULL DEFAULT FALSE,
  sent_at         BIGINT,                    -- when the current lease's write went out; NULL until then
  last_error      TEXT,                      -- JSON
  crm_id          TEXT,
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL
);
CREATE INDEX operations_due ON operations (destination, state, next_attempt_at);
CREATE INDEX operations_by_record ON operations (destination, object, record_key, state);
CREATE INDEX operations_by_ordering ON operations (destination, ordering_key, state, seq);
-- releaseLeases and reapInstances run on every stop and every reap: find an owner's leases without a scan.
CREATE INDEX operations_leased_by_owner ON operations (lease_owner) WHERE state = 'leased';

CREATE TABLE operation_attempts (
  operation_id TEXT NOT NULL,
  attempt      INTEGER NOT NULL,
  at           BIGINT NOT NULL,
  outcome      TEXT NOT NULL,               -- done, retryable, rate-limited, permanent
  error        TEXT,                        -- JSON
  PRIMARY KEY (operation_id, attempt)
);

-- Fields written without their reference (bind: later), to set once the referenced record is written.
CREATE TABLE pending_bindings (
  destination   TEXT NOT NULL,
  ref_object    TEXT NOT NULL,
  ref_key       TEXT NOT NULL,
  operation_id  TEXT NOT NULL,
  field         TEXT NOT NULL,
  PRIMARY KEY (destination, ref_object, ref_key, operation_id, field)
);

-- Answers of replay requests by Idempotency-Key, so a retried request does not replay twice.
CREATE TABLE idempotency_keys (
  scope       TEXT NOT NULL,
  key         TEXT NOT NULL,
  response    TEXT NOT NULL,               -- JSON
  created_at  BIGINT NOT NULL,
  PRIMARY KEY (scope, key)
);

-- What Parley wrote: a record's key at a destination -> the CRM's id for it.
CREATE TABLE links (
  destination TEXT NOT NULL,
  object      TEXT NOT NULL,
  record_key  TEXT NOT NULL,
  crm_id      TEXT NOT NULL,
  updated_at  BIGINT NOT NULL,
  PRIMARY KEY (destination, object, record_key)
);

-- Records erased at the source: never written again, whatever arrives later.
CREATE TABLE tombstones (
  destination TEXT NOT NULL,
  object      TEXT NOT NULL,
  record_key  TEXT NOT NULL,
  erased_at   BIGINT NOT NULL,
  PRIMARY KEY (destination, object, record_key)
);

-- The outbox churns (every operation is inserted, leased, settled): statistics refreshed after 2 %
-- of it changed rather than PostgreSQL's 10 %, and dead rows vacuumed sooner, so claims keep their
-- index plans while a backlog builds up and drains.
ALTER TABLE operations SET (autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_scale_factor = 0.05);
`;
