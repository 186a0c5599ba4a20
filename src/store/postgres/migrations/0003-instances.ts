/** The instances sharing the store, as their last heartbeat left them: a survivor reaps one gone silent. */
export const sql = `
CREATE TABLE instances (
  instance   TEXT PRIMARY KEY,
  roles      TEXT NOT NULL,                 -- JSON array: intake, planner, dispatcher
  last_seen  BIGINT NOT NULL               -- epoch ms
);
`;
