import { PayloadError, type PullHttpRequest, type PullPageRequest } from '../../../src/connectors/index.ts';
import type { GraphPullSettings } from './config.ts';
import { WALK_FEED_LIMIT, decodeWalk } from './comments-walk.ts';
import type { GraphNetwork } from './network.ts';

/** Epoch seconds, the Graph API's `since`/`until` (inclusive bounds: `since` rounds down, `until` up). */
function unix(date: Date, up: boolean): string {
  return String(up ? Math.ceil(date.getTime() / 1000) : Math.floor(date.getTime() / 1000));
}

/** Which call a page of a kind is: the account's list (posts, or the walk's parent ids) or one parent's comments. */
export type GraphCall = { list: 'parents'; after?: string } | { list: 'children'; parent: string; after?: string };

/**
 * The call a page stands for.
 * @throws PayloadError when a `comments` token is not a walk's (a cursor tampered with)
 */
export function callOf(page: PullPageRequest): GraphCall {
  if (page.kind === 'posts') return { list: 'parents', ...(page.pageToken ? { after: page.pageToken } : {}) };
  const walk = decodeWalk(page.pageToken);
  if (!walk) throw new PayloadError('the comments walk\'s token is not one this pull issued', 'pageToken');
  const parent = walk.parents[0];
  if (parent !== undefined) return { list: 'children', parent, ...(walk.commentsAfter ? { after: walk.commentsAfter } : {}) };
  return { list: 'parents', ...(walk.feedAfter ? { after: walk.feedAfter } : {}) };
}

/**
 * Whose list a page reads, and whose items it keeps. A Page's or IG account's items can be read;
 * a person's own feed cannot (a Page token reads its Page). So a pull whose subject is the
 * configured account reads it whole; a pull of another id, when an account is configured, reads the
 * account's items and keeps that person's (`person`); without a configured account, the subject is
 * taken as the account.
 */
export function subjectOf(page: PullPageRequest, settings: GraphPullSettings): { account: string | undefined; person?: string } {
  const id = page.subject.userId;
  if (settings.account === undefined || id === undefined || id === settings.account) return { account: id ?? settings.account };
  return { account: settings.account, person: id };
}

/** The oldest parent whose comments a walk reads: the range's start, less the lookback. */
export function walkCutoff(page: PullPageRequest, settings: GraphPullSettings): Date | undefined {
  return page.since ? new Date(page.since.getTime() - settings.commentsLookbackDays * 86_400_000) : undefined;
}

/**
 * The Graph API call for one page, with the access token as a bearer header (never in the URL,
 * which a proxy or a log may keep):
 * The account is the subject's, or the configured one when the subject is a person (`subjectOf`).
 * - `posts`: GET /{version}/{account}/{parentEdge} with the network's post fields, `limit`,
 *   `since`/`until` from the range, `after` the previous page's cursor;
 * - `comments`: the walk (comments-walk.ts) — the parent list's ids and times (from the range's
 *   start less `commentsLookbackDays`), then GET /{version}/{parent}/{childEdge} for each.
 * The SDK gives connectors no way to raise the kit's PARLEY_PULL_BAD_REQUEST, so a request that
 * cannot be built throws a PayloadError (see the report's kit changes).
 * @throws PayloadError without an account id (a subject named by a handle only), or for a foreign walk token
 */
export function graphPageRequest(page: PullPageRequest, settings: GraphPullSettings, network: GraphNetwork, source: string): PullHttpRequest {
  const { account } = subjectOf(page, settings);
  if (!account) throw new PayloadError(`source "${source}" pulls an account by its id (the identity's user id, or the pull block's); a handle alone is not enough`, 'identity');
  const headers = { authorization: `Bearer ${settings.token}` };
  const base = `/${settings.apiVersion}`;
  const call = callOf(page);
  if (call.list === 'children') {
    return {
      method: 'GET', path: `${base}/${encodeURIComponent(call.parent)}/${network.childEdge}`, headers,
      query: { ...network.childQuery, limit: String(settings.pageSize), after: call.after },
    };
  }
  const walking = page.kind === 'comments';
  const since = walking ? walkCutoff(page, settings) : page.since;
  return {
    method: 'GET', path: `${base}/${encodeURIComponent(account)}/${network.parentEdge}`, headers,
    query: {
      fields: walking ? `id,${network.parentTime}` : network.postFields ?? 'id',
      limit: String(walking ? Math.min(settings.pageSize, WALK_FEED_LIMIT) : settings.pageSize),
      since: network.parentTimeRange && since ? unix(since, false) : undefined,
      until: network.parentTimeRange && page.until ? unix(page.until, true) : undefined,
      after: call.after,
    },
  };
}
