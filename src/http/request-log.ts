import type { FastifyInstance } from 'fastify';
import type { Logger } from '../logging/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';

/** The route label of a request no route took: not found, or refused before routing. */
export const UNMATCHED_ROUTE = 'unmatched';

// A refused URL can be 16 KiB long; the head of it is enough to recognise it in the log.
const MAX_LOGGED_PATH = 256;

/** One answered request, as its log line and the HTTP metrics see it. */
export interface RequestEntry {
  method: string;
  /** The URL as received; logged without its query string. */
  url: string;
  route: string;
  status: number;
  ms: number;
  /** The Parley error code the answer carried, if any. */
  code?: string | null;
}

/** Writes the one log line and the metric sample of an answered request. */
export type RequestRecorder = (log: Pick<Logger, 'info' | 'isLevelEnabled'>, entry: RequestEntry) => void;

/**
 * The recorder behind the request log, shared with the refusals answered outside Fastify's request
 * lifecycle (http/framework-refusals.ts), so that every answer has the same line and the same counters.
 */
export function createRequestRecorder(metrics: Metrics): RequestRecorder {
  // Labelled children are cached: resolving labels on every request costs more than the count itself.
  const counters = new Map<string, { count: () => void; time: (seconds: number) => void }>();
  const series = (method: string, route: string, status: number) => {
    const key = `${method} ${route} ${status}`;
    let found = counters.get(key);
    if (!found) {
      const counter = metrics.httpRequests.labels(method, route, String(status));
      const histogram = metrics.httpDuration.labels(method, route);
      found = { count: () => counter.inc(), time: (seconds) => histogram.observe(seconds) };
      counters.set(key, found);
    }
    return found;
  };
  return (log, entry) => {
    const s = series(entry.method, entry.route, entry.status);
    s.count();
    s.time(entry.ms / 1000);
    if (log.isLevelEnabled('info')) {
      const path = entry.url.split('?')[0]!;
      log.info({
        method: entry.method, path: path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}…` : path, route: entry.route,
        status: entry.status, ms: Math.round(entry.ms * 10) / 10, ...(entry.code ? { code: entry.code } : {}),
      }, 'request');
    }
  };
}

/**
 * One log line and one metric sample per request, written when the response is done. The URL is
 * logged without its query string (tokens and filters stay out of the log); headers not at all.
 */
export function installRequestLog(app: FastifyInstance, record: RequestRecorder): void {
  app.addHook('onResponse', (request, reply, done) => {
    record(request.log as Logger, {
      method: request.method, url: request.url, route: request.routeOptions.url ?? UNMATCHED_ROUTE,
      status: reply.statusCode, ms: reply.elapsedTime, code: reply.parleyErrorCode,
    });
    done();
  });
}
