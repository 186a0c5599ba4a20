import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../http/error-body.ts';
import type { StoredEvent } from '../model/index.ts';
import type { CompiledRule } from '../rules/load-rules.ts';
import { previewRule } from '../rules/preview.ts';
import { ruleErrors } from '../rules/rule-errors.ts';
import type { Store } from '../store/store.ts';
import type { ApiKeyChecker } from './api-keys.ts';
import { PageQuery, decodeCursor, encodeCursor, pageOf } from './pagination.ts';

/** A crisis rule as the API shows it: its file's data, the alert's host only (its path may hold a token; the secret never shows). */
export const RuleResource = z.object({
  id: z.string(),
  description: z.string().optional(),
  file: z.string(),
  match: z.object({ kind: z.literal('interaction'), when: z.string().optional(), groupBy: z.string().optional() }),
  window: z.string().describe('the sliding window\'s length (10m)'),
  open: z.object({ count: z.number().optional(), baselineFactor: z.number().optional(), baseline: z.string().optional(), minCount: z.number().optional() }),
  close: z.object({ below: z.number().optional().describe('absent: half the count an incident opened with'), quietFor: z.string().describe('how long the count must stay below') }),
  cases: z.array(z.object({ destination: z.string(), object: z.string(), fields: z.array(z.string()), link: z.object({ object: z.string(), matchKey: z.string(), field: z.string() }).optional(), each: z.object({ matchKey: z.string(), waitFor: z.object({ field: z.string(), object: z.string() }).optional() }).optional() })),
  alert: z.object({ host: z.string().optional(), off: z.string().optional().describe('why the alert is off (an environment variable not set)') }).optional(),
}).meta({ id: 'CrisisRule' });

/** An incident a rule opened. */
export const IncidentResource = z.object({
  id: z.string(), ruleId: z.string(), group: z.string().describe('the rule\'s groupBy value; empty without groupBy'),
  state: z.enum(['open', 'closed']), window: z.string(),
  openedAt: z.string(), closedAt: z.string().optional(),
  openedCount: z.number(), peakCount: z.number(), linked: z.number().describe('posts linked to its parent record'),
  triggerEventId: z.string(),
  alertSent: z.boolean().describe('the crisis.opened alert was answered with a 2xx'),
  alert: z.object({
    opened: z.enum(['none', 'pending', 'sent']), closed: z.enum(['none', 'pending', 'sent']),
    attempts: z.number(), nextAttemptAt: z.string().optional(), lastError: z.string().optional(),
  }),
  updatedAt: z.string(),
}).meta({ id: 'Incident' });

const PreviewResource = z.object({
  rule: z.string(), since: z.string(), until: z.string(),
  events: z.number().describe('interactions that happened in the range'), matched: z.number().describe('those the rule counts'),
  truncated: z.boolean().describe(`true when the range holds more than ${50_000} events: only the first were looked at`),
  incidents: z.array(z.object({
    group: z.string(), openedAt: z.string(), closedAt: z.string().optional(), openedCount: z.number(), peakCount: z.number(), triggerEventId: z.string(),
    eventIds: z.array(z.string()).describe('the events whose posts would be linked to its parent'),
  })),
}).meta({ id: 'CrisisRulePreview' });

export interface CrisisRouteOptions {
  store: Store;
  auth: ApiKeyChecker;
  /** The loaded rules (src/rules/load-rules.ts `loadRules`). */
  rules: () => readonly CompiledRule[];
}

/** Most events a preview reads: a range of a busy week must not hold the server for minutes. */
const PREVIEW_EVENTS = 50_000;
/** How late after `until` an event may have been stored and still have happened in the range. */
const LATE_MS = 3_600_000;

function ruleView(rule: CompiledRule): z.infer<typeof RuleResource> {
  const d = rule.definition;
  return {
    id: rule.id, ...(d.description !== undefined ? { description: d.description } : {}), file: rule.file, match: d.match, window: d.window,
    open: d.open, close: { ...(d.close.below !== undefined ? { below: d.close.below } : {}), quietFor: d.close.quietFor ?? d.window },
    cases: rule.cases.map((c) => ({ destination: c.destination, object: c.object, fields: c.fields.map((f) => f.name), ...(c.link ? { link: c.link } : {}), ...(c.each ? { each: c.each } : {}) })),
    ...(d.alert ? { alert: { ...(rule.alert ? { host: new URL(rule.alert.url).host } : {}), ...(rule.alertOff ? { off: rule.alertOff } : {}) } } : {}),
  };
}

/** The interactions that happened in [since, until], in store order, at most PREVIEW_EVENTS. */
async function eventsIn(store: Store, since: Date, until: Date): Promise<{ events: StoredEvent[]; truncated: boolean }> {
  const events: StoredEvent[] = [];
  let after: string | undefined;
  for (;;) {
    // Stored at or after `since` (nothing happens after it is received), until past `until`'s lateness.
    const page = await store.listEvents({ kind: 'interaction', since, limit: 500, ...(after !== undefined ? { after } : {}) });
    for (const event of page.items) {
      if (Date.parse(event.receivedAt) > until.getTime() + LATE_MS) return { events, truncated: false };
      if (event.data.kind !== 'interaction') continue;
      const occurred = Date.parse(event.data.occurredAt);
      if (occurred < since.getTime() || occurred > until.getTime()) continue;
      if (events.length === PREVIEW_EVENTS) return { events, truncated: true };
      events.push(event);
    }
    if (page.next === null) return { events, truncated: false };
    after = page.next;
  }
}

/**
 * Crisis rules and their incidents (issue 21 item 6): `GET /v1/rules`, `GET /v1/rules/:id`,
 * `POST /v1/rules/:id/preview` (what the rule would have done over stored events; writes nothing),
 * `GET /v1/incidents`, `GET /v1/incidents/:id`. All need `read`.
 */
export async function crisisRoutes(app: FastifyInstance, options: CrisisRouteOptions): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const read = options.auth.require('read');
  const errorsByStatus = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
  const tags = ['rules'];
  const find = (id: string) => {
    const rule = options.rules().find((r) => r.id === id);
    if (!rule) throw ruleErrors.API_RULE_NOT_FOUND({ id });
    return rule;
  };
  const IdParams = z.object({ id: z.string().min(1).max(200) });

  api.get('/v1/rules', {
    onRequest: read,
    schema: { summary: 'The crisis rules loaded', tags, security: [{ bearer: [] }], response: { 200: z.object({ items: z.array(RuleResource) }), ...errorsByStatus } },
  }, async () => ({ items: options.rules().map(ruleView) }));

  api.get('/v1/rules/:id', {
    onRequest: read,
    schema: { summary: 'One crisis rule', tags, security: [{ bearer: [] }], params: IdParams, response: { 200: RuleResource, 404: ErrorBody, ...errorsByStatus } },
  }, async (request) => ruleView(find(request.params.id)));

  api.post('/v1/rules/:id/preview', {
    onRequest: read,
    schema: {
      summary: 'What a crisis rule would have done over stored events', tags, security: [{ bearer: [] }], params: IdParams,
      description: 'Replays the interactions that happened between `since` and `until` (stored events, in store order) through the rule: the incidents it would have opened and closed, their groups, counts and events. Writes nothing and calls nothing.',
      body: z.object({ since: z.iso.datetime({ offset: true }), until: z.iso.datetime({ offset: true }) }).strict()
        .refine((b) => Date.parse(b.since) < Date.parse(b.until), { message: 'since must be before until', path: ['until'] }),
      response: { 200: PreviewResource, 404: ErrorBody, ...errorsByStatus },
    },
  }, async (request) => {
    const rule = find(request.params.id);
    const since = new Date(request.body.since), until = new Date(request.body.until);
    const { events, truncated } = await eventsIn(options.store, since, until);
    const preview = await previewRule(rule, events, { until });
    return { rule: rule.id, since: since.toISOString(), until: until.toISOString(), truncated, ...preview };
  });

  api.get('/v1/incidents', {
    onRequest: read,
    schema: {
      summary: 'Crisis incidents, newest first', tags, security: [{ bearer: [] }],
      querystring: z.object({ state: z.enum(['open', 'closed']).optional(), ruleId: z.string().min(1).max(200).optional(), ...PageQuery }).strict(),
      response: { 200: pageOf(IncidentResource), ...errorsByStatus },
    },
  }, async (request) => {
    const { state, ruleId, limit, cursor } = request.query;
    const page = await options.store.incidents.list({ ...(state ? { state } : {}), ...(ruleId ? { ruleId } : {}), limit, after: decodeCursor('incidents', cursor) });
    return { items: page.items, nextCursor: encodeCursor('incidents', page.next) };
  });

  api.get('/v1/incidents/:id', {
    onRequest: read,
    schema: { summary: 'One crisis incident', tags, security: [{ bearer: [] }], params: IdParams, response: { 200: IncidentResource, 404: ErrorBody, ...errorsByStatus } },
  }, async (request) => {
    const incident = await options.store.incidents.get(request.params.id);
    if (!incident) throw ruleErrors.API_INCIDENT_NOT_FOUND({ id: request.params.id });
    return incident;
  });
}
