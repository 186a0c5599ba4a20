import type { FastifyInstance } from 'fastify';
import type { Logger } from '../logging/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';

/**
 * One log line and one metric sample per request, written when the response is done. The URL is
 * logged without its query string (tokens and filters stay out of the log); headers not at all.
 */
export function installRequestLog(app: FastifyInstance, metrics: Metrics): void {
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
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const ms = reply.elapsedTime;
    const s = series(request.method, route, reply.statusCode);
    s.count();
    s.time(ms / 1000);
    if ((request.log as Logger).isLevelEnabled('info')) {
      request.log.info({
        method: request.method, path: request.url.split('?')[0], route, status: reply.statusCode,
        ms: Math.round(ms * 10) / 10, ...(reply.parleyErrorCode ? { code: reply.parleyErrorCode } : {}),
      }, 'request');
    }
    done();
  });
}
