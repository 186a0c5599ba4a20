import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { defineSandbox, oauthTokenEndpoint, type SandboxSetupContext, type SandboxVendor } from '../../../src/connectors/index.ts';
import { shippedMetadata } from '../metadata/catalog.ts';
import { errorBody } from '../odata/json.ts';
import { SandboxAuth } from './auth.ts';
import { runBatch } from './batch.ts';
import { NodeModel } from './child-nodes.ts';
import { SapC4cSandboxConfig } from './config.ts';
import { EntityStore } from './entity-store.ts';
import { FAULTS, LIMIT_ERROR, RULES, type CallKind } from './faults.ts';
import { ODataService, type ODataAnswer } from './odata-service.ts';
import { checkSamlBearerGrant, TOKEN_PATH, TOKEN_REALM } from './saml-bearer-token.ts';

/** The service root below the sandbox's mount (reference §1). */
export const SERVICE_PATH = '/sap/c4c/odata/v1/c4codataapi';

/**
 * The SAP C4C sandbox: answers the c4codataapi OData v2 service under its real path, so an OData v2
 * client pointed at `http://host:port/sandbox/sap-c4c/sap/c4c/odata/v1/c4codataapi/` works unchanged.
 * The SAML bearer token endpoint is at `/sandbox/sap-c4c/sap/bc/sec/oauth2/token` (saml-bearer-token.ts).
 * Wire facts: ../shared/reference/sap-c4c.md. `_faults`, `_stats`, quota and latency are the sandbox
 * kit's; this folder holds C4C's facts.
 */
export const sapC4cSandboxDefinition = defineSandbox<SapC4cSandboxConfig, CallKind>({
  configSchema: SapC4cSandboxConfig,
  faults: FAULTS,
  rules: RULES,
  limitErrorCode: LIMIT_ERROR.errorCode,
  dailyLimit: (config) => config.dailyLimit,
  initialFaults: (config) => config.faults,
  // A $batch of 1000 operations is far beyond Fastify's 1 MiB default; C4C's own limit is undocumented [unconfirmed: 50 MB].
  bodyLimitBytes: 50 * 1024 * 1024,
  setup: setupSapC4c,
});

/** The sandbox's Fastify plugin, as mounted at `/sandbox/sap-c4c`. */
export const sapC4cSandbox = sapC4cSandboxDefinition.plugin;

const send = (reply: FastifyReply, answer: ODataAnswer) => reply.code(answer.status).headers(answer.headers).send(answer.body);
const sendError = (reply: FastifyReply, status: number, message: string) =>
  reply.code(status).headers({ 'content-type': 'application/json', dataserviceversion: '2.0' }).send(JSON.stringify(errorBody(message)));

async function setupSapC4c(app: FastifyInstance, options: SandboxSetupContext<SapC4cSandboxConfig, CallKind>): Promise<SandboxVendor> {
  const { config, kit } = options;
  const { xml, model } = shippedMetadata();
  // Date.now read at each call, not captured, so a test can move the clock (vi.setSystemTime) under a running sandbox.
  const now = () => Date.now();
  const auth = new SandboxAuth(config, now);
  kit.onExpireSessions(() => auth.expireAll());
  const store = new EntityStore(config.file ? { file: options.dataFile(config.file) } : {});
  const serviceRoot = () => `${options.baseUrl()}${SERVICE_PATH}/`;
  const service = new ODataService({
    model, nodes: new NodeModel(model), store, serviceRoot, now, pageSize: config.pageSize, expandPageSize: config.expandPageSize,
    ticketReferenceTypeCode: config.ticketReferenceTypeCode,
    refuse: (type, properties) => kit.ruleFor(type, properties)?.message,
  });
  // A data file from before child nodes had their own sets keeps them nested in the parent.
  if (service.adoptNestedChildren() > 0) store.flush();

  app.setErrorHandler((error: Error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 413 || status === 400 || status === 415) return sendError(reply, status, error.message);
    request.log.error({ err: error }, 'sap-c4c sandbox failed');
    return sendError(reply, 500, 'Internal error');
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, `Resource not found for the segment '${request.url.split('?')[0]}'`));

  await app.register(oauthTokenEndpoint({
    path: TOKEN_PATH, realm: TOKEN_REALM, credentials: auth.credentials, ttlSeconds: config.tokenTtlSeconds, checkGrant: checkSamlBearerGrant,
  }));

  await app.register(async (odata) => {
    // Bodies are read as text: JSON for single calls, multipart for $batch, and DELETEs may carry a
    // JSON type with no body. Only inside the service: the kit's `_faults` route keeps Fastify's JSON parser.
    odata.removeAllContentTypeParsers();
    odata.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    odata.addHook('onRequest', async (request, reply) => {
      if (!auth.authenticated(request.headers.authorization)) {
        return reply.code(401).header('www-authenticate', 'Basic realm="SAP C4C"').type('text/plain').send('Unauthorized');
      }
      const cookie = request.headers.cookie;
      if (request.method === 'GET' && String(request.headers['x-csrf-token'] ?? '').toLowerCase() === 'fetch') {
        const existing = auth.tokenOf(cookie);
        if (existing) reply.header('x-csrf-token', existing);
        else { const issued = auth.issue(); reply.header('x-csrf-token', issued.token).header('set-cookie', issued.setCookie); }
      }
      const write = request.method !== 'GET' && request.method !== 'HEAD';
      if (write && !auth.csrfValid(request.headers['x-csrf-token'] as string | undefined, cookie)) {
        return reply.code(403).header('x-csrf-token', 'Required').type('text/plain').send('CSRF token validation failed');
      }
      const path = request.url.split('?')[0]!.slice(request.url.indexOf(SERVICE_PATH) + SERVICE_PATH.length);
      const kind: CallKind = path === '/$batch' ? 'batch' : write ? 'write' : 'read';
      const label = `${request.method} ${endpointLabel(path)}`;
      const verdict = await kit.account({ endpoint: label, kind });
      if (verdict.kind === 'over-limit') return sendError(reply, LIMIT_ERROR.status, LIMIT_ERROR.message);
      if (verdict.kind === 'go') return;
      const { spec } = verdict;
      if (verdict.key === 'CSRF_REQUIRED') return reply.code(403).header('x-csrf-token', 'Required').type('text/plain').send(spec.message);
      return sendError(reply, spec.status, spec.message);
    });
    odata.addHook('onSend', async () => { await kit.afterWork(); });

    // The service document (JSON form of OData v2's AtomPub service document); the trailing `/` is required (reference §1).
    odata.get('/', async (_request, reply) => send(reply, {
      status: 200, headers: { 'content-type': 'application/json', dataserviceversion: '2.0' },
      body: JSON.stringify({ d: { EntitySets: [...model.entitySets.keys()] } }),
    }));
    // The real metadata, byte for byte (artifact of a 2021 tenant); `sap-label`/`$filter` subsets are not simulated.
    odata.get('/$metadata', async (_request, reply) => reply.code(200).headers({ 'content-type': 'application/xml', dataserviceversion: '2.0' }).send(xml));
    odata.post('/$batch', async (request, reply) => send(reply, runBatch({
      contentType: request.headers['content-type'], body: typeof request.body === 'string' ? request.body : '',
      service, store, maxOperations: config.batchMaxOperations, status: config.batchStatus,
    })));
    const resource = async (request: FastifyRequest, reply: FastifyReply) => {
      const [pathPart = '', queryPart = ''] = request.url.slice(request.url.indexOf(SERVICE_PATH) + SERVICE_PATH.length + 1).split(/\?(.*)/s);
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
      const body = typeof request.body === 'string' ? request.body : undefined;
      return send(reply, service.execute({ method: request.method, path: pathPart, query: new URLSearchParams(queryPart), headers, ...(body !== undefined ? { body } : {}) }));
    };
    odata.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: '/*', handler: resource });
  }, { prefix: SERVICE_PATH });

  return {
    records: () => new Map([...store.counts()].map(([set, n]) => [model.entitySets.get(set)?.entityType ?? set, n])),
    close: () => store.flush(),
  };
}

/** A route pattern for `_stats.calls`: keys replaced by `(…)`, never an id. */
function endpointLabel(path: string): string {
  return path.replace(/\('[^']*'\)/g, "('…')") || '/';
}
