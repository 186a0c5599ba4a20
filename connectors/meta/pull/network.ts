import type { ParsedEvent } from '../../../src/connectors/index.ts';

/** What a network's reader gets with a page's items. */
export interface GraphItemsContext {
  /** The account the pull reads (the Page or IG user: the brand, `entry.id` of its webhook deliveries). */
  accountId: string;
  /** When the answer arrived (the kit's clock). */
  receivedAt: Date;
  /** True for an item time (a Graph time string) inside the pull's range, or an item without one. */
  inRange: (time: unknown) => boolean;
}

/**
 * How one Meta network is pulled through the Graph API: the account's list (`feed` of a Page,
 * `media` of an IG user), the list of comments under each item, and how items become the events
 * the webhook parse gives the same items. Facts only; the walk is comments-walk.ts.
 */
export interface GraphNetwork {
  /** `posts` when the account's list is itself pulled (a Page's posts are events; IG media are not), then `comments`. */
  kinds: ReadonlyArray<'posts' | 'comments'>;
  /** The account's edge: `feed` (Page) or `media` (IG user); newest first. */
  parentEdge: string;
  /** The time field of a parent item (`created_time`, `timestamp`). */
  parentTime: string;
  /** Fields of a `posts` page. */
  postFields?: string;
  /**
   * The parent edge takes `since`/`until`: the Page feed does. The IG media edge's support is not
   * in the reference: its items are narrowed by time here, the walk stopping at the first older one.
   */
  parentTimeRange: boolean;
  /** The edge of each parent's comments and its query (fields, filter). */
  childEdge: string;
  childQuery: Readonly<Record<string, string>>;
  /**
   * Events of a `posts` page and of one parent's comments.
   * @throws PayloadError for an item it cannot read
   */
  posts?: (items: readonly unknown[], context: GraphItemsContext) => ParsedEvent[];
  comments: (items: readonly unknown[], context: GraphItemsContext & { parentId: string }) => ParsedEvent[];
}
