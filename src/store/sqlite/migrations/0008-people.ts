/**
 * People (issue 20 part 4): every identity seen, the person it belongs to, the links between
 * identities (evidence, confidence, state, who decided), the indexer's cursor over events, and the
 * identities whose persona's CRM parent must move (their person's primary changed). The `*_lc`
 * columns are the lower-cased values searches and the linking rules compare (people-store.ts `normalized`).
 */
export const sql = `
CREATE TABLE persons (
  seq          INTEGER PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  primary_key  TEXT NOT NULL,              -- the identity the others' CRM parents follow
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);

CREATE TABLE identities (
  seq            INTEGER PRIMARY KEY,      -- first seen order
  key            TEXT NOT NULL UNIQUE,     -- network:userId
  network        TEXT NOT NULL,
  user_id        TEXT NOT NULL,
  handle         TEXT,
  handle_lc      TEXT,
  display_name   TEXT,
  name_lc        TEXT,
  email          TEXT,
  email_lc       TEXT,
  email_verified INTEGER NOT NULL DEFAULT 0,
  location       TEXT,
  location_lc    TEXT,
  profile_url    TEXT,
  mentions       TEXT NOT NULL DEFAULT '[]', -- JSON: handles the profile's address or bio names
  event_id       TEXT,                     -- the newest identity event with a full profile
  observed_at    INTEGER NOT NULL,         -- that profile's observedAt (a newer one wins)
  first_seen     INTEGER NOT NULL,
  last_seen      INTEGER NOT NULL,
  person_id      TEXT NOT NULL
);
CREATE INDEX identities_by_person ON identities (person_id, seq);
CREATE INDEX identities_by_email ON identities (email_lc) WHERE email_lc IS NOT NULL;
CREATE INDEX identities_by_name ON identities (name_lc, location_lc) WHERE name_lc IS NOT NULL;
CREATE INDEX identities_by_handle ON identities (handle_lc) WHERE handle_lc IS NOT NULL;

-- Who names which handle (cross-link evidence, looked up from the named side).
CREATE TABLE identity_mentions (
  handle_lc     TEXT NOT NULL,
  identity_key  TEXT NOT NULL,
  PRIMARY KEY (handle_lc, identity_key)
) WITHOUT ROWID;
CREATE INDEX identity_mentions_by_identity ON identity_mentions (identity_key);

-- A pair of identities (key_a < key_b): linked, waiting for review, or rejected (an unmerge).
CREATE TABLE identity_links (
  seq          INTEGER PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  key_a        TEXT NOT NULL,
  key_b        TEXT NOT NULL,
  evidence     TEXT NOT NULL,              -- JSON [{ kind, note? }]: kinds only, no personal data
  confidence   REAL NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('linked', 'review', 'rejected')),
  decided_by   TEXT,
  decided_at   INTEGER,
  created_at   INTEGER NOT NULL,
  UNIQUE (key_a, key_b)
);
CREATE INDEX identity_links_by_b ON identity_links (key_b);
CREATE INDEX identity_links_by_state ON identity_links (state, seq);

CREATE TABLE people_cursor (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seq  INTEGER NOT NULL                    -- the last event indexed
);

CREATE TABLE person_parent_changes (
  seq           INTEGER PRIMARY KEY,
  identity_key  TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);
`;
