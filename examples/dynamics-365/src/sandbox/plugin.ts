import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { defineSandbox, type FaultSpec, type SandboxSetupContext, type SandboxVendor } from 'parley/sdk';
import { API_PATH } from '../odata.ts';
import { SandboxTokens } from './auth.ts';
import { runBatch } from './batch.ts';
import { DynamicsSandboxConfig } from './config.ts';
import { FAULTS, LIMIT_ERROR, RULES, type CallKind } from './faults.ts';
import { RecordStore } from './record-store.ts';
import { WebApi, errorResponse, type ApiResponse } from './web-api.ts';

/**
 * The Dynamics 365 sandbox at `/sandbox/dynamics-365`: a token endpoint
 * (`/<tenant>/oauth2/v2.0/token`) and the Dataverse Web API below `/api/data/v9.2/` for the tables
 * of tables.ts, `$batch` included, so a Web API client pointed at it works unchanged. `_faults`,
 * `_stats`, the quota and latency are the SDK's sandbox kit's. Records live in memory only.
 */
export const dynamicsSandbox = defineSandbox<DynamicsSandboxConfig, CallKind>({
  configSchema: DynamicsSandboxConfig,
  faults: FAULTS,
  rules: RULES,
  limitErrorCode: LIMIT_ERROR.errorCode,
  dailyLimit: (config) => config.dailyLimit,
  initialFaults: (config) => config.faults,
  // A batch of 1,000 requests is several MB of JSON [unconfirmed: Dataverse's own body limit is not documented here].
  bodyLimitBytes: 32 * 1024 * 1024,
  setup: setupDynamics,
});

async function setupDynamics(app: FastifyInstance, context: SandboxSetupContext<DynamicsSandboxConfig, CallKind>): Promise<SandboxVendor> {
  const { kit, config } = context;
  const tokens = new SandboxTokens();
  kit.onExpireSessions(() => tokens.revokeAll());
  const store = new RecordStore();
  const api = new WebApi(store, context.baseUrl);

  // The Web API's bodies are read as text: `$batch` is multipart, and a JSON body's errors are the
  // Web API's to answer. The kit's own routes (`PUT /_faults`) keep their JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    if (request.url.includes(`${API_PATH}/`) || !/json/i.test(request.headers['content-type'] ?? '')) { done(null, body); return; }
    try { done(null, String(body).trim() === '' ? undefined : JSON.parse(String(body))); } catch (error) { done(Object.assign(error as Error, { statusCode: 400 }), undefined); }
  });

  app.post('/:tenant/oauth2/v2.0/token', async (request, reply) => {
    // Not counted: the identity platform is not the environment's API, nor its quota.
    const form = Object.fromEntries(new URLSearchParams(String(request.body ?? '')));
    const answer = tokens.grant(form);
    return reply.code(answer.status).type('application/json; charset=utf-8').send(JSON.stringify(answer.body));
  });

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const [pathPart = '', query = ''] = (request.url.split(`${API_PATH}/`)[1] ?? '').split(/\?(.*)/s);
    const path = safeDecode(pathPart);
    const endpoint = `${request.method} ${API_PATH}/${endpointOf(path)}`;
    const write = request.method !== 'GET' && !(path === '$batch' && onlyReads(String(request.body ?? '')));
    const verdict = await kit.account({ endpoint, kind: write ? 'write' : 'read' });
    const usage = { 'x-ms-ratelimit-burst-remaining-xrm-requests': String(Math.max(0, verdict.usage.limit - verdict.usage.used)) };
    const retry = { 'retry-after': String(config.retryAfterSeconds) };
    if (verdict.kind === 'over-limit') return send(reply, errorResponse(429, LIMIT_ERROR.errorCode, LIMIT_ERROR.message, retry));
    let perRecord: FaultSpec | undefined;
    if (verdict.kind === 'fault') {
      if (verdict.spec.perRecord) perRecord = verdict.spec;
      else return send(reply, faultAnswer(verdict.spec, retry));
    }
    if (!tokens.valid(request.headers.authorization)) {
      kit.countError('HTTP_401');
      return send(reply, { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="The access token is missing, invalid or expired"' }, body: '' });
    }
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]));
    const call = { ...(perRecord ? { fault: perRecord } : {}), ruleFor: (table: string, record: Readonly<Record<string, unknown>>) => kit.ruleFor(table, record) };
    const body = String(request.body ?? '');
    const answer = path === '$batch' && request.method === 'POST'
      ? runBatch(api, store, { headers, body }, call)
      : api.execute({ method: request.method, path, query: new URLSearchParams(query), headers, body }, call);
    await kit.afterWork();
    return send(reply, { ...answer, headers: { ...answer.headers, ...usage } });
  };
  app.route({ method: ['GET', 'POST', 'PATCH', 'DELETE', 'PUT'], url: `${API_PATH}/*`, handler: handle });

  return { records: () => store.counts() };
}

/** The answer to an injected whole-call fault, in the Web API's shape (a gateway's page for `nonJson`). */
function faultAnswer(spec: FaultSpec, retry: Record<string, string>): ApiResponse {
  if (spec.status === 401) return { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' }, body: '' };
  if (spec.nonJson) return { status: spec.status, headers: { 'content-type': 'text/html' }, body: `<html><head><title>${spec.status} ${spec.message}</title></head><body>${spec.message}</body></html>` };
  return errorResponse(spec.status, spec.errorCode, spec.message, spec.status === 429 ? retry : {});
}

function send(reply: FastifyReply, answer: ApiResponse): FastifyReply {
  reply.code(answer.status).headers(answer.headers);
  return reply.send(answer.body);
}

/** A route pattern for `_stats`: the entity set or operation, never a record's key. */
function endpointOf(path: string): string {
  if (path.startsWith('EntityDefinitions')) return 'EntityDefinitions';
  return path.replace(/\(.*\)$/s, '(…)');
}

/** A `$batch` of GETs only reads (its parts' request lines say so). */
function onlyReads(body: string): boolean {
  const lines = body.match(/^(GET|POST|PATCH|PUT|DELETE) \S+ HTTP\/1\.1/gm) ?? [];
  return lines.length > 0 && lines.every((line) => line.startsWith('GET '));
}

function safeDecode(path: string): string {
  try { return decodeURIComponent(path); } catch { return path; }
}
