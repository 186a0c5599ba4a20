/**
 * The query parameters of the sandbox's endpoints, checked as X API v2 checks them (400
 * `invalid-request` naming each bad parameter). Timelines: `max_results` 5-100 (default 10),
 * `pagination_token`, `start_time`/`end_time` (RFC 3339, inclusive), `since_id`/`until_id`,
 * `exclude` (`retweets`, `replies`), and the field and expansion lists (docs.x.com,
 * GET /2/users/:id/tweets and /mentions; OpenAPI api.x.com/2/openapi.json).
 */
import { MEDIA_FIELDS, TWEET_EXPANSIONS, TWEET_FIELDS, USER_EXPANSIONS, USER_FIELDS, type FieldSelection } from './shape.ts';

/** A refused parameter. */
export interface QueryProblem { parameter: string; value: string; message: string }

/** What a timeline request asks for. */
export interface TimelineQuery {
  maxResults: number;
  /** The id of the first post of the page (the token's content). */
  after?: string;
  startTime?: number;
  endTime?: number;
  sinceId?: bigint;
  untilId?: bigint;
  exclude: ReadonlySet<string>;
  fields: FieldSelection;
}

const TOKEN_PREFIX = 'x-sandbox-page:';

/** A `next_token` that starts the next page at post `id` (opaque to clients, as X's are). */
export function pageToken(id: string): string {
  return Buffer.from(`${TOKEN_PREFIX}${id}`, 'utf8').toString('base64url');
}

function tokenId(token: string): string | undefined {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  return text.startsWith(TOKEN_PREFIX) && /^[0-9]{1,19}$/.test(text.slice(TOKEN_PREFIX.length)) ? text.slice(TOKEN_PREFIX.length) : undefined;
}

type Query = Readonly<Record<string, string | string[] | undefined>>;

function one(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value.at(-1) : value;
}

/** A comma-separated list whose every item must be among `allowed`. */
function list(query: Query, name: string, allowed: readonly string[], problems: QueryProblem[]): Set<string> {
  const raw = one(query, name);
  if (raw === undefined) return new Set();
  const items = raw.split(',').map((item) => item.trim()).filter((item) => item !== '');
  for (const item of items) {
    if (!allowed.includes(item)) problems.push({ parameter: name, value: item, message: `The \`${name}\` query parameter value [${item}] is not one of [${allowed.join(',')}]` });
  }
  return new Set(items);
}

function unknownParameters(query: Query, known: readonly string[], problems: QueryProblem[]): void {
  for (const name of Object.keys(query)) {
    if (!known.includes(name)) problems.push({ parameter: name, value: String(one(query, name) ?? ''), message: `The query parameter [${name}] is not one of [${known.join(',')}]` });
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

function time(query: Query, name: string, problems: QueryProblem[]): number | undefined {
  const raw = one(query, name);
  if (raw === undefined) return undefined;
  const ms = RFC3339.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) problems.push({ parameter: name, value: raw, message: `Invalid '${name}':'${raw}'. '${name}' must be a timestamp in the format YYYY-MM-DDTHH:mm:ssZ (RFC 3339)` });
  return Number.isNaN(ms) ? undefined : ms;
}

function postId(query: Query, name: string, problems: QueryProblem[]): bigint | undefined {
  const raw = one(query, name);
  if (raw === undefined) return undefined;
  if (!/^[0-9]{1,19}$/.test(raw)) {
    problems.push({ parameter: name, value: raw, message: `The \`${name}\` query parameter value [${raw}] does not match ^[0-9]{1,19}$` });
    return undefined;
  }
  return BigInt(raw);
}

const LOOKUP_PARAMETERS = ['expansions', 'tweet.fields', 'user.fields'];
const TIMELINE_PARAMETERS = ['max_results', 'pagination_token', 'start_time', 'end_time', 'since_id', 'until_id', 'exclude',
  'expansions', 'tweet.fields', 'user.fields', 'media.fields', 'place.fields', 'poll.fields'];

/** A user look-up's fields and expansions, or the problems. */
export function lookupQuery(query: Query): { fields: FieldSelection } | { problems: QueryProblem[] } {
  const problems: QueryProblem[] = [];
  unknownParameters(query, LOOKUP_PARAMETERS, problems);
  const fields: FieldSelection = {
    expansions: list(query, 'expansions', USER_EXPANSIONS, problems), user: list(query, 'user.fields', USER_FIELDS, problems),
    tweet: list(query, 'tweet.fields', TWEET_FIELDS, problems), media: new Set(),
  };
  return problems.length > 0 ? { problems } : { fields };
}

/** A timeline's parameters, or the problems. */
export function timelineQuery(query: Query): TimelineQuery | { problems: QueryProblem[] } {
  const problems: QueryProblem[] = [];
  unknownParameters(query, TIMELINE_PARAMETERS, problems);
  const rawMax = one(query, 'max_results');
  const maxResults = rawMax === undefined ? 10 : Number(rawMax);
  if (!/^\d+$/.test(rawMax ?? '10') || maxResults < 5 || maxResults > 100) {
    problems.push({ parameter: 'max_results', value: String(rawMax), message: `The \`max_results\` query parameter value [${rawMax}] is not between 5 and 100` });
  }
  const rawToken = one(query, 'pagination_token');
  const after = rawToken === undefined ? undefined : tokenId(rawToken);
  if (rawToken !== undefined && after === undefined) problems.push({ parameter: 'pagination_token', value: rawToken, message: 'The `pagination_token` query parameter value is invalid' });
  const startTime = time(query, 'start_time', problems);
  const endTime = time(query, 'end_time', problems);
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
    problems.push({ parameter: 'start_time', value: String(one(query, 'start_time')), message: 'The `start_time` query parameter value must be before the `end_time` query parameter value' });
  }
  const exclude = list(query, 'exclude', ['retweets', 'replies'], problems);
  const fields: FieldSelection = {
    expansions: list(query, 'expansions', TWEET_EXPANSIONS, problems), tweet: list(query, 'tweet.fields', TWEET_FIELDS, problems),
    user: list(query, 'user.fields', USER_FIELDS, problems), media: list(query, 'media.fields', MEDIA_FIELDS, problems),
  };
  const sinceId = postId(query, 'since_id', problems);
  const untilId = postId(query, 'until_id', problems);
  if (problems.length > 0) return { problems };
  return {
    maxResults, exclude, fields,
    ...(after !== undefined ? { after } : {}), ...(startTime !== undefined ? { startTime } : {}), ...(endTime !== undefined ? { endTime } : {}),
    ...(sinceId !== undefined ? { sinceId } : {}), ...(untilId !== undefined ? { untilId } : {}),
  };
}
