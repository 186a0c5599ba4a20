import { createHash } from 'node:crypto';
import { PayloadError, type Interaction, type ParsedEvent, type PullAnswer, type PullPage, type PullPageRequest } from '../../../src/connectors/index.ts';
import type { ActivityEvent } from '../activity-api/envelope.ts';
import { readIncludes, type Includes } from '../activity-api/includes.ts';
import { XaaPost, referencedId } from '../activity-api/post.ts';
import { parsePostEvent } from '../activity-api/posts.ts';
import { XaaUser, isObject } from '../activity-api/user.ts';
import type { XSourceConfig } from '../config.ts';
import { toIdentity } from '../parse/user.ts';

/** The X Activity API event type a pulled post would have come as to the brand's webhook. */
function eventTypeOf(post: XaaPost, brand: string | undefined, includes: Includes): string {
  if (brand === undefined || post.author_id === brand) return 'post.create';
  const authorOf = (id: string | undefined) => (id ? includes.posts.get(id)?.author_id : undefined);
  if (authorOf(referencedId(post, 'retweeted')) === brand) return 'post.repost.create';
  if (post.in_reply_to_user_id === brand) return 'post.reply.create';
  if (authorOf(referencedId(post, 'quoted')) === brand) return 'post.quote.create';
  if ((post.entities?.mentions ?? []).some((mention) => mention.id === brand)) return 'post.mention.create';
  // Someone else's post that does not touch the brand: read as their own post, but inbound (below).
  return 'post.create';
}

/** X's "not found" and other errors of a 200 without data, as the pull's failure. */
function notFound(body: Record<string, unknown>, what: string): PayloadError {
  const first = Array.isArray(body.errors) && isObject(body.errors[0]) ? body.errors[0] : {};
  const detail = typeof first.detail === 'string' ? first.detail : typeof first.title === 'string' ? first.title : 'no data';
  return new PayloadError(`X answered ${what} without data: ${detail.slice(0, 200)}`, 'data');
}

/**
 * A timeline page (`{data: [posts], includes, meta: {next_token}}`) as the events the webhook parse
 * gives the same posts: each post is read by the X Activity API post parser (activity-api/posts.ts)
 * as the event type it would have come as, so its key is `tweet:<id>` — the key of its Account
 * Activity and X Activity deliveries — and the store recognises a post webhooks already brought.
 */
function readTimeline(page: PullPageRequest, answer: PullAnswer, brand: string | undefined): PullPage {
  const body = isObject(answer.body) ? answer.body : {};
  const data = body.data;
  if (data === undefined) {
    const meta = isObject(body.meta) ? body.meta : {};
    if (meta.result_count === 0 || !Array.isArray(body.errors)) return { events: [] };
    throw notFound(body, `the ${page.kind} of user ${page.subject.userId ?? '?'}`);
  }
  if (!Array.isArray(data)) throw new PayloadError('X answered a timeline whose data is not a list', 'data');
  const includes = readIncludes(body.includes);
  const events: ParsedEvent[] = [];
  data.forEach((item, index) => {
    const post = XaaPost.safeParse(item);
    if (!post.success) throw new PayloadError(`X answered a post that cannot be read at data[${index}]`, `data[${index}]`);
    const eventType = eventTypeOf(post.data, brand, includes);
    const event: ActivityEvent = {
      eventType, eventUuid: undefined, filterUserId: brand, direction: undefined, payload: item, includes,
      scope: { brand, receivedAt: answer.receivedAt }, path: ['data', index],
    };
    const parsed = parsePostEvent(event);
    const inbound = brand !== undefined && post.data.author_id !== brand;
    events.push(...(inbound ? parsed.map(asInbound) : parsed));
  });
  const meta = isObject(body.meta) ? body.meta : {};
  return { events, ...(typeof meta.next_token === 'string' && meta.next_token !== '' ? { nextPageToken: meta.next_token } : {}) };
}

/** A post by someone other than the brand is inbound, whatever event type it was read as. */
function asInbound(event: ParsedEvent): ParsedEvent {
  return event.data.kind === 'interaction' ? { ...event, data: { ...event.data, direction: 'inbound' as Interaction['direction'] } } : event;
}

/**
 * A user look-up (`{data: user}`) as one identity observation. Keyed by the profile's content
 * (`profile:<id>:pull:<hash>`), not by the pull: pulling an unchanged profile again is one event,
 * a changed one a new observation.
 */
function readProfile(page: PullPageRequest, answer: PullAnswer): PullPage {
  const body = isObject(answer.body) ? answer.body : {};
  if (body.data === undefined) throw notFound(body, `the user ${page.subject.userId ?? `@${page.subject.handle ?? '?'}`}`);
  const user = XaaUser.safeParse(body.data);
  if (!user.success) throw new PayloadError('X answered a user that cannot be read', 'data');
  const identity = toIdentity(user.data, answer.receivedAt.toISOString());
  // The observation time changes on every pull; what was observed is the profile without it.
  const profile = Object.fromEntries(Object.entries(identity).filter(([key]) => key !== 'observedAt'));
  const hash = createHash('sha256').update(JSON.stringify(profile)).digest('hex').slice(0, 32);
  return {
    events: [{ key: `profile:${user.data.userId}:pull:${hash}`, data: identity }],
    subject: { userId: user.data.userId, ...(user.data.screen_name ? { handle: user.data.screen_name } : {}) },
  };
}

/** Reads one X API v2 answer of a pull. @throws PayloadError for an answer without the data asked for. */
export function readXPage(page: PullPageRequest, answer: PullAnswer, config: XSourceConfig): PullPage {
  if (page.kind === 'profile') return readProfile(page, answer);
  return readTimeline(page, answer, config.pull?.accountUserId ?? page.subject.userId);
}
