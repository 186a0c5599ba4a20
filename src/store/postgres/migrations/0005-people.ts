/** People: identities, persons, identity links, the indexer's cursor, parent changes (SQLite's migration 8, which explains each). */
export const sql = `
CREATE TABLE persons (
  seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  primary_key  TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL
);

CREATE TABLE identities (
  seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key            TEXT NOT NULL UNIQUE,
  network        TEXT NOT NULL,
  user_id        TEXT NOT NULL,
  handle         TEXT,
  handle_lc      TEXT,
  display_name   TEXT,
  name_lc        TEXT,
  email          TEXT,
  email_lc       TEXT,
  email_verified BOOLEAN NOT NULL DEFAULT false,
  location       TEXT,
  location_lc    TEXT,
  profile_url    TEXT,
  mentions       TEXT NOT NULL DEFAULT '[]',
  event_id       TEXT,
  observed_at    BIGINT NOT NULL,
  first_seen     BIGINT NOT NULL,
  last_seen      BIGINT NOT NULL,
  person_id      TEXT NOT NULL
);
CREATE INDEX identities_by_person ON identities (person_id, seq);
CREATE INDEX identities_by_email ON identities (email_lc) WHERE email_lc IS NOT NULL;
CREATE INDEX identities_by_name ON identities (name_lc, location_lc) WHERE name_lc IS NOT NULL;
CREATE INDEX identities_by_handle ON identities (handle_lc) WHERE handle_lc IS NOT NULL;

CREATE TABLE identity_mentions (
  handle_lc     TEXT NOT NULL,
  identity_key  TEXT NOT NULL,
  PRIMARY KEY (handle_lc, identity_key)
);
CREATE INDEX identity_mentions_by_identity ON identity_mentions (identity_key);

CREATE TABLE identity_links (
  seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  key_a        TEXT NOT NULL,
  key_b        TEXT NOT NULL,
  evidence     TEXT NOT NULL,
  confidence   DOUBLE PRECISION NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('linked', 'review', 'rejected')),
  decided_by   TEXT,
  decided_at   BIGINT,
  created_at   BIGINT NOT NULL,
  UNIQUE (key_a, key_b)
);
CREATE INDEX identity_links_by_b ON identity_links (key_b);
CREATE INDEX identity_links_by_state ON identity_links (state, seq);

CREATE TABLE people_cursor (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seq  BIGINT NOT NULL
);

CREATE TABLE person_parent_changes (
  seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  identity_key  TEXT NOT NULL,
  created_at    BIGINT NOT NULL
);
`;
