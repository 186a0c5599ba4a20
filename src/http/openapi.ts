import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/** Parley's API version, as published in the OpenAPI document. */
export const API_VERSION = '0.1.0';

/**
 * Builds the OpenAPI document from the route schemas (zod, through fastify-type-provider-zod) and
 * serves it with Swagger UI at `/docs`. `openapi/openapi.json` is this document, written by
 * `npm run openapi`; a test fails when the two drift apart.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Parley',
        version: API_VERSION,
        description: 'Webhook intake and the operations API of Parley. Errors everywhere have the body `{ "error": { "code", "message", "details" } }`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key from parley.yaml `apiKeys`; scopes read < operate < admin' } } },
      tags: [
        { name: 'webhooks', description: 'Signed deliveries and handshakes from the social networks' },
        { name: 'events', description: 'Canonical events taken in' },
        { name: 'dead letters', description: 'What could not be processed, with the reason' },
        { name: 'operations', description: 'Liveness, readiness and metrics' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
}
