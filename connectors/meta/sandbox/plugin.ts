import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { defineSandbox, type SandboxKit, type SandboxSetupContext, type SandboxVendor } from '../../../src/connectors/index.ts';
import { MetaSandboxConfig, throttleStatus, type Endpoint } from './config.ts';
import { MetaContent, SeedBody } from './data.ts';
import { facebookGraph } from './facebook-graph.ts';
import { DAILY_LIMIT_CODE, FAULTS, RULES, type CallKind } from './faults.ts';
import { graphError, linkBuilder, type Answer, type Query, type SimulatedGraph } from './graph.ts';
import { InstagramContent } from './ig-data.ts';
import { instagramGraph } from './instagram-graph.ts';
import { one } from './paging.ts';
import { PageBudget, usageHeaders } from './usage.ts';
import { BAD_TOKEN, NO_TOKEN, errorBody, noSuchObject, sendJson, throttled, unknownPath, unsupportedVersion } from './wire.ts';

/** Options beyond the config: the sandbox's clock (epoch ms), so a test moves the budget's window without waiting. */
export interface MetaSandboxOptions {
  now?: () => number;
}

/**
 * The Meta Graph API sandbox. Facebook: a Page (`GET /{version}/{page-id}`), its feed
 * (`/{version}/{page-id}/feed`) and the comments on its posts (`/{version}/{post-id}/comments`,
 * replies at `/{version}/{comment-id}/comments`). Instagram (API with Facebook Login): an IG user
 * (`/{version}/{ig-user-id}`), its media (`/media`), a media's comments (`/comments`) and a
 * comment's replies (`/replies`). Graph's versioned paths, access token auth, `fields`, `limit`,
 * `since`/`until`, cursor paging, the usage headers on every answer and throttling once an
 * account's budget is spent. Content comes through `POST /_seed`; the budget is read and changed at
 * `GET`/`PUT /_budget`; `_faults` and `_stats` are the sandbox kit's.
 */
export function createMetaSandbox(options: MetaSandboxOptions = {}) {
  return defineSandbox<MetaSandboxConfig, CallKind>({
    configSchema: MetaSandboxConfig,
    faults: FAULTS,
    rules: RULES,
    limitErrorCode: DAILY_LIMIT_CODE,
    dailyLimit: (config) => config.dailyLimit,
    initialFaults: (config) => config.faults,
    bodyLimitBytes: 32 * 1024 * 1024,
    setup: (app, context) => setupMeta(app, context, options.now ?? Date.now),
  });
}

/** The sandbox on the real clock: what the connector definition carries. */
export const metaSandbox = createMetaSandbox();

const BudgetPatch = MetaSandboxConfig.shape.budget.unwrap();

async function setupMeta(app: FastifyInstance, context: SandboxSetupContext<MetaSandboxConfig, CallKind>, now: () => number): Promise<SandboxVendor> {
  const { config, kit } = context;
  const facebook = new MetaContent();
  const instagram = new InstagramContent();
  const link = linkBuilder(context.baseUrl);
  const graphs: SimulatedGraph[] = [facebookGraph(facebook, config.maxLimit, link), instagramGraph(instagram, config.maxLimit, link)];
  const budget = new PageBudget(config.budget, now);
  const counts = () => Object.assign({}, ...graphs.map((graph) => graph.counts())) as Record<string, number>;

  // Controls of the simulated vendor (not Meta's): seed content, read and change the account budget.
  app.post('/_seed', async (request, reply) => {
    const parsed = SeedBody.safeParse(request.body ?? {});
    if (!parsed.success) return sendJson(reply, 400, controlError('SANDBOX_BAD_SEED', 'The seed body is invalid', parsed.error));
    facebook.seed(parsed.data);
    instagram.seed(parsed.data);
    return sendJson(reply, 200, counts());
  });
  app.delete('/_seed', async (_request, reply) => { graphs.forEach((graph) => graph.clear()); return sendJson(reply, 200, counts()); });
  app.get('/_budget', async (_request, reply) => sendJson(reply, 200, budget.get()));
  app.put('/_budget', async (request, reply) => {
    const parsed = BudgetPatch.safeParse(request.body ?? {});
    if (!parsed.success) return sendJson(reply, 400, controlError('SANDBOX_BAD_BUDGET', 'The budget body is invalid', parsed.error));
    return sendJson(reply, 200, budget.set(parsed.data));
  });

  const serving = { kit, budget, config };
  const route = (edged: boolean) => (request: FastifyRequest, reply: FastifyReply) => {
    const { id, edge } = request.params as { id: string; edge?: string };
    const graph = graphs.find((g) => g.holds(id));
    return serve(serving, {
      request, reply,
      // An id no network holds: the Page's pattern, the budget of the id itself.
      endpoint: graph ? graph.endpointOf(edged ? edge : undefined) : edged ? 'GET /{version}/{page-id}/feed' : 'GET /{version}/{page-id}',
      owner: graph ? graph.ownerOf(id) : id,
      answer: graph ? (edged ? graph.edge : graph.node) : () => graphError(400, noSuchObject(id)),
    });
  };
  app.get('/:version/:id', route(false));
  app.get('/:version/:id/:edge', route(true));
  app.setNotFoundHandler((request, reply) => sendJson(reply, 400, errorBody(unknownPath(request.url.split('?')[0] ?? ''))));
  return { records: counts };
}

function controlError(code: string, message: string, error: z.ZodError) {
  return { error: { code, message, details: { issues: error.issues.map((i) => ({ key: i.path.map(String).join('.'), problem: i.message })) } } };
}

/** The token of a call: `access_token` in the query, else `Authorization: Bearer|OAuth <token>`. */
function tokenOf(request: FastifyRequest): string | undefined {
  const fromQuery = one(request.query as Query, 'access_token');
  if (fromQuery !== undefined) return fromQuery;
  return /^(?:Bearer|OAuth) (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
}

/**
 * One vendor call, in Graph's order: the version, the token (400 code 104/190), the budget of the
 * account that owns the object (the configured throttling error once spent), the kit's daily
 * quota (code 4) and injected faults, then the answer. Every answer past the version check
 * carries that account's usage headers.
 */
async function serve(
  serving: { kit: SandboxKit<CallKind>; budget: PageBudget; config: MetaSandboxConfig },
  call: { endpoint: Endpoint; owner: string; request: FastifyRequest; reply: FastifyReply; answer: (request: FastifyRequest) => Answer },
): Promise<FastifyReply> {
  const { kit, budget, config } = serving;
  const { request, reply } = call;
  const { version } = request.params as { version: string };
  if (!config.versions.includes(version)) {
    if (!/^v\d/.test(version)) return sendJson(reply, 400, errorBody(unknownPath(request.url.split('?')[0] ?? '')));
    return sendJson(reply, 400, errorBody(unsupportedVersion(version)));
  }
  const account = call.owner;
  const token = tokenOf(request);
  if (token === undefined || !config.accessTokens.includes(token)) {
    kit.countError(token === undefined ? '104' : '190');
    return sendJson(reply, 400, errorBody(token === undefined ? NO_TOKEN : BAD_TOKEN), usageHeaders(account, budget.peek(account)));
  }
  const usage = budget.take(account);
  const headers = usageHeaders(account, usage);
  if (usage.throttled) {
    kit.countError(String(config.throttle.code));
    return sendJson(reply, throttleStatus(config.throttle), errorBody(throttled(config.throttle.code)), headers);
  }
  const verdict = await kit.account({ endpoint: call.endpoint, kind: 'read' });
  if (verdict.kind === 'over-limit') return sendJson(reply, 403, errorBody(throttled(4)), headers);
  if (verdict.kind === 'fault') {
    const { spec } = verdict;
    if (spec.nonJson) return reply.code(spec.status).headers(headers).type('text/html').send(`<html><body><h1>${spec.status} ${spec.message}</h1></body></html>`);
    const code = Number(spec.errorCode);
    const transient = code === 1 || code === 2 || spec.status >= 500 || [4, 17, 32, 613].includes(code);
    return sendJson(reply, spec.status, errorBody({ message: spec.message, type: 'OAuthException', code, ...(transient ? { is_transient: true } : {}) }), headers);
  }
  const answer = call.answer(request);
  await kit.afterWork();
  return sendJson(reply, answer.status, answer.body, headers);
}
