/**
 * The request headers a source keeps with each delivery (`keptHeaders`, e.g. Standard Webhooks'
 * `webhook-id`), as a JSON object; NULL when it keeps none.
 */
export const sql = `
ALTER TABLE deliveries ADD COLUMN headers TEXT;
`;
