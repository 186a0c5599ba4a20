/**
 * When the current lease's write went out to the CRM (epoch ms), NULL while it has not: set just
 * before the call, cleared by the next lease. A lease taken over from a dead dispatcher (or given
 * back at start-up or stop) is looked up before being written again only when this is set: an
 * operation claimed but never sent cannot be in the CRM, so it is simply sent.
 */
export const sql = `
ALTER TABLE operations ADD COLUMN sent_at INTEGER;
`;
