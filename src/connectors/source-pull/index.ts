/**
 * The source-pull kit: what every network's pull needs, written once (issue 20, `from-source`
 * resyncs). A connector reaches it through the SDK (`src/connectors/index.ts`).
 */
export { pullEvents, type PullBatch, type PullDeps, type PullRequest } from './pull-events.ts';
export { PullHttpError, isPullHttpError } from './pull-error.ts';
export { epochSecondsRateLimit } from './rate-limit-headers.ts';
export type { PullAnswer, PullHttpRequest, PullPage, PullPageRequest, PullSubject, RateLimitReading, SourcePull } from './types.ts';
