/**
 * Events whose mappings for one destination are still to run: planning goes ahead for the
 * destinations whose catalog is known and defers the others (a CRM never reached yet), so one CRM
 * down at first start does not hold back the rest. Run in event order once the catalog arrives.
 */
export const sql = `
CREATE TABLE deferred_plans (
  destination   TEXT NOT NULL,
  event_seq     INTEGER NOT NULL,
  event_id      TEXT NOT NULL,
  PRIMARY KEY (destination, event_seq)
) WITHOUT ROWID;
`;
