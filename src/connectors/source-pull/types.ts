/**
 * The vendor half of a pull (issue 20, `from-source` resyncs): what a source connector tells the
 * source-pull kit about its network's read API. Facts only — how to ask for one page and how to
 * read the answer; the kit (pull-events.ts) owns paging, rate limits, retries, cancelling and the
 * outbound policy, once for every source.
 */
import type { ErrorClass } from '../destination.ts';
import type { ParsedEvent } from '../../model/index.ts';

/** Whom a pull is about: a network user id, a handle, or both. At least one is needed. */
export interface PullSubject {
  /** The network's user id (`2244994945`). */
  userId?: string;
  /** The handle without `@` (`XDevelopers`). */
  handle?: string;
}

/** One page the kit asks the connector to describe: of one kind, for one subject and time range. */
export interface PullPageRequest {
  /** One of the connector's `kinds` (`profile`, `posts`, `mentions` for X). */
  kind: string;
  subject: PullSubject;
  /** Oldest item wanted (inclusive), when the pull has a range. */
  since?: Date;
  /** Newest item wanted (inclusive), when the pull has a range. */
  until?: Date;
  /** The vendor's token for the next page, from the previous page's `nextPageToken`; absent for the first page. */
  pageToken?: string;
}

/** An HTTP request below the pull's base URL. Headers may carry credentials: never logged. */
export interface PullHttpRequest {
  /** Always GET today: a pull only reads. */
  method: 'GET';
  /** Path below the base URL, starting with `/` (`/2/users/123/tweets`); each segment already URL-encoded. */
  path: string;
  /** Query parameters; undefined values are left out. */
  query?: Readonly<Record<string, string | undefined>>;
  headers?: Readonly<Record<string, string>>;
}

/** A successful (2xx) answer as the connector reads it. Header names are lower-case. */
export interface PullAnswer {
  status: number;
  headers: Readonly<Record<string, string>>;
  /** The body parsed as JSON (undefined for an empty body). */
  body: unknown;
  /** When it arrived (the kit's clock): the fallback time of items without one. */
  receivedAt: Date;
}

/** What one page gave. */
export interface PullPage {
  /** The canonical events of its items, with the same keys the webhook parse gives the same items. */
  events: ParsedEvent[];
  /** The vendor's token for the next page of the same kind; absent on the last page. */
  nextPageToken?: string;
  /** What the page revealed about the subject (the user id a look-up by handle found). */
  subject?: PullSubject;
}

/** The rate-limit window as an answer's headers told it. */
export interface RateLimitReading {
  /** Requests the window allows. */
  limit?: number;
  /** Requests left in the window; 0 means wait for `resetAt` before the next call. */
  remaining?: number;
  /** When the window starts afresh. */
  resetAt?: Date;
}

/**
 * A source's pull: the static facts as data, functions for the vendor's wire format.
 * `C` is the source's own config (its block in `parley.yaml`, which holds the pull's credentials).
 */
export interface SourcePull<C = unknown> {
  /** The kinds this network can pull, in the order a pull takes them (`['profile', 'posts', 'mentions']`). */
  kinds: readonly string[];
  /**
   * The kind whose answer names the subject's user id (`profile`: a user look-up). The kit pulls it
   * first when a request gives only a handle, even when that kind was not asked for (its events
   * are then not handed out).
   */
  lookupKind?: string;
  /**
   * Why this config cannot pull (`the x source block has no pull.bearerToken`), or undefined when
   * it can: the kit refuses such a pull with PARLEY_PULL_UNSUPPORTED before any call.
   */
  unavailable?: (config: C) => string | undefined;
  /**
   * The account the source is subscribed for (the brand's X user id, a Facebook page id), from its
   * config: whose items a pull takes when its request names no identity (a resync of a whole
   * network and time range). Undefined when the config names none.
   */
  account?: (config: C) => PullSubject | undefined;
  /**
   * The API's base URL for this config (`https://api.x.com`). `sandboxUrl` is the built-in
   * sandbox's URL when Parley mounts one: a connector may default to it when its config names none.
   * Every call goes only there (src/connectors/outbound.ts).
   */
  baseUrl: (config: C, context: { sandboxUrl?: string }) => string;
  /** The vendor's own domains, trusted beside the base URL's host (see `createOutboundClient`). */
  trustedDomains?: readonly string[];
  /**
   * The request for one page.
   * @throws ParleyError PARLEY_PULL_BAD_REQUEST when the subject lacks what the kind needs (the kit
   *   resolves a handle through `lookupKind` first, so this means a connector without one)
   */
  request: (page: PullPageRequest, config: C) => PullHttpRequest;
  /**
   * Reads a successful answer into canonical events and the next page's token.
   * @throws PayloadError for an answer it cannot read (the kit fails the pull: it is not transient)
   */
  read: (page: PullPageRequest, answer: PullAnswer, config: C) => PullPage;
  /** The rate-limit window an answer's headers announce (any answer, 2xx or not), or undefined when they say nothing. */
  rateLimit: (headers: Readonly<Record<string, string>>) => RateLimitReading | undefined;
  /**
   * Classifies a failed call: a `PullHttpError` (the vendor answered non-2xx) or any other error.
   * `rate-limited` → the kit waits until the window's reset (from `rateLimit`), else `retryAfterMs`;
   * `retryable` → tried again with backoff; `permanent` → the pull fails. Failures of the outbound
   * policy (untrusted host, redirect, unreachable) are classified by the kit before this is asked.
   */
  classify: (error: unknown, config: C) => ErrorClass;
}
