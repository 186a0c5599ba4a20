/**
 * Instances sharing the store, each with its last heartbeat: a survivor gives back the leases of one
 * gone silent (Store.reapInstances). An embedded store has one process, but keeps the same record
 * so `GET /v1/instances`-style views and the contract read the same everywhere.
 */
export const sql = `
CREATE TABLE instances (
  instance   TEXT PRIMARY KEY,
  roles      TEXT NOT NULL,              -- JSON array: intake, planner, dispatcher
  last_seen  INTEGER NOT NULL            -- epoch ms
) WITHOUT ROWID;
`;
