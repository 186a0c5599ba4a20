import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { createApiKeyChecker } from './api/api-keys.ts';
import { deadLetterRoutes } from './api/dead-letters.ts';
import { outboxRoutes } from './api/outbox.ts';
import { connectorRoutes } from './api/connectors.ts';
import { resyncRoutes, type ResyncRouteOptions } from './api/resyncs.ts';
import { peopleRoutes, type PeopleRouteOptions } from './api/people.ts';
import { mappingRoutes, type MappingRouteOptions } from './api/mappings.ts';
import { crisisRoutes } from './api/rules.ts';
import type { CompiledRule } from './rules/index.ts';
import { erasureRoutes } from './api/erasures.ts';
import { consentRoutes } from './api/consent.ts';
import { provenanceRoutes } from './api/provenance.ts';
import type { Eraser } from './erasures/eraser.ts';
import type { DestinationStatus } from './outbox/dispatcher.ts';
import { eventRoutes } from './api/events.ts';
import { healthRoutes } from './api/health.ts';
import type { ParleyConfig } from './config/schema.ts';
import type { ActiveSandbox } from './connectors/destination-registry.ts';
import type { ActiveSource } from './connectors/registry.ts';
import { createClientErrorHandler } from './http/client-error.ts';
import { installErrorHandler } from './http/error-handler.ts';
import { createExpectationHandler, createRouterErrorHandler, installEarlyRefusals, MAX_PARAM_LENGTH } from './http/framework-refusals.ts';
import { registerOpenApi } from './http/openapi.ts';
import { createRequestRecorder, installRequestLog } from './http/request-log.ts';
import { mountSandboxes, rootPathRewriter } from './http/sandbox-mount.ts';
import type { Deriver } from './intake/deriver.ts';
import type { Intake } from './intake/intake-service.ts';
import { webhookRoutes } from './intake/webhook-routes.ts';
import { LazyChildLogger } from './logging/lazy-child.ts';
import type { Logger } from './logging/logger.ts';
import type { Metrics } from './metrics/metrics.ts';
import type { MappingReplayer } from './outbox/planner.ts';
import type { Store } from './store/store.ts';

/** Everything the HTTP app needs, built by the caller (main.ts or a test). */
export interface AppDependencies {
  config: ParleyConfig;
  store: Store;
  intake: Intake;
  deriver: Deriver;
  sources: ActiveSource[];
  /** Vendor simulators to mount at `/sandbox/<id>`. */
  sandboxes?: ActiveSandbox[];
  /** PARLEY_DATA_DIR, where sandboxes may keep their records. */
  dataDir?: string;
  /** Called after a replay queued operations again (the dispatcher listens). */
  onReplayed?: () => void;
  /** Runs mappings again for replays of dead letters of stage `mapping` (the planner); absent without mappings. */
  mappingReplayer?: MappingReplayer;
  /** The destinations' state, for `GET /v1/connectors`. */
  connectorStatus?: () => DestinationStatus[];
  /** Erasures (right to erasure): `POST /v1/persons/:id/erase`; absent, the routes answer 404. */
  eraser?: Eraser;
  /** Resync jobs' routes: which destinations can be resynced, whether a scope can be pulled, and who runs the jobs. */
  resyncs?: Pick<ResyncRouteOptions, 'destinations' | 'canPull' | 'onChange' | 'newId'>;
  /** People routes: the destinations whose records a person view shows, record addresses, and who hears of a change (the people indexer). */
  people?: Pick<PeopleRouteOptions, 'destinations' | 'recordUrl' | 'onChange'>;
  /** The mapping registry and the catalogs edits and previews are checked against; without it, no /v1/mappings routes. */
  mappings?: Pick<MappingRouteOptions, 'registry' | 'catalogs'>;
  /** The crisis rules loaded; the /v1/rules and /v1/incidents routes (none loaded: an empty list). */
  rules?: () => readonly CompiledRule[];
  logger: Logger;
  metrics: Metrics;
  now: () => Date;
}

/** Wires the HTTP app: no I/O of its own beyond what the dependencies do. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const server = deps.config.server;
  const httpLogger = deps.logger.child({ component: 'http' });
  const record = createRequestRecorder(deps.metrics);
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the app's type the default one plugins expect.
    loggerInstance: httpLogger as FastifyBaseLogger,
    // Fastify's two lines per request are replaced by one (http/request-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (logger, bindings, options) => new LazyChildLogger(logger as Logger, bindings, options) as unknown as FastifyBaseLogger,
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    forceCloseConnections: 'idle',
    clientErrorHandler: createClientErrorHandler({ requestTimeoutMs: server.requestTimeoutMs, logger: httpLogger, metrics: deps.metrics }),
    // What Node and Fastify refuse before a route runs answers Parley's error body (http/framework-refusals.ts):
    // the router's refusals here; a missing Host and a request during shutdown in a hook instead.
    frameworkErrors: createRouterErrorHandler({ metrics: deps.metrics, record }),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // A published client that sends vendor paths to the root still reaches its sandbox (jsforce's bulk2).
    rewriteUrl: rootPathRewriter(deps.sandboxes ?? []),
    return503OnClosing: false,
    // Node's own timeouts guard against slow clients: a request must arrive whole within
    // requestTimeoutMs (else 408 and the socket is closed), its headers within headersTimeoutMs.
    serverFactory: (handler) => {
      const http = createServer({
        requireHostHeader: false,
        requestTimeout: server.requestTimeoutMs,
        headersTimeout: Math.min(server.headersTimeoutMs, server.requestTimeoutMs),
        keepAliveTimeout: server.keepAliveTimeoutMs,
        connectionsCheckingInterval: server.timeoutCheckIntervalMs,
      }, handler);
      http.setTimeout(server.connectionTimeoutMs);
      http.on('checkExpectation', createExpectationHandler({ metrics: deps.metrics, record, logger: httpLogger }));
      return http;
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installEarlyRefusals(app, deps.metrics);
  installErrorHandler(app, { requestTimeoutMs: server.requestTimeoutMs, metrics: deps.metrics });
  installRequestLog(app, record);
  await registerOpenApi(app);

  const auth = createApiKeyChecker(deps.config.apiKeys);
  await app.register(healthRoutes, { store: deps.store, metrics: deps.metrics });
  await app.register(webhookRoutes, { sources: deps.sources, intake: deps.intake, metrics: deps.metrics, now: deps.now });
  await app.register(eventRoutes, { store: deps.store, deriver: deps.deriver, auth });
  await app.register(deadLetterRoutes, {
    store: deps.store, auth, now: deps.now, ...(deps.onReplayed ? { onReplayed: deps.onReplayed } : {}), ...(deps.mappingReplayer ? { mappingReplayer: deps.mappingReplayer } : {}),
  });
  await app.register(outboxRoutes, { store: deps.store, auth });
  await app.register(connectorRoutes, { status: deps.connectorStatus ?? (() => []), auth });
  if (deps.eraser) await app.register(erasureRoutes, { store: deps.store, auth, now: deps.now, eraser: deps.eraser });
  await app.register(resyncRoutes, { store: deps.store, auth, now: deps.now, destinations: [], newId: randomUUID, ...deps.resyncs });
  await app.register(peopleRoutes, { store: deps.store, auth, now: deps.now, destinations: [], ...deps.people });
  await app.register(consentRoutes, { store: deps.store, auth, now: deps.now, policy: deps.config.policies.consent });
  await app.register(provenanceRoutes, { store: deps.store, auth });
  if (deps.mappings) await app.register(mappingRoutes, { store: deps.store, auth, ...deps.mappings });
  await app.register(crisisRoutes, { store: deps.store, auth, rules: deps.rules ?? (() => []) });
  await mountSandboxes(app, deps.sandboxes ?? [], deps.dataDir ?? '.');
  return app;
}
