import { PayloadError, type ParsedEvent, type PullAnswer, type PullPage, type PullPageRequest } from '../../../src/connectors/index.ts';
import type { GraphPullSettings } from './config.ts';
import { decodeWalk, nextWalk, type Walk } from './comments-walk.ts';
import type { GraphItemsContext, GraphNetwork } from './network.ts';
import { subjectOf, walkCutoff } from './request.ts';

/** A Graph API list (`{data: [...], paging: {cursors: {after}, next?}}`): its items and the cursor of the next page, absent on the last. */
function list(answer: PullAnswer, what: string): { items: unknown[]; after?: string } {
  const body = answer.body as { data?: unknown; paging?: { cursors?: { after?: unknown }; next?: unknown } } | undefined;
  if (typeof body !== 'object' || body === null || !Array.isArray(body.data)) throw new PayloadError(`the Graph API answered ${what} without a data list`, 'data');
  // "Don't rely on the number of results being fewer than the limit": only `next` says more follow
  // (developers.facebook.com/docs/graph-api/results).
  const after = typeof body.paging?.next === 'string' && typeof body.paging.cursors?.after === 'string' ? body.paging.cursors.after : undefined;
  return { items: body.data, ...(after ? { after } : {}) };
}

/** Epoch ms of a Graph time (`2017-03-29T21:45:55+0000`), or NaN. */
function msOf(time: unknown): number {
  return typeof time === 'string' ? Date.parse(time) : Number.NaN;
}

/** The range test readers get: inclusive bounds; an item without a readable time is kept. */
function rangeOf(page: PullPageRequest): (time: unknown) => boolean {
  return (time) => {
    const at = msOf(time);
    if (Number.isNaN(at)) return true;
    return (!page.since || at >= page.since.getTime()) && (!page.until || at <= page.until.getTime());
  };
}

/** A person's part of a page's events: the interactions they authored and their identities. */
function byPerson(events: ParsedEvent[], person: string | undefined): ParsedEvent[] {
  if (person === undefined) return events;
  return events.filter((event) => (event.data.kind === 'identity' ? event.data.userId === person
    : event.data.kind === 'interaction' && event.data.author?.userId === person));
}

/** A walk step over the parent list: the ids of parents new enough (the list is newest first: an older one ends it). */
function readParents(answer: PullAnswer, network: GraphNetwork, cutoff: Date | undefined): PullPage {
  const { items, after } = list(answer, `an account's ${network.parentEdge}`);
  const parents: string[] = [];
  let older = false;
  items.forEach((item, index) => {
    const record = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const id = record.id;
    if (typeof id !== 'string' || !/^[0-9_]{1,41}$/.test(id)) throw new PayloadError(`the Graph API answered a ${network.parentEdge} item without an id at data[${index}]`, `data[${index}].id`);
    const at = msOf(record[network.parentTime]);
    if (cutoff && !Number.isNaN(at) && at < cutoff.getTime()) older = true;
    else parents.push(id);
  });
  const next: Walk = { parents, feedDone: after === undefined || older, ...(after && !older ? { feedAfter: after } : {}) };
  const token = nextWalk(next);
  return { events: [], ...(token ? { nextPageToken: token } : {}) };
}

/**
 * Reads one answer of a Graph pull: a `posts` page into the network's events and the list's
 * `after` cursor; a `comments` walk step (comments-walk.ts) into the parent ids it learnt (no
 * events) or that parent's comments in the range, and the walk's next token.
 * @throws PayloadError for an answer that is not a Graph list, or a walk token that is not one
 */
export function readGraphPage(page: PullPageRequest, answer: PullAnswer, settings: GraphPullSettings, network: GraphNetwork): PullPage {
  const { account, person } = subjectOf(page, settings);
  const context: GraphItemsContext = { accountId: account ?? '', receivedAt: answer.receivedAt, inRange: rangeOf(page) };
  if (page.kind === 'posts') {
    const { items, after } = list(answer, `an account's ${network.parentEdge}`);
    return { events: byPerson(network.posts?.(items, context) ?? [], person), ...(after ? { nextPageToken: after } : {}) };
  }
  const walk = decodeWalk(page.pageToken);
  if (!walk) throw new PayloadError('the comments walk\'s token is not one', 'pageToken');
  const parent = walk.parents[0];
  if (parent === undefined) return readParents(answer, network, walkCutoff(page, settings));
  const { items, after } = list(answer, `the ${network.childEdge} of ${parent}`);
  const events = byPerson(network.comments(items, { ...context, parentId: parent }), person);
  const next: Walk = after
    ? { ...walk, commentsAfter: after }
    : { feedDone: walk.feedDone, parents: walk.parents.slice(1), ...(walk.feedAfter ? { feedAfter: walk.feedAfter } : {}) };
  const token = nextWalk(next);
  return { events, ...(token ? { nextPageToken: token } : {}) };
}
