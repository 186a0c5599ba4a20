import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../http/error-body.ts';
import type { DestinationStatus } from '../outbox/dispatcher.ts';
import type { ApiKeyChecker } from './api-keys.ts';

const ConnectorResource = z.object({
  id: z.string().describe('the destination\'s name in parley.yaml'),
  connector: z.string(),
  state: z.enum(['connecting', 'ready', 'paused', 'misconfigured', 'unreachable'])
    .describe('paused: the CRM\'s API quota (or the reserve of it), until pausedUntil; misconfigured: credentials, config, a host or a mapping refused, needs a person; unreachable: the network (refused, DNS, TLS, timeout), retried with backoff'),
  action: z.string().describe('what an operator should do about the state'),
  pausedUntil: z.string().optional().describe('when a paused, unreachable or misconfigured destination is tried again'),
  usage: z.object({ used: z.number(), limit: z.number(), at: z.string() }).optional().describe('API calls used in the CRM\'s window and its quota, as the CRM last reported them'),
  budgetRemaining: z.number().optional().describe('calls Parley may still make in the window, after the reserve kept for the org\'s other integrations'),
  lastError: z.object({ code: z.string(), message: z.string() }).optional(),
}).meta({ id: 'Connector' });

/** `GET /v1/connectors` (scope `read`): each destination's health, limiter state and API budget. */
export async function connectorRoutes(app: FastifyInstance, options: { status: () => Array<DestinationStatus & { budgetRemaining?: number }>; auth: ApiKeyChecker }): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get('/v1/connectors', {
    onRequest: options.auth.require('read'),
    schema: {
      summary: 'Destinations: health, limiter state, API calls used and budget remaining', tags: ['connectors'], security: [{ bearer: [] }],
      response: { 200: z.object({ items: z.array(ConnectorResource) }), 401: ErrorBody, 403: ErrorBody },
    },
  }, async () => ({ items: options.status() }));
}
