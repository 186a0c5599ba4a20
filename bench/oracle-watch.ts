// The Oracle CX counterpart of test/helpers/freshness.ts's watchPosts and bench/sap-watch.ts: when
// each tweet's social post became readable in Oracle, read as an integration reads it, a REST `q`
// query of socialPosts (../shared/reference/oracle-cx.md §2, "Query parameters"). Written apart from
// the connector's own look-up (connectors/oracle-cx/query.ts) on purpose: the watcher checks what the
// connector wrote, so it does not share its code.
import { pollPosts, type PostWatch } from '../test/helpers/freshness.ts';

/** The version root below the sandbox's mount (reference §1; connectors/oracle-cx/sandbox/plugin.ts VERSION_ROOT). */
const VERSION_ROOT = '/crmRestApi/resources/11.13.18.05/';
/** The demo user every CRM sandbox accepts (connectors/oracle-cx/sandbox/config.ts). */
const BASIC = `Basic ${Buffer.from('parley-demo:parley-demo-secret').toString('base64')}`;
/** Ids per query: the connector's own look-up size (connectors/oracle-cx/definition.ts maxLookupValues). */
const PER_QUERY = 100;
/** Items per page: the most Oracle answers in practice (reference §2), more than PER_QUERY anyway. */
const PAGE = 500;

/**
 * Queries the Oracle CX sandbox mounted at `sandboxUrl` (`…/sandbox/oracle-cx`) every `pollMs`
 * (default 100) for the expected SourcePostIdPrimary values not seen yet: `q=SourcePostIdPrimary IN
 * ('…',…)` under `REST-Framework-Version: 4` (the `IN` expression needs version 2 or later, §2),
 * `onlyData=true&fields=SourcePostIdPrimary`, 100 ids per query, following `hasMore` with `offset`.
 * A query that fails counts as "not yet" (pollPosts' contract: answer [] rather than reject).
 */
export function watchSocialPosts(sandboxUrl: string, pollMs = 100): PostWatch {
  const collection = `${sandboxUrl.replace(/\/+$/, '')}${VERSION_ROOT}socialPosts`;
  const query = async (ids: readonly string[]): Promise<string[]> => {
    // Strings in single quotes, a quote doubled (§2); tweet ids are digits, but the rule costs nothing.
    const q = `SourcePostIdPrimary IN (${ids.map((id) => `'${id.replace(/'/g, "''")}'`).join(',')})`;
    const found: string[] = [];
    for (let offset = 0; ;) {
      const url = `${collection}?q=${encodeURIComponent(q)}&onlyData=true&fields=SourcePostIdPrimary&limit=${PAGE}${offset > 0 ? `&offset=${offset}` : ''}`;
      const response = await fetch(url, { headers: { authorization: BASIC, accept: 'application/json', 'rest-framework-version': '4' } }).catch(() => undefined);
      if (response?.status !== 200) return found;
      const page = await response.json() as { items?: Array<{ SourcePostIdPrimary?: unknown }>; hasMore?: unknown };
      const items = page.items ?? [];
      for (const item of items) if (typeof item.SourcePostIdPrimary === 'string') found.push(item.SourcePostIdPrimary);
      if (page.hasMore !== true || items.length === 0) return found;
      offset += items.length;
    }
  };
  return pollPosts(query, { pollMs, perQuery: PER_QUERY });
}
