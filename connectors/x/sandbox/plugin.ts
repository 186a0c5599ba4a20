import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { defineSandbox, type SandboxKit, type SandboxSetupContext, type SandboxVendor } from '../../../src/connectors/index.ts';
import { RateLimitsPatch, XSandboxConfig, type Endpoint } from './config.ts';
import { SeedBody, XContent } from './data.ts';
import { FAULTS, RULES, USAGE_CAPPED, type CallKind } from './faults.ts';
import { lookupQuery, timelineQuery, type QueryProblem } from './query.ts';
import { RateWindows } from './rate-windows.ts';
import { shapeUser, userIncludes } from './shape.ts';
import { timelinePage } from './timeline.ts';
import {
  RATE_LIMITED, UNAUTHORIZED, USAGE_CAPPED_BODY, faultBody, invalidRequest, notFoundRoute, rateLimitHeaders, sendJson, userNotFound,
} from './wire.ts';

/** Options of the sandbox beyond its config: its clock (epoch ms), so tests move a rate-limit window's reset without waiting. */
export interface XSandboxOptions {
  now?: () => number;
}

/**
 * The X API v2 sandbox, mounted at `/sandbox/x`: user look-up by id and by username, a user's
 * Posts and mentions timelines, with X's paths, parameters, bodies, bearer auth, per-endpoint
 * rate-limit windows and `x-rate-limit-*` headers on every answer. Content is seeded through
 * `POST /_seed`. `_faults`, `_stats` and the usage cap are the sandbox kit's.
 */
export function createXSandbox(options: XSandboxOptions = {}) {
  return defineSandbox<XSandboxConfig, CallKind>({
    configSchema: XSandboxConfig,
    faults: FAULTS,
    rules: RULES,
    limitErrorCode: USAGE_CAPPED,
    dailyLimit: (config) => config.usageCap,
    initialFaults: (config) => config.faults,
    bodyLimitBytes: 32 * 1024 * 1024,
    setup: (app, context) => setupX(app, context, options.now ?? Date.now),
  });
}

/** The sandbox on the real clock: what the connector definition carries. */
export const xSandbox = createXSandbox();

const USER_ID = /^[0-9]{1,19}$/;
const USERNAME = /^[A-Za-z0-9_]{1,15}$/;

async function setupX(app: FastifyInstance, context: SandboxSetupContext<XSandboxConfig, CallKind>, now: () => number): Promise<SandboxVendor> {
  const { config, kit } = context;
  const content = new XContent();
  const windows = new RateWindows(config.rateLimits, now);
  const vendor = (endpoint: Endpoint, answer: (request: FastifyRequest) => { status: number; body: unknown }) =>
    (request: FastifyRequest, reply: FastifyReply) => serve({ endpoint, request, reply, answer, kit, windows, tokens: config.bearerTokens });

  // Controls of the simulated vendor (not X's): seed content, read and change the rate-limit windows.
  app.post('/_seed', async (request, reply) => {
    const parsed = SeedBody.safeParse(request.body ?? {});
    if (!parsed.success) return sendJson(reply, 400, controlError('SANDBOX_BAD_SEED', 'The seed body is invalid', parsed.error.issues));
    content.seed(parsed.data);
    return sendJson(reply, 200, content.counts());
  });
  app.delete('/_seed', async (_request, reply) => { content.clear(); return sendJson(reply, 200, content.counts()); });
  app.get('/_rate-limits', async (_request, reply) => sendJson(reply, 200, windows.limits()));
  app.put('/_rate-limits', async (request, reply) => {
    const parsed = RateLimitsPatch.safeParse(request.body ?? {});
    if (!parsed.success) return sendJson(reply, 400, controlError('SANDBOX_BAD_RATE_LIMITS', 'The rate-limits body is invalid', parsed.error.issues));
    return sendJson(reply, 200, windows.setLimits(parsed.data));
  });

  app.get('/2/users/by/username/:username', vendor('GET /2/users/by/username/:username', (request) => {
    const { username } = request.params as { username: string };
    if (!USERNAME.test(username)) return badPath('username', username, '^[A-Za-z0-9_]{1,15}$');
    return lookup(request, content.userByUsername(username), () => userNotFound('username', username));
  }));
  app.get('/2/users/:id', vendor('GET /2/users/:id', (request) => {
    const { id } = request.params as { id: string };
    if (!USER_ID.test(id)) return badPath('id', id, '^[0-9]{1,19}$');
    return lookup(request, content.users.get(id), () => userNotFound('id', id));
  }));
  for (const [endpoint, posts] of [
    ['GET /2/users/:id/tweets', (id: string) => content.postsBy(id)],
    ['GET /2/users/:id/mentions', (id: string) => content.mentionsOf(content.users.get(id)!)],
  ] as const) {
    app.get(endpoint.slice('GET '.length), vendor(endpoint, (request) => {
      const { id } = request.params as { id: string };
      if (!USER_ID.test(id)) return badPath('id', id, '^[0-9]{1,19}$');
      const query = timelineQuery(request.query as Record<string, string>);
      if ('problems' in query) return { status: 400, body: invalidRequest(query.problems) };
      if (!content.users.has(id)) return { status: 200, body: { errors: [userNotFound('id', id)] } };
      return { status: 200, body: timelinePage(posts(id), query, content) };
    }));
  }

  function lookup(request: FastifyRequest, user: ReturnType<typeof content.users.get>, missing: () => unknown) {
    const query = lookupQuery(request.query as Record<string, string>);
    if ('problems' in query) return { status: 400, body: invalidRequest(query.problems) };
    if (!user) return { status: 200, body: { errors: [missing()] } };
    const includes = userIncludes(user, content, query.fields);
    return { status: 200, body: { data: shapeUser(user, query.fields), ...(Object.keys(includes).length > 0 ? { includes } : {}) } };
  }

  app.setNotFoundHandler((request, reply) => sendJson(reply, 404, notFoundRoute(request.url.split('?')[0] ?? '')));
  return { records: () => content.counts() };
}

/** The control routes' error body: the kit's shape (`SANDBOX_BAD_FAULTS`), not X's. */
function controlError(code: string, message: string, issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>) {
  return { error: { code, message, details: { issues: issues.map((i) => ({ key: i.path.map(String).join('.'), problem: i.message })) } } };
}

function badPath(parameter: string, value: string, pattern: string): { status: number; body: unknown } {
  const problem: QueryProblem = { parameter, value, message: `The \`${parameter}\` query parameter value [${value}] does not match ${pattern}` };
  return { status: 400, body: invalidRequest([problem]) };
}

/**
 * One vendor call, in X's order: the bearer token (401), the endpoint's rate-limit window (429
 * with `{"errors":[{"code":88,…}]}`), then the kit's usage cap and injected faults, then the
 * answer. Every answer carries the endpoint's `x-rate-limit-*` headers.
 */
async function serve(call: {
  endpoint: Endpoint; request: FastifyRequest; reply: FastifyReply; answer: (request: FastifyRequest) => { status: number; body: unknown };
  kit: SandboxKit<CallKind>; windows: RateWindows; tokens: readonly string[];
}): Promise<FastifyReply> {
  const { endpoint, request, reply, kit, windows } = call;
  const authorization = request.headers.authorization ?? '';
  const token = /^Bearer (.+)$/.exec(authorization)?.[1];
  if (token === undefined || !call.tokens.includes(token)) {
    kit.countError('Unauthorized');
    return sendJson(reply, 401, UNAUTHORIZED, rateLimitHeaders(windows.peek(endpoint)));
  }
  const window = windows.take(endpoint);
  const headers = rateLimitHeaders(window.state);
  if (!window.allowed) {
    kit.countError('TooManyRequests');
    return sendJson(reply, 429, RATE_LIMITED, headers);
  }
  const verdict = await kit.account({ endpoint, kind: 'read' });
  if (verdict.kind === 'over-limit') return sendJson(reply, 429, USAGE_CAPPED_BODY, headers);
  if (verdict.kind === 'fault') {
    if (verdict.spec.status === 429) return sendJson(reply, 429, RATE_LIMITED, { ...headers, 'x-rate-limit-remaining': '0' });
    const fault = faultBody(verdict.spec.status, verdict.spec.message, verdict.spec.nonJson === true);
    return reply.code(verdict.spec.status).headers(headers).type(fault.type).send(fault.body);
  }
  const answer = call.answer(request);
  await kit.afterWork();
  return sendJson(reply, answer.status, answer.body, headers);
}
