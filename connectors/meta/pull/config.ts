import { z } from 'zod';

/** The Graph API's own host: where a pull goes unless the config (or the demo's sandbox) names another. */
export const GRAPH_API_URL = 'https://graph.facebook.com';

/** The Graph API version a pull calls unless the config names another (paths are `/v21.0/…`). */
export const DEFAULT_GRAPH_VERSION = 'v21.0';

const unsetWhenEmpty = z.literal('').transform(() => undefined);
const NumericId = z.string().regex(/^[0-9]{1,20}$/, 'digits');

/** The keys every Meta pull block has besides its credentials. */
const GraphPullSettings = {
  /**
   * API root. Unset: the built-in sandbox when Parley mounts it, else https://graph.facebook.com.
   * Calls go only to this URL's host (https, or http to loopback).
   */
  apiUrl: z.url().optional().or(unsetWhenEmpty),
  /** Graph API version of every path (`v21.0`). */
  apiVersion: z.string().regex(/^v\d{1,2}\.\d$/, 'a Graph API version such as v21.0').default(DEFAULT_GRAPH_VERSION),
  /** Items per page (`limit`), 1-100; the Graph API's default is 25. */
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
  /**
   * How far before the pull's `since` to look for posts or media whose comments may fall in the
   * range, days: a comment in the range may sit on an older post. 0 reads only the comments of
   * posts in the range.
   */
  commentsLookbackDays: z.coerce.number().int().min(0).max(365).default(30),
};

/**
 * The `pull` key of the `facebook` source block: what `from-source` resyncs need to read a Page.
 * A Page access token: its Pages API calls count against the Page's business-use-case budget
 * (developers.facebook.com/docs/graph-api/overview/rate-limiting). Never logged.
 */
export const MetaPullConfig = z.object({
  /** Page access token with the Page's MODERATE task (comment ids need it since v11.0) (`META_PAGE_ACCESS_TOKEN`). */
  pageAccessToken: z.string().min(1, 'a Page access token (META_PAGE_ACCESS_TOKEN) is required for pulls'),
  /** The Page the webhooks are subscribed for (`entry.id` of its deliveries): whose feed a pull reads when it names no identity. */
  pageId: NumericId.optional().or(unsetWhenEmpty),
  ...GraphPullSettings,
}).strict();
export type MetaPullConfig = z.infer<typeof MetaPullConfig>;

/**
 * The `pull` key of the `instagram` source block (Instagram API with Facebook Login, on
 * graph.facebook.com): a user access token with `instagram_basic`, `instagram_manage_comments` and
 * `pages_read_engagement` (developers.facebook.com/docs/instagram-platform, IG Media comments). Never logged.
 */
export const InstagramPullConfig = z.object({
  /** Access token of a user with a task on the Page linked to the account (`META_INSTAGRAM_ACCESS_TOKEN`). */
  accessToken: z.string().min(1, 'an access token (META_INSTAGRAM_ACCESS_TOKEN) is required for pulls'),
  /** The Instagram professional account's IG user id (`entry.id` of its deliveries). */
  accountId: NumericId.optional().or(unsetWhenEmpty),
  ...GraphPullSettings,
}).strict();
export type InstagramPullConfig = z.infer<typeof InstagramPullConfig>;

/** A Meta pull block as the shared pull code needs it, whatever the source. */
export interface GraphPullSettings {
  token: string;
  /** The account (Page or IG user) read when a pull names no identity. */
  account: string | undefined;
  apiUrl: string | undefined;
  apiVersion: string;
  pageSize: number;
  commentsLookbackDays: number;
}

export function facebookSettings(pull: MetaPullConfig): GraphPullSettings {
  const { pageAccessToken, pageId, ...rest } = pull;
  return { token: pageAccessToken, account: pageId, ...rest, apiUrl: rest.apiUrl };
}

export function instagramSettings(pull: InstagramPullConfig): GraphPullSettings {
  const { accessToken, accountId, ...rest } = pull;
  return { token: accessToken, account: accountId, ...rest, apiUrl: rest.apiUrl };
}
