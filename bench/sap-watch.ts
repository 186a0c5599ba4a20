// The SAP C4C counterpart of test/helpers/freshness.ts's watchPosts: when each tweet's social media
// activity became readable in C4C, read as an integration reads it, an OData v2 query of
// SocialMediaActivityCollection (../shared/reference/sap-c4c.md §2, "Query options").
import { pollPosts, type PostWatch } from '../test/helpers/freshness.ts';

/** The c4codataapi service root below the sandbox's mount (reference §1). */
const SERVICE_PATH = '/sap/c4c/odata/v1/c4codataapi/';
/** The demo user every CRM sandbox accepts (connectors/sap-c4c/sandbox/config.ts). */
const BASIC = `Basic ${Buffer.from('parley-demo:parley-demo-secret').toString('base64')}`;
/** Ids per query: the connector's own look-up size (connectors/sap-c4c/lookup.ts MAX_LOOKUP_VALUES). */
const PER_QUERY = 100;

/**
 * Queries the SAP C4C sandbox mounted at `sandboxUrl` (`…/sandbox/sap-c4c`) every `pollMs`
 * (default 100) for the expected SocialMediaMessageIDs not seen yet, `$filter` with `eq` clauses
 * joined by `or`, 100 ids per GET (no `$top`: fewer than a page of rows can answer). A query that
 * fails counts as "not yet". Reads only: no CSRF token is needed (reference §1).
 */
export function watchActivities(sandboxUrl: string, pollMs = 100): PostWatch {
  const root = `${sandboxUrl.replace(/\/+$/, '')}${SERVICE_PATH}`;
  const query = async (ids: readonly string[]): Promise<string[]> => {
    const filter = ids.map((id) => `SocialMediaMessageID eq '${id.replace(/'/g, "''")}'`).join(' or ');
    const url = `${root}SocialMediaActivityCollection?$filter=${encodeURIComponent(filter)}&$select=SocialMediaMessageID`;
    const response = await fetch(url, { headers: { authorization: BASIC, accept: 'application/json' } }).catch(() => undefined);
    if (response?.status !== 200) return [];
    const body = await response.json() as { d?: { results?: Array<{ SocialMediaMessageID?: unknown }> } };
    return (body.d?.results ?? []).flatMap((row) => (typeof row.SocialMediaMessageID === 'string' ? [row.SocialMediaMessageID] : []));
  };
  return pollPosts(query, { pollMs, perQuery: PER_QUERY });
}
