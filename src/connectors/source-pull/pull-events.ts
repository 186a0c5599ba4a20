/**
 * `pullEvents`: the source-pull kit's driver. A connector's `pull` (types.ts) says how to ask for
 * one page and read it; this owns, once for every source, the paging, the rate limits (wait for the
 * window's reset on a 429, and before the next call when none is left), retries of transient
 * failures, cancelling, a resumable cursor, and the outbound policy (calls go only to the pull's
 * base URL, through src/connectors/outbound.ts).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { errors, isParleyError, type ParleyError } from '../../errors.ts';
import type { ParsedEvent } from '../../model/index.ts';
import type { ErrorClass } from '../destination.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../destination-kit/retry-policy.ts';
import { classifyOutboundFailure, createOutboundClient, type OutboundClient, type OutboundPolicy } from '../outbound.ts';
import { isPayloadError, type SourceDefinition } from '../source.ts';
import { decodeCursor, encodeCursor, type PullPosition } from './cursor.ts';
import { isPullHttpError, PullHttpError } from './pull-error.ts';
import type { PullAnswer, PullHttpRequest, PullPageRequest, PullSubject, RateLimitReading, SourcePull } from './types.ts';

/** What to pull. */
export interface PullRequest {
  /** Whose items: a user id, a handle, or both. Absent: the source's own account (`pull.account`), e.g. for a resync of a network and time range. */
  identity?: PullSubject;
  /** Oldest item wanted (inclusive). */
  since?: Date;
  /** Newest item wanted (inclusive). */
  until?: Date;
  /** Kinds wanted, among the connector's `kinds`; default all of them, in the connector's order. */
  kinds?: readonly string[];
  /** A `cursor` a previous pull of the same request yielded: it goes on after that page. */
  cursor?: string;
}

/** What the kit needs around it. The clock and the sleep are parameters, so tests wait for nothing. */
export interface PullDeps {
  /** The source block's name (`x`), for errors and logs; default the definition's id. */
  source?: string;
  /** Overrides the connector's `baseUrl` (a test's or a shared sandbox's URL). */
  baseUrl?: string;
  /** The built-in sandbox's URL when mounted: given to the connector's `baseUrl`. */
  sandboxUrl?: string;
  /** The HTTP client; default one bound to the base URL with `outbound` as policy. */
  client?: OutboundClient;
  /** Allowed hosts and timeouts of the default client. */
  outbound?: OutboundPolicy;
  now?: () => Date;
  /** Waits `ms`; rejects when `signal` aborts. Default: a timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Cancels the pull: the current wait or call is abandoned and the iterator throws PARLEY_PULL_CANCELLED. */
  signal?: AbortSignal;
  logger?: { debug(obj: object, msg?: string): void; info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** Told of every wait for a rate limit, before it starts (ms, and the reading that caused it). */
  onRateLimited?: (waitMs: number, reading: RateLimitReading | undefined) => void;
  /** Retries of a transient failure of one call; default 3 more, 0.5 s doubling to 4 s. */
  retry?: RetryPolicy;
  /** Most 429s in a row for one call, each waited out, before the pull fails (default 5). */
  maxRateLimitWaits?: number;
  /** Added to every wait for a reset, ms (default 1000): the reset is whole seconds and clocks differ. */
  resetMarginMs?: number;
  /** Wait on a 429 that announces no reset and no `retryAfterMs`, ms (default 60 000). */
  defaultRateLimitWaitMs?: number;
}

/** One page's worth: its events (possibly none) and the cursor to resume after it. */
export interface PullBatch {
  /** The kind the page was of. */
  kind: string;
  events: ParsedEvent[];
  /** Resumes after this page; the last batch's cursor resumes to nothing. */
  cursor: string;
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> => delay(ms, undefined, signal ? { signal } : {});

/**
 * Pulls a subject's items from a source's API, a page at a time.
 *
 * @example for await (const batch of pullEvents(x, config, { identity: { handle: 'acme' }, kinds: ['posts'] }, { source: 'x' })) store(batch.events, batch.cursor);
 * @throws ParleyError PARLEY_PULL_UNSUPPORTED (no pull, or an unknown kind), PARLEY_PULL_BAD_REQUEST,
 *   PARLEY_PULL_BAD_CURSOR, PARLEY_PULL_FAILED (refused for good, retries spent, unreadable answer,
 *   outbound policy), PARLEY_PULL_RATE_LIMITED, PARLEY_PULL_CANCELLED — from the iterator
 */
export async function* pullEvents<C>(definition: Pick<SourceDefinition<C>, 'id' | 'pull'>, config: C, request: PullRequest, options: PullDeps = {}): AsyncGenerator<PullBatch> {
  const deps: PullDeps & { source: string } = { ...options, source: options.source ?? definition.id };
  const pull = definition.pull;
  if (!pull) throw errors.PULL_UNSUPPORTED({ source: deps.source, reason: 'its connector has no pull' });
  const unavailable = pull.unavailable?.(config);
  if (unavailable) throw errors.PULL_UNSUPPORTED({ source: deps.source, reason: unavailable });
  const position = request.cursor ? decodeCursor(request.cursor, deps.source, pull.kinds) : plan(pull, request, config, deps.source);
  const base = deps.baseUrl ?? pull.baseUrl(config, deps.sandboxUrl ? { sandboxUrl: deps.sandboxUrl } : {});
  const owned = deps.client === undefined;
  const client = deps.client ?? createOutboundClient({
    destination: deps.source, baseUrl: base, trustedDomains: pull.trustedDomains ?? [], ...(deps.outbound ? { policy: deps.outbound } : {}),
  });
  const caller = new PageCaller(pull, config, client, deps, base);
  try {
    while (position.index < position.kinds.length) {
      const kind = position.kinds[position.index]!;
      if (kind !== pull.lookupKind && pull.lookupKind !== undefined && !position.subject.userId) {
        throw errors.PULL_BAD_REQUEST({ source: deps.source, reason: `the ${pull.lookupKind} look-up of @${position.subject.handle ?? '?'} named no user id` });
      }
      const page: PullPageRequest = {
        kind, subject: { ...position.subject },
        ...(request.since ? { since: request.since } : {}), ...(request.until ? { until: request.until } : {}),
        ...(position.pageToken ? { pageToken: position.pageToken } : {}),
      };
      const answer = await caller.call(page);
      let result;
      try {
        result = pull.read(page, answer, config);
      } catch (error) {
        if (!isPayloadError(error)) throw error;
        throw errors.PULL_FAILED({ source: deps.source, kind, reason: error.message }, { cause: error });
      }
      if (result.subject) position.subject = { ...position.subject, ...result.subject };
      if (result.nextPageToken && result.nextPageToken !== position.pageToken) {
        position.pageToken = result.nextPageToken;
      } else {
        position.index++;
        delete position.pageToken;
      }
      deps.logger?.debug({ source: deps.source, kind, events: result.events.length, more: position.pageToken !== undefined }, 'pulled a page');
      yield { kind, events: position.wanted.includes(kind) ? result.events : [], cursor: encodeCursor(position) };
    }
  } finally {
    if (owned) await client.close().catch(() => undefined);
  }
}

/** The first position of a request: its kinds in the connector's order, a look-up first when only a handle is known. */
function plan<C>(pull: SourcePull<C>, request: PullRequest, config: C, source: string): PullPosition {
  const asked = request.kinds ?? pull.kinds;
  const unknown = asked.filter((kind) => !pull.kinds.includes(kind));
  if (unknown.length > 0) throw errors.PULL_UNSUPPORTED({ source, reason: `no kind ${unknown.join(', ')} (it has ${pull.kinds.join(', ')})`, kind: unknown.join(', '), kinds: [...pull.kinds] });
  const identity = request.identity ?? pull.account?.(config) ?? {};
  const subject = { ...(identity.userId ? { userId: identity.userId } : {}), ...(identity.handle ? { handle: identity.handle } : {}) };
  if (!subject.userId && !subject.handle) {
    throw errors.PULL_BAD_REQUEST({ source, reason: request.identity ? 'the identity names neither a user id nor a handle' : 'no identity given, and the source names no account of its own' });
  }
  if (request.since && request.until && request.since > request.until) throw errors.PULL_BAD_REQUEST({ source, reason: 'since is after until' });
  const wanted = pull.kinds.filter((kind) => asked.includes(kind));
  const needsLookup = !subject.userId && pull.lookupKind !== undefined && !wanted.includes(pull.lookupKind);
  const kinds = needsLookup ? [pull.lookupKind!, ...wanted] : wanted;
  // A look-up that is wanted anyway goes first, so the kinds after it know the user id.
  if (!subject.userId && pull.lookupKind && wanted.includes(pull.lookupKind)) kinds.sort((a, b) => Number(b === pull.lookupKind) - Number(a === pull.lookupKind));
  return { kinds, wanted, index: 0, subject };
}

/** Makes one page's call, honouring rate limits and retrying transient failures. */
class PageCaller<C> {
  readonly #pull: SourcePull<C>;
  readonly #config: C;
  readonly #client: OutboundClient;
  readonly #deps: PullDeps & { source: string };
  readonly #base: string;
  readonly #now: () => Date;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** No call before this time: the last answer said the window was spent. */
  #notBefore: Date | undefined;

  constructor(pull: SourcePull<C>, config: C, client: OutboundClient, deps: PullDeps & { source: string }, base: string) {
    this.#pull = pull;
    this.#config = config;
    this.#client = client;
    this.#deps = deps;
    this.#base = base.replace(/\/+$/, '');
    this.#now = deps.now ?? (() => new Date());
    this.#sleep = deps.sleep ?? defaultSleep;
  }

  /**
   * The page's successful answer. The backoff is computed here from the failure count (capped),
   * not by p-retry as the destination kit does: p-retry waits on its own timers, and a pull's every
   * wait — a 15-minute rate-limit window above all — must go through the injected `sleep`, so that
   * tests advance a clock instead of waiting and a cancel ends the wait at once.
   */
  async call(page: PullPageRequest): Promise<PullAnswer> {
    const retry = this.#deps.retry ?? DEFAULT_RETRY_POLICY;
    const maxWaits = this.#deps.maxRateLimitWaits ?? 5;
    // Built once, outside the retried part: a connector that cannot describe the page is not a transient failure.
    const request = this.#pull.request(page, this.#config);
    let failures = 0;
    let rateWaits = 0;
    for (;;) {
      await this.#waitForWindow(page.kind);
      let reading: RateLimitReading | undefined;
      let error: unknown;
      try {
        const answer = await this.#send(request);
        reading = this.#pull.rateLimit(answer.headers);
        this.#notBefore = reading?.remaining === 0 && reading.resetAt ? reading.resetAt : undefined;
        if (answer.status >= 200 && answer.status < 300) return answer;
        error = new PullHttpError(answer.status, answer.headers, answer.body);
      } catch (thrown) {
        if (isParleyError(thrown) && thrown.code === errors.PULL_CANCELLED.code) throw thrown;
        error = thrown;
      }
      const verdict = this.#classify(error);
      if (verdict.kind === 'permanent') throw this.#failed(page.kind, error, `refused (${verdict.scope})`, verdict.scope);
      if (verdict.kind === 'rate-limited') {
        if (++rateWaits > maxWaits) throw errors.PULL_RATE_LIMITED({ source: this.#deps.source, kind: page.kind, waits: maxWaits });
        const waitMs = this.#rateLimitWait(reading, verdict.retryAfterMs);
        this.#deps.onRateLimited?.(waitMs, reading);
        this.#deps.logger?.warn({ source: this.#deps.source, kind: page.kind, waitMs }, 'the network refused a pull for its rate limit; waiting for the reset');
        await this.#wait(waitMs);
        continue;
      }
      if (++failures > retry.retries) throw this.#failed(page.kind, error, `still failing after ${retry.retries} retries`);
      const backoffMs = Math.min(retry.maxDelayMs, retry.minDelayMs * 2 ** (failures - 1));
      this.#deps.logger?.debug({ source: this.#deps.source, kind: page.kind, failures, backoffMs }, 'a pull call failed; trying again');
      await this.#wait(backoffMs);
    }
  }

  /** Sends the request; abandons it (PULL_CANCELLED) when the signal aborts meanwhile. */
  async #send(request: PullHttpRequest): Promise<PullAnswer> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) query.set(name, value);
    const url = `${this.#base}${request.path}${query.size > 0 ? `?${query.toString()}` : ''}`;
    const sent = this.#client.request({ method: request.method, url, headers: { accept: 'application/json', ...request.headers } });
    const response = await this.#abortable(sent);
    return { status: response.status, headers: response.headers, body: parseBody(response.body), receivedAt: this.#now() };
  }

  #classify(error: unknown): ErrorClass {
    // The outbound policy's own failures (untrusted host, redirect, unreachable) mean the same for every source.
    return classifyOutboundFailure(error)?.errorClass ?? this.#pull.classify(error, this.#config);
  }

  /**
   * How long to wait after a 429: until the announced reset (plus the margin), else the
   * connector's `retryAfterMs`, else the default. A reset already past still waits the margin.
   */
  #rateLimitWait(reading: RateLimitReading | undefined, retryAfterMs: number): number {
    const margin = this.#deps.resetMarginMs ?? 1000;
    if (reading?.resetAt) return Math.max(0, reading.resetAt.getTime() - this.#now().getTime()) + margin;
    return retryAfterMs > 0 ? retryAfterMs : this.#deps.defaultRateLimitWaitMs ?? 60_000;
  }

  /** Before a call: when the last answer left nothing in the window, wait for its reset. */
  async #waitForWindow(kind: string): Promise<void> {
    this.#throwIfAborted();
    if (!this.#notBefore) return;
    const waitMs = this.#notBefore.getTime() - this.#now().getTime();
    this.#notBefore = undefined;
    if (waitMs < 0) return;
    const total = waitMs + (this.#deps.resetMarginMs ?? 1000);
    this.#deps.onRateLimited?.(total, { remaining: 0 });
    this.#deps.logger?.info({ source: this.#deps.source, kind, waitMs: total }, 'the rate-limit window is spent; waiting for its reset before the next call');
    await this.#wait(total);
  }

  async #wait(ms: number): Promise<void> {
    this.#throwIfAborted();
    try {
      await this.#sleep(ms, this.#deps.signal);
    } catch (error) {
      if (this.#deps.signal?.aborted) throw errors.PULL_CANCELLED({ source: this.#deps.source }, { cause: error });
      throw error;
    }
    this.#throwIfAborted();
  }

  #throwIfAborted(): void {
    if (this.#deps.signal?.aborted) throw errors.PULL_CANCELLED({ source: this.#deps.source });
  }

  /** `promise`, or PULL_CANCELLED as soon as the signal aborts (the call itself is left to finish). */
  async #abortable<T>(promise: Promise<T>): Promise<T> {
    const signal = this.#deps.signal;
    if (!signal) return promise;
    this.#throwIfAborted();
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(errors.PULL_CANCELLED({ source: this.#deps.source }));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    promise.catch(() => undefined);
    try {
      return await Promise.race([promise, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort!);
    }
  }

  /** PULL_FAILED for `error`, with the vendor's status when it answered. */
  #failed(kind: string, error: unknown, what: string, scope?: string): ParleyError {
    if (isParleyError(error) && error.code === errors.PULL_FAILED.code) return error;
    const httpStatus = isPullHttpError(error) ? error.status : undefined;
    const vendorCode = isPullHttpError(error) ? vendorCodeOf(error.body) : isParleyError(error) ? error.code : undefined;
    const reason = httpStatus !== undefined ? `${what}: HTTP ${httpStatus}${vendorCode ? ` ${vendorCode}` : ''}`
      : `${what}: ${isParleyError(error) ? error.message : error instanceof Error ? error.name : 'unknown error'}`;
    return errors.PULL_FAILED({
      source: this.#deps.source, kind, reason,
      ...(httpStatus !== undefined ? { httpStatus } : {}), ...(vendorCode ? { vendorCode } : {}), ...(scope ? { scope } : {}),
    }, { cause: error });
  }
}

/** JSON when it parses, else the text (an HTML error page from a proxy); undefined when empty. */
function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A short vendor error name from a JSON error body (`title` of an RFC 7807 problem, or `errors[0].title|code`), for details. */
function vendorCodeOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as { title?: unknown; errors?: Array<{ title?: unknown; code?: unknown }> };
  const first = Array.isArray(record.errors) ? record.errors[0] : undefined;
  const code = record.title ?? first?.title ?? first?.code;
  return typeof code === 'string' || typeof code === 'number' ? String(code).slice(0, 100) : undefined;
}
