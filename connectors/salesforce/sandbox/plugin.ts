import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { defineSandbox, type SandboxSetupContext, type SandboxVendor } from '../../../src/connectors/index.ts';
import { SandboxAuth, ORG_ID } from './auth.ts';
import { apiVersion, CALL, type CallState, type SandboxRequest } from './call-state.ts';
import { COMPOSITE_LIMIT, GRAPH_LIMIT, GRAPH_NODE_LIMIT, parseSubrequests, runSubrequests, type Subrequest } from './composite.ts';
import { SalesforceSandboxConfig } from './config.ts';
import { BulkJobs } from './bulk-jobs.ts';
import { registerBulkRoutes } from './bulk-routes.ts';
import { buildDescribes, describeAt, describeGlobal, limitsBody } from './describes.ts';
import { FAULTS, LIMIT_ERROR, RULES, type CallKind } from './faults.ts';
import { SandboxOrg } from './org.ts';
import { registerRecordRoutes } from './record-routes.ts';
import { RecordStore } from './record-store.ts';
import { QueryCursors } from './query-cursors.ts';
import { SoqlError, runSoql } from './soql.ts';
import { SalesforceRequestError } from './types.ts';
import { isServedVersion, versionsList } from './versions.ts';
import { batchSize, safeJson, sendJson } from './wire.ts';


/**
 * The Salesforce sandbox: answers Salesforce's REST API under its own paths
 * (`/services/oauth2/token`, `/services/data/vXX.X/…`), so jsforce or any Salesforce client pointed
 * at `http://host:port/sandbox/salesforce` works unchanged. Wire facts: ../shared/reference/salesforce.md
 * (from Salesforce's REST API Developer Guide and jsforce 3's source). `_faults`, `_stats`, the
 * quota and latency are the sandbox kit's (src/connectors/sandbox-kit/); this folder holds the vendor's facts.
 */
export const salesforceSandboxDefinition = defineSandbox<SalesforceSandboxConfig, CallKind>({
  configSchema: SalesforceSandboxConfig,
  faults: FAULTS,
  rules: RULES,
  limitErrorCode: LIMIT_ERROR.errorCode,
  dailyLimit: (config) => config.dailyLimit,
  initialFaults: (config) => config.faults,
  // Salesforce takes request bodies far larger than Parley's webhook limit [unconfirmed: 50 MB assumed].
  bodyLimitBytes: 50 * 1024 * 1024,
  setup: setupSalesforce,
});

/** The sandbox's Fastify plugin, as mounted at `/sandbox/salesforce` (also by test/helpers/salesforce-sandbox.ts). */
export const salesforceSandbox = salesforceSandboxDefinition.plugin;

async function setupSalesforce(app: FastifyInstance, options: SandboxSetupContext<SalesforceSandboxConfig, CallKind>): Promise<SandboxVendor> {
  const { config, kit } = options;
  const auth = new SandboxAuth(config);
  kit.onExpireSessions(() => auth.expireAll());
  const file = config.file ? options.dataFile(config.file) : undefined;
  const store = new RecordStore({ file });
  const describes = buildDescribes({ fieldOverrides: config.fieldOverrides as never, customFields: config.customFields as never });
  const org = new SandboxOrg({ describes, store, userId: auth.defaultUserId });
  const cursors = new QueryCursors();
  org.recordRule = (object, record) => {
    const rule = kit.ruleFor(object, record);
    return rule ? { statusCode: rule.errorCode, message: rule.message, fields: [rule.field] } : undefined;
  };
  // Composite subrequests run through these same routes, marked so they are neither counted again
  // nor faulted; a composite holds off other calls while it runs, so its rollback undoes only its own writes.
  const subrequestToken = randomBytes(16).toString('hex');
  let compositeRunning: Promise<unknown> | undefined;

  // Clients such as simple-salesforce send `Content-Type: application/json` on a DELETE with no body.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if ((body as string).trim() === '') { done(null, undefined); return; }
    try { done(null, JSON.parse(body as string)); } catch (error) { done(Object.assign(error as Error, { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }), undefined); }
  });
  // Bulk API 2.0 uploads (`PUT /jobs/ingest/{id}/batches`) are CSV.
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => { done(null, body); });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.setErrorHandler((error: Error, request, reply) => {
    if (request.url.endsWith('/services/oauth2/token')) return sendJson(reply, 400, { error: 'invalid_request', error_description: 'the request body could not be read' });
    if (error instanceof SalesforceRequestError) return sendJson(reply, error.status, error.toBody());
    if (error instanceof SoqlError) return sendJson(reply, 400, [{ message: error.message, errorCode: error.errorCode }]);
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('FST_ERR_CTP_') || (error as { statusCode?: number }).statusCode === 400) {
      return sendJson(reply, 400, [{ message: `The request body is not valid JSON: ${error.message}`, errorCode: 'JSON_PARSER_ERROR' }]);
    }
    reply.log.error({ err: error }, 'salesforce sandbox failed');
    return sendJson(reply, 500, [{ message: 'An unexpected error occurred.', errorCode: 'UNKNOWN_EXCEPTION' }]);
  });
  app.setNotFoundHandler((_request, reply) => sendJson(reply, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]));

  // ---- OAuth 2.0 (reference §1) ----
  app.post('/services/oauth2/token', async (request, reply) => {
    const form = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, string>;
    const result = auth.token(form, options.baseUrl());
    if ('error' in result) return sendJson(reply, result.status, { error: result.error, error_description: result.error_description });
    return sendJson(reply, 200, result);
  });

  // The identity URL of the token response (OAuth 2.0 "Identity URLs"): who the session is.
  app.get('/id/:org/:user', async (request, reply) => {
    const session = auth.session(request.headers.authorization);
    if (!session) return sendJson(reply, 403, 'Bad_OAuth_Token');
    const { org: orgId, user } = request.params as { org: string; user: string };
    if (orgId !== ORG_ID || user !== session.userId) return sendJson(reply, 403, 'Bad_Id');
    const base = options.baseUrl();
    return sendJson(reply, 200, {
      id: `${base}/id/${ORG_ID}/${user}`, asserted_user: true, user_id: user, organization_id: ORG_ID,
      username: auth.usernameOf(user), nick_name: 'demo', display_name: 'Parley Demo', active: true, user_type: 'STANDARD',
      language: 'en_US', locale: 'en_US', utcOffset: 0,
      urls: { rest: `${base}/services/data/v{version}/`, sobjects: `${base}/services/data/v{version}/sobjects/`, query: `${base}/services/data/v{version}/query/` },
    });
  });

  // ---- Versions: not authenticated, not counted (reference §2) ----
  const versions = async (_request: FastifyRequest, reply: FastifyReply) => sendJson(reply, 200, versionsList());
  app.get('/services/data', versions);
  app.get('/services/data/', versions);

  // ---- Everything under /services/data/vXX.X: authenticated, counted, faults injected ----
  await app.register(async (data) => {
    data.addHook('onRequest', async (request: SandboxRequest, reply) => {
      const { version } = request.params as { version: string };
      const match = /^v(\d+\.\d)$/.exec(version ?? '');
      if (!match || !isServedVersion(match[1]!)) return sendJson(reply, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
      if (!auth.session(request.headers.authorization)) return sendJson(reply, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
      if (request.headers['x-sandbox-subrequest'] === subrequestToken) { request[CALL] = { apiVersion: match[1]! }; return; }
      while (compositeRunning) await compositeRunning.catch(() => undefined);
      const label = `${request.method} ${request.routeOptions.url?.replace(/^.*\/services\/data\/:version/, '') || '/'}`;
      const verdict = await kit.account({ endpoint: label, kind: callKind(request.method, label) });
      if (verdict.kind === 'over-limit') return sendJson(reply, LIMIT_ERROR.status, [{ message: LIMIT_ERROR.message, errorCode: LIMIT_ERROR.errorCode }]);
      // The usage as this call left it (REST guide, "Limit Info Header").
      reply.header('Sforce-Limit-Info', `api-usage=${verdict.usage.used}/${verdict.usage.limit}`);
      const state: CallState = { apiVersion: match[1]! };
      request[CALL] = state;
      if (verdict.kind === 'go') return;
      const { key: fault, spec } = verdict;
      if (spec.perRecord) { state.perRecordFault = fault; return; }
      if (spec.nonJson) return reply.code(spec.status).type('text/html').send(`<html><body><h1>${spec.status} ${spec.message}</h1></body></html>`);
      return sendJson(reply, spec.status, [{ message: spec.message, errorCode: spec.errorCode }]);
    });

    data.addHook('onSend', async (request: SandboxRequest) => {
      if (request.headers['x-sandbox-subrequest'] !== subrequestToken) await kit.afterWork();
    });

    data.get('/', async (request, reply) => {
      const v = apiVersion(request);
      const base = `/services/data/v${v}`;
      return sendJson(reply, 200, {
        tooling: `${base}/tooling`, composite: `${base}/composite`, query: `${base}/query`, queryAll: `${base}/queryAll`,
        sobjects: `${base}/sobjects`, limits: `${base}/limits`, search: `${base}/search`, recent: `${base}/recent`,
        identity: `${options.baseUrl()}/id/${ORG_ID}/${auth.defaultUserId}`,
      });
    });
    data.get('/limits', async (_request, reply) => { const usage = kit.usage(); return sendJson(reply, 200, limitsBody(usage.limit, usage.used)); });
    data.get('/sobjects', async (request, reply) => sendJson(reply, 200, describeGlobal(describes, apiVersion(request))));
    data.get('/sobjects/', async (request, reply) => sendJson(reply, 200, describeGlobal(describes, apiVersion(request))));
    data.get('/sobjects/:object/describe', async (request, reply) => {
      const describe = org.requireDescribe((request.params as { object: string }).object);
      return sendJson(reply, 200, describeAt(describe, apiVersion(request)));
    });
    data.get('/sobjects/:object', async (request, reply) => {
      const describe = org.requireDescribe((request.params as { object: string }).object);
      const global = describeGlobal(new Map([[describe.name, describe]]), apiVersion(request)).sobjects[0];
      return sendJson(reply, 200, { objectDescribe: global, recentItems: [] });
    });

    registerRecordRoutes(data, { org, random: () => kit.random() });
    const lock = FAULTS.UNABLE_TO_LOCK_ROW!;
    registerBulkRoutes(data, new BulkJobs({
      org, userId: auth.defaultUserId, settings: () => config.bulk, random: () => kit.random(),
      lockError: { statusCode: lock.errorCode, message: lock.message, fields: [] },
    }));

    // -- Composite and Composite Graph (reference §5): one call, subrequests in order, references between them --
    const runAtomically = async <T>(work: () => Promise<T>): Promise<T> => {
      const running = work();
      compositeRunning = running;
      try { return await running; } finally { if (compositeRunning === running) compositeRunning = undefined; }
    };
    const execute = (request: FastifyRequest) => async (sub: { method: string; url: string; body?: unknown }) => {
      let response;
      try {
        response = await app.inject({
        method: sub.method as 'GET', url: `${app.prefix}${sub.url}`,
        headers: { authorization: request.headers.authorization ?? '', 'x-sandbox-subrequest': subrequestToken, ...(sub.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(sub.body !== undefined ? { payload: JSON.stringify(sub.body) } : {}),
        });
      } catch (error) {
        return { status: 400, body: [{ errorCode: 'INVALID_INPUT', message: `The subrequest could not be run: ${(error as Error).message}` }] };
      }
      const body = response.body === '' ? null : safeJson(response.body);
      const created = response.statusCode === 201 && typeof (body as { id?: unknown } | null)?.id === 'string';
      const object = /\/sobjects\/([^/?]+)/.exec(sub.url)?.[1];
      return { status: response.statusCode, body, ...(created && object ? { location: `${sub.url.replace(/\/sobjects\/.*$/, '')}/sobjects/${object}/${(body as { id: string }).id}` } : {}) };
    };
    const transaction = () => { const checkpoint = store.checkpoint(); return () => store.rollback(checkpoint); };

    data.post('/composite', async (request, reply) => {
      const body = (request.body ?? {}) as { allOrNone?: unknown; compositeRequest?: unknown };
      const requests = parseSubrequests(body.compositeRequest);
      if (requests.length > COMPOSITE_LIMIT) throw new SalesforceRequestError(400, 'LIMIT_EXCEEDED', `Composite request can contain at most ${COMPOSITE_LIMIT} subrequests`);
      const compositeResponse = await runAtomically(async () => {
        const rollback = transaction();
        return runSubrequests(requests, { allOrNone: body.allOrNone === true, execute: execute(request), rollback });
      });
      return sendJson(reply, 200, { compositeResponse });
    });
    data.post('/composite/graph', async (request, reply) => {
      const body = (request.body ?? {}) as { graphs?: unknown };
      if (!Array.isArray(body.graphs) || body.graphs.length === 0) throw new SalesforceRequestError(400, 'JSON_PARSER_ERROR', 'graphs must be a non-empty array');
      if (body.graphs.length > GRAPH_LIMIT) throw new SalesforceRequestError(400, 'LIMIT_EXCEEDED', `A request can contain at most ${GRAPH_LIMIT} graphs`);
      const graphs = body.graphs.map((g, i) => {
        const graph = g as { graphId?: unknown; compositeRequest?: unknown } | null;
        if (!graph || typeof graph.graphId !== 'string') throw new SalesforceRequestError(400, 'JSON_PARSER_ERROR', `graphs[${i}] needs a graphId`);
        return { graphId: graph.graphId, requests: parseSubrequests(graph.compositeRequest) };
      });
      const nodes = graphs.reduce((n, g) => n + g.requests.length, 0);
      if (nodes > GRAPH_NODE_LIMIT) throw new SalesforceRequestError(400, 'LIMIT_EXCEEDED', `A request can contain at most ${GRAPH_NODE_LIMIT} nodes; this one has ${nodes}`);
      // Each graph is atomic: all its nodes succeed, or it is rolled back alone.
      const results = await runAtomically(async () => {
        const out: Array<{ graphId: string; graphResponse: { compositeResponse: unknown[] }; isSuccessful: boolean }> = [];
        for (const graph of graphs) {
          const rollback = transaction();
          const compositeResponse = await runSubrequests(graph.requests as Subrequest[], { allOrNone: true, execute: execute(request), rollback });
          out.push({ graphId: graph.graphId, graphResponse: { compositeResponse }, isSuccessful: compositeResponse.every((r) => r.httpStatusCode < 400) });
        }
        return out;
      });
      return sendJson(reply, 200, { graphs: results });
    });

    // -- Query (reference §6) --
    const query = (includeDeleted: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
      const q = (request.query as { q?: string }).q;
      if (!q) throw new SalesforceRequestError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
      const v = apiVersion(request);
      const result = runSoql(q, {
        describe: (name) => org.describe(name),
        records: (name) => org.describe(name) ? store.live(org.describe(name)!.name).values() : [],
        deletedRecords: (name) => org.describe(name) ? store.deleted(org.describe(name)!.name) : [],
        recordById: (id) => org.byId(id),
      }, { apiVersion: v, includeDeleted });
      const page = cursors.firstPage(result, batchSize(request, config.queryBatchSize), v);
      return sendJson(reply, 200, page);
    };
    data.get('/query', query(false));
    data.get('/query/', query(false));
    data.get('/queryAll', query(true));
    data.get('/queryAll/', query(true));
    const more = async (request: FastifyRequest, reply: FastifyReply) => {
      const { locator } = request.params as { locator: string };
      const page = cursors.nextPage(locator, apiVersion(request));
      if (!page) throw new SalesforceRequestError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
      return sendJson(reply, 200, page);
    };
    data.get('/query/:locator', more);
    data.get('/queryAll/:locator', more);
  }, { prefix: '/services/data/:version' });
  return { records: () => store.counts(), close: () => store.flush() };
}

function callKind(method: string, label: string): CallKind {
  if (label.includes('/query')) return 'query';
  if (method === 'GET' || (method === 'POST' && /\/composite\/sobjects\/:object$/.test(label))) return 'read';
  return 'write';
}
