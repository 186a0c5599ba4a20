import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { defineSandbox, oauthTokenEndpoint, SandboxCredentials, type SandboxSetupContext, type SandboxVendor } from '../../../src/connectors/index.ts';
import { runBatch } from './batch.ts';
import { OracleCxSandboxConfig } from './config.ts';
import { frameworkVersion, OracleCxError, renderError, wantsJsonErrors } from './errors.ts';
import { FAULTS, LIMIT_ERROR, RULES, type CallKind } from './faults.ts';
import { RecordStore } from './record-store.ts';
import { TABLES } from './resource-model.ts';
import { ResourceService, type ApiAnswer } from './resource-service.ts';
import { checkOracleGrant, TOKEN_PATH, TOKEN_REALM } from './token-endpoint.ts';
import { RecordWriter } from './writes.ts';

/** The REST API's resources path below the pod (and the sandbox's mount), reference §1. */
export const RESOURCES_PATH = '/crmRestApi/resources';
/** The version this pod serves. */
export const VERSION = '11.13.18.05';
/** The version root below the sandbox's mount (reference §1). */
export const VERSION_ROOT = `${RESOURCES_PATH}/${VERSION}`;

/**
 * The Oracle CX Sales / Fusion Service sandbox: the `crmRestApi` ADF REST resources socialUsers,
 * socialPosts, serviceRequests (+ child messages) and contacts under their real paths, so a client
 * pointed at `http://host:port/sandbox/oracle-cx/crmRestApi/resources/11.13.18.05/` works unchanged,
 * the batch endpoint at that root, and an IDCS-style token endpoint at `/sandbox/oracle-cx/oauth2/v1/token`.
 * Wire facts: ../shared/reference/oracle-cx.md. `_faults`, `_stats`, quota and latency are the kit's.
 */
export const oracleCxSandboxDefinition = defineSandbox<OracleCxSandboxConfig, CallKind>({
  configSchema: OracleCxSandboxConfig,
  faults: FAULTS,
  rules: RULES,
  limitErrorCode: LIMIT_ERROR.errorCode,
  dailyLimit: (config) => config.dailyLimit,
  initialFaults: (config) => config.faults,
  // Batches of 50 parts with long post contents pass Fastify's 1 MiB default; Oracle's limit is undocumented.
  bodyLimitBytes: 20 * 1024 * 1024,
  setup: setupOracleCx,
});

/** The sandbox's Fastify plugin, as mounted at `/sandbox/oracle-cx`. */
export const oracleCxSandbox = oracleCxSandboxDefinition.plugin;

const send = (reply: FastifyReply, answer: ApiAnswer) =>
  reply.code(answer.status).headers(answer.headers).send(answer.raw ?? (answer.json === undefined ? '' : JSON.stringify(answer.json)));

/** A route pattern for `_stats.calls`: keys replaced by `{id}`, never an id. */
export function endpointLabel(method: string, path: string): string {
  const segments = path.split('/').filter((s) => s !== '');
  const pattern = segments.map((s, i) => ((i === 1 && s !== 'describe') || i === 4 ? '{id}' : s));
  return `${method} /${pattern.join('/')}`;
}

async function setupOracleCx(app: FastifyInstance, options: SandboxSetupContext<OracleCxSandboxConfig, CallKind>): Promise<SandboxVendor> {
  const { config, kit } = options;
  // Date.now read at each call, so a test can move the clock (vi.setSystemTime) under a running sandbox.
  const now = () => Date.now();
  // Basic users, and Bearer tokens the token endpoint issued (reference §1): the kit's store as is.
  const auth = new SandboxCredentials(config, now);
  kit.onExpireSessions(() => auth.revokeAll());
  const store = new RecordStore({ indexes: RecordWriter.INDEXES, ...(config.file ? { file: options.dataFile(config.file) } : {}) });
  const writer = new RecordWriter({ store, config, now, refuse: (object, values) => kit.ruleFor(object, values) });
  const service = new ResourceService({
    store, writer, root: () => `${options.baseUrl()}${VERSION_ROOT}`, maxLimit: config.maxLimit, upsertUpdateStatus: config.upsertUpdateStatus,
  });
  const jsonErrors = (request: FastifyRequest, version: number) => wantsJsonErrors(config, version, request.headers.accept);
  const sendError = (reply: FastifyReply, error: OracleCxError, json: boolean) => {
    const rendered = renderError(error, json);
    return reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
  };

  app.setErrorHandler((error: Error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode;
    const json = jsonErrors(request, (request as FastifyRequest & { frameworkVersion?: number }).frameworkVersion ?? 1);
    if (status !== undefined && status >= 400 && status < 500) return sendError(reply, new OracleCxError(status, error.message), json);
    request.log.error({ err: error }, 'oracle-cx sandbox failed');
    return sendError(reply, new OracleCxError(500, 'Internal Server Error'), json);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, new OracleCxError(404, `The requested resource ${request.url.split('?')[0]} was not found.`), jsonErrors(request, 1)));

  await app.register(oauthTokenEndpoint({ path: TOKEN_PATH, realm: TOKEN_REALM, credentials: auth, ttlSeconds: config.tokenTtlSeconds, checkGrant: checkOracleGrant }));

  await app.register(async (api) => {
    // Bodies are read as text and parsed here, so a bad JSON body is answered in Oracle's error format.
    api.removeAllContentTypeParsers();
    api.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    api.decorateRequest('frameworkVersion', 1);
    api.addHook('onRequest', async (request, reply) => {
      if (!auth.authenticated(request.headers.authorization)) {
        return reply.code(401).headers({ 'www-authenticate': 'Basic realm="Oracle Fusion"', 'content-type': 'text/plain; charset=utf-8' }).send('Unauthorized');
      }
      let version: number;
      try { version = frameworkVersion(request.headers['rest-framework-version']); } catch (error) {
        return sendError(reply, error as OracleCxError, jsonErrors(request, 1));
      }
      (request as FastifyRequest & { frameworkVersion: number }).frameworkVersion = version;
      const path = relativePath(request.url);
      const kind: CallKind = request.method === 'GET' ? 'read' : path === '' ? 'batch' : 'write';
      const verdict = await kit.account({ endpoint: endpointLabel(request.method, path), kind });
      if (verdict.kind === 'go') return;
      const { status, message } = verdict.kind === 'over-limit' ? LIMIT_ERROR : verdict.spec;
      const retryAfter = status === 429 && config.rateLimitRetryAfterSeconds > 0 ? { 'retry-after': String(config.rateLimitRetryAfterSeconds) } : undefined;
      return sendError(reply, new OracleCxError(status, message, { errorCode: `HTTP-${status}`, ...(retryAfter ? { headers: retryAfter } : {}) }), jsonErrors(request, version));
    });
    api.addHook('onSend', async () => { await kit.afterWork(); });

    // The versions this pod serves (reference §1: `adf:extension` names the framework versions).
    api.get('/', async (_request, reply) => send(reply, {
      status: 200, headers: { 'content-type': 'application/json' },
      json: {
        items: [{ version: VERSION, isLatest: true, links: [{ rel: 'self', href: `${options.baseUrl()}${VERSION_ROOT}`, name: VERSION, kind: 'collection' }] }],
        'adf:extension': { defaultFrameworkVersion: '1', allowedFrameworkVersions: ['1', '2', '3', '4', '5', '6', '7', '8', '9'] },
      },
    }));

    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const version = (request as FastifyRequest & { frameworkVersion: number }).frameworkVersion;
      const [, queryPart = ''] = request.url.split(/\?(.*)/s);
      const path = relativePath(request.url);
      try {
        const body = parseBody(request);
        if (path === '' && request.method === 'POST') {
          return send(reply, runBatch({ body, service, store, version, failureStatus: config.batchFailureStatus }));
        }
        return send(reply, service.execute({
          method: request.method, path, query: new URLSearchParams(queryPart), version,
          upsert: String(request.headers['upsert-mode'] ?? '').toLowerCase() === 'true',
          ...(typeof request.headers['if-match'] === 'string' ? { ifMatch: request.headers['if-match'] } : {}),
          ...(typeof request.headers['if-none-match'] === 'string' ? { ifNoneMatch: request.headers['if-none-match'] } : {}),
          ...(body !== undefined ? { body } : {}),
        }));
      } catch (error) {
        if (!(error instanceof OracleCxError)) throw error;
        return sendError(reply, error, jsonErrors(request, version));
      }
    };
    for (const version of [VERSION, 'latest']) {
      api.route({ method: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'], url: `/${version}`, handler });
      api.route({ method: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'], url: `/${version}/*`, handler });
    }
  }, { prefix: RESOURCES_PATH });

  return {
    records: () => {
      const counts = store.counts();
      return new Map(TABLES.map((t) => [t.name, counts.get(t.name) ?? 0]));
    },
    close: () => store.flush(),
  };
}

/** The request's path below the version root, without query or slashes at the ends (`socialPosts/3…`); '' for the root. */
function relativePath(url: string): string {
  const path = url.split('?')[0]!;
  const at = path.indexOf(RESOURCES_PATH);
  return path.slice(at + RESOURCES_PATH.length).replace(/^\/[^/]+/, '').replace(/^\/+|\/+$/g, '');
}

/**
 * A request's JSON body (undefined when empty). @throws OracleCxError 415 for a type that is not
 * JSON (`application/json`, `…resourceitem+json`, `…batch+json`), 400 for text that is not JSON
 */
function parseBody(request: FastifyRequest): unknown {
  const text = typeof request.body === 'string' ? request.body : '';
  if (text.trim() === '') return undefined;
  const type = String(request.headers['content-type'] ?? '').toLowerCase();
  if (!/^application\/(json|vnd\.oracle\.adf\.[a-z]+\+json)\s*(;|$)/.test(type)) {
    throw new OracleCxError(415, `The media type ${type || '(none)'} is not supported. Use application/vnd.oracle.adf.resourceitem+json.`, { errorCode: 'OAS-MEDIA-TYPE' });
  }
  try { return JSON.parse(text); } catch {
    throw new OracleCxError(400, 'The request body is not valid JSON.', { errorCode: 'OAS-BAD-BODY' });
  }
}
