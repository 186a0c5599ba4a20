import type { FastifyInstance } from 'fastify';
import type { Logger } from '../logging/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';

/**
 * One log line and one metric sample per request, written when the response is done. The URL is
 * logged without its query string (tokens and filters stay out of the log); headers not at all.
 */
export function installRequestLog(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, seconds);
    if (!(request.log as Logger).isLevelEnabled('info')) return;
    request.log.info({
      method: request.method, path: request.url.split('?')[0], route, status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10, ...(reply.parleyErrorCode ? { code: reply.parleyErrorCode } : {}),
    }, 'request');
  });
}
