import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { z } from 'zod';
import type { ObjectCatalog } from '../connectors/destination.ts';
import { errors } from '../errors.ts';
import { ErrorBody } from '../http/error-body.ts';
import { checkMapping } from '../mappings/check-text.ts';
import { mappingInput } from '../mappings/enrich-event.ts';
import { previewMapping } from '../mappings/preview.ts';
import type { LiveMapping, MappingRegistry } from '../mappings/registry.ts';
import { CanonicalData } from '../model/index.ts';
import type { StoredMappingVersion } from '../store/mapping-store.ts';
import type { Store } from '../store/store.ts';
import { principalOf, type ApiKeyChecker } from './api-keys.ts';
import { PageQuery, decodeCursor, encodeCursor, pageOf } from './pagination.ts';

/** A mapping in force, as `GET /v1/mappings/:id` shows it (and each item of the list). */
export const MappingResource = z.object({
  id: z.string(),
  version: z.number().describe('the version in force; its ETag is `"<version>"`'),
  description: z.string().optional(),
  source: z.object({ kind: z.string(), network: z.string().optional() }),
  when: z.string().optional(),
  target: z.object({ destination: z.string(), object: z.string(), operation: z.string(), matchKey: z.string().optional(), recordKey: z.string().optional() }),
  fields: z.record(z.string(), z.unknown()),
  references: z.record(z.string(), z.unknown()),
  origin: z.enum(['file', 'api']).describe('`file`: read from the mappings folder; `api`: saved with PUT'),
  author: z.string().describe('the API key\'s name, or `file:<path>`'),
  updatedAt: z.string(),
}).meta({ id: 'Mapping' });

/** One stored version of a mapping. */
export const MappingVersionResource = z.object({
  mappingId: z.string(), version: z.number(), deleted: z.boolean(), origin: z.enum(['file', 'api']), author: z.string(), createdAt: z.string(),
  format: z.enum(['yaml', 'json']), body: z.string().optional().describe('the text as saved; absent on a deletion'),
}).meta({ id: 'MappingVersion' });

const Problem = z.object({ file: z.string(), line: z.number().optional(), column: z.number().optional(), mappingId: z.string(), field: z.string().optional(), key: z.string(), message: z.string() });

const PreviewAnswer = z.object({
  mappingId: z.string(),
  matched: z.boolean().describe('whether the mapping applies to this event (its kind, network and `when`)'),
  skipped: z.string().optional().describe('why it does not apply'),
  when: z.unknown().optional().describe('the `when` condition: expression, inputs, result, passed'),
  operations: z.array(z.unknown()).describe('the CRM writes it would queue (nothing is queued)'),
  problems: z.array(z.unknown()).describe('what would go to the dead letters instead'),
  trace: z.array(z.unknown()).describe('one entry per target field and reference: expression, inputs, result, value, coercion'),
}).meta({ id: 'MappingPreview' });

const EventInput = z.union([
  z.object({ event: z.record(z.string(), z.unknown()).describe('a canonical event (`{ "kind": "interaction", … }`, docs/events.md) or a stored one (`{ id, source, data }`)') }).strict(),
  z.object({ eventId: z.string().min(1).max(100).describe('a stored event\'s id (GET /v1/events)') }).strict(),
]);

export interface MappingRouteOptions {
  store: Store;
  auth: ApiKeyChecker;
  registry: MappingRegistry;
  catalogs: () => ReadonlyMap<string, ObjectCatalog>;
}

const etagOf = (version: number) => `"${version}"`;

/** `If-Match: "3"` → 3; `*` → the version in force (any). @throws PARLEY_API_MAPPING_VERSION_MISMATCH for a tag that is not a version */
function ifVersionOf(request: FastifyRequest, id: string, running: LiveMapping | undefined): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const tag = String(header).trim();
  if (tag === '*') {
    if (!running) throw errors.API_MAPPING_VERSION_MISMATCH({ id, ifMatch: tag, current: null });
    return running.version.version;
  }
  const version = /^(?:W\/)?"(\d{1,9})"$/.exec(tag)?.[1];
  if (version === undefined) throw errors.API_MAPPING_VERSION_MISMATCH({ id, ifMatch: tag, current: running ? etagOf(running.version.version) : null });
  return Number(version);
}

export const mappingView = (m: LiveMapping) => {
  const d = m.mapping.definition;
  return {
    id: d.id, version: m.version.version, ...(d.description !== undefined ? { description: d.description } : {}), source: d.source,
    ...(d.when !== undefined ? { when: d.when } : {}), target: d.target, fields: d.fields, references: d.references,
    origin: m.version.origin, author: m.version.author, updatedAt: m.version.createdAt,
  };
};

const versionView = (v: StoredMappingVersion) => ({
  mappingId: v.mappingId, version: v.version, deleted: v.deleted, origin: v.origin, author: v.author, createdAt: v.createdAt, format: v.format, ...(v.body !== undefined ? { body: v.body } : {}),
});

/** The text of a PUT body and its format: YAML as sent, JSON as sent (its positions then point into that JSON). */
function bodyText(request: FastifyRequest): { text: string; format: 'yaml' | 'json' } {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (typeof request.body !== 'string' || request.body.trim() === '') throw errors.API_MAPPING_BODY_INVALID({ reason: 'the body is empty: send the mapping as application/yaml or application/json' });
  return { text: request.body, format: type === 'application/json' ? 'json' : 'yaml' };
}

/**
 * Mappings over the API (issue 21; ARCHITECTURE.md "Fixed interfaces"): `GET /v1/mappings`,
 * `GET|PUT|DELETE /v1/mappings/:id`, `GET /v1/mappings/:id/versions`, `POST /v1/mappings/reload`,
 * and previews that write nothing (`POST /v1/mappings/:id/preview`, `POST /v1/mappings/preview`).
 * Reads and previews need `read`; changes `admin` (a mapping decides what reaches every CRM).
 */
export async function mappingRoutes(app: FastifyInstance, options: MappingRouteOptions): Promise<void> {
  // Mapping bodies are kept as sent (their problems point into that text): YAML and JSON arrive as strings here.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(['application/json', 'application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'], { parseAs: 'string' }, (_request, body, done) => done(null, body));
  const api = app.withTypeProvider<ZodTypeProvider>();
  const read = options.auth.require('read');
  const admin = options.auth.require('admin');
  const errorsByStatus = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
  const tags = ['mappings'];
  const Params = z.object({ id: z.string().min(1).max(100) });
  const running = (id: string) => {
    const found = options.registry.get(id);
    if (!found) throw errors.API_MAPPING_NOT_FOUND({ id });
    return found;
  };
  /** A JSON request body (this scope reads bodies as text). @throws PARLEY_API_MAPPING_BODY_INVALID */
  const jsonBody = (request: FastifyRequest): unknown => {
    if (typeof request.body !== 'string') return request.body;
    try { return JSON.parse(request.body) as unknown; } catch (error) { throw errors.API_MAPPING_BODY_INVALID({ reason: `not JSON: ${(error as Error).message}` }); }
  };

  api.get('/v1/mappings', {
    onRequest: read,
    schema: { summary: 'List the mappings in force', tags, security: [{ bearer: [] }], description: 'By id. Each item has the shape of GET /v1/mappings/:id.', querystring: z.object(PageQuery).strict(), response: { 200: pageOf(MappingResource), ...errorsByStatus } },
  }, async (request) => {
    const all = options.registry.list();
    const from = Number(decodeCursor('mappings', request.query.cursor) ?? 0);
    const items = all.slice(from, from + request.query.limit).map(mappingView);
    return { items, nextCursor: encodeCursor('mappings', from + items.length < all.length ? String(from + items.length) : null) };
  });

  api.get('/v1/mappings/:id', {
    onRequest: read,
    schema: {
      summary: 'A mapping in force', tags, security: [{ bearer: [] }], params: Params,
      description: 'JSON by default; `Accept: application/yaml` answers the text as saved (YAML, or JSON when it was saved as JSON). The `ETag` is the version: send it back in `If-Match` when you PUT.',
      response: { 200: MappingResource, 404: ErrorBody, ...errorsByStatus },
    },
  }, async (request, reply) => {
    const found = running(request.params.id);
    void reply.header('etag', etagOf(found.version.version));
    if (/\b(application|text)\/(x-)?yaml\b/.test(String(request.headers.accept ?? ''))) {
      const text = found.version.body ?? toYaml(found.mapping.definition);
      return reply.type(found.version.format === 'json' ? 'application/json' : 'application/yaml').serializer((x: unknown) => String(x)).send(text as never);
    }
    return mappingView(found);
  });

  api.put('/v1/mappings/:id', {
    onRequest: admin,
    schema: {
      summary: 'Create or change a mapping', tags, security: [{ bearer: [] }], params: Params,
      description: 'The body is the mapping as `application/yaml` or `application/json`. It is checked as a file is (schema, expressions, event paths, the destination\'s catalog when known): a mapping with problems is refused with 422 and `details.problems[]` (file, line, column, mapping, field, message), and the version in force stays; 409 while its destination has not connected (its catalog is needed for the checks). `If-Match: "<version>"` saves only over that version (412 otherwise); without it the PUT saves over whatever is in force. Answers 201 for a new mapping, 200 for a change, with the new `ETag`.',
      response: { 200: MappingResource, 201: MappingResource, 409: ErrorBody, 412: ErrorBody, 422: ErrorBody, ...errorsByStatus },
    },
  }, async (request, reply) => {
    const id = request.params.id;
    const { text, format } = bodyText(request);
    const before = options.registry.get(id);
    const ifVersion = ifVersionOf(request, id, before);
    const saved = await options.registry.put(id, text, format, { author: principalOf(request)?.name ?? 'unknown', ...(ifVersion !== undefined ? { ifVersion } : {}) });
    request.log.info({ mappingId: id, version: saved.version.version }, 'mapping saved');
    return reply.code(before ? 200 : 201).header('etag', etagOf(saved.version.version)).send(mappingView(saved));
  });

  api.delete('/v1/mappings/:id', {
    onRequest: admin,
    schema: {
      summary: 'Delete a mapping', tags, security: [{ bearer: [] }], params: Params,
      description: 'Stores a version that says it is deleted: no new operations come from it; those already queued are sent. `If-Match` as for PUT.',
      response: { 200: MappingVersionResource, 404: ErrorBody, 412: ErrorBody, ...errorsByStatus },
    },
  }, async (request) => {
    const id = request.params.id;
    const ifVersion = ifVersionOf(request, id, running(id));
    const version = await options.registry.remove(id, { author: principalOf(request)?.name ?? 'unknown', ...(ifVersion !== undefined ? { ifVersion } : {}) });
    request.log.info({ mappingId: id, version: version.version }, 'mapping deleted');
    return versionView(version);
  });

  api.get('/v1/mappings/:id/versions', {
    onRequest: read,
    schema: {
      summary: 'Every version of a mapping, newest first', tags, security: [{ bearer: [] }], params: Params,
      querystring: z.object(PageQuery).strict(), response: { 200: pageOf(MappingVersionResource), ...errorsByStatus },
    },
  }, async (request) => {
    const after = decodeCursor('mapping-versions', request.query.cursor);
    const page = await options.store.mappings.versions(request.params.id, { limit: request.query.limit, ...(after !== undefined ? { after } : {}) });
    return { items: page.items.map(versionView), nextCursor: encodeCursor('mapping-versions', page.next) };
  });

  api.post('/v1/mappings/reload', {
    onRequest: admin,
    schema: {
      summary: 'Read the mapping files again', tags, security: [{ bearer: [] }],
      description: 'A new or edited file becomes a new version in force; a removed one is deleted; an invalid one is reported in `problems` and its running version stays. The file watcher does the same by itself.',
      response: { 200: z.object({ changed: z.array(z.string()), removed: z.array(z.string()), problems: z.array(Problem) }), ...errorsByStatus },
    },
  }, async () => options.registry.reload());

  const eventOf = async (input: unknown) => {
    const parsed = EventInput.safeParse(input);
    if (!parsed.success) throw errors.API_MAPPING_BODY_INVALID({ reason: 'give { "event": {…} } or { "eventId": "…" }' });
    if ('eventId' in parsed.data) {
      const stored = await options.store.getEvent(parsed.data.eventId);
      if (!stored) throw errors.API_EVENT_NOT_FOUND({ id: parsed.data.eventId });
      return { id: stored.id, source: stored.source, data: mappingInput(stored.data) };
    }
    const given = parsed.data.event;
    const wrapped = 'data' in given && !('kind' in given);
    const data = CanonicalData.safeParse(wrapped ? given.data : given);
    if (!data.success) throw errors.API_MAPPING_BODY_INVALID({ reason: `the event is not a canonical event (docs/events.md): ${data.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ')}` });
    return { id: wrapped && typeof given.id === 'string' ? given.id : 'preview', source: wrapped && typeof given.source === 'string' ? given.source : data.data.network ?? 'preview', data: mappingInput(data.data) };
  };
  const previewResponse = { 200: PreviewAnswer, 404: ErrorBody, 422: ErrorBody, ...errorsByStatus };

  api.post('/v1/mappings/:id/preview', {
    onRequest: read,
    schema: {
      summary: 'Preview a mapping on an event', tags, security: [{ bearer: [] }], params: Params, response: previewResponse,
      description: 'Body `{ "event": {…} }` or `{ "eventId": "…" }`. Runs the mapping in force on it and answers the operations it would queue and one trace entry per target field; writes nothing and calls no CRM.',
    },
  }, async (request) => {
    const found = running(request.params.id);
    const event = await eventOf(jsonBody(request));
    return previewMapping(found.mapping, event, options.catalogs().get(found.mapping.definition.target.destination));
  });

  api.post('/v1/mappings/preview', {
    onRequest: read,
    schema: {
      summary: 'Preview an unsaved mapping on an event', tags, security: [{ bearer: [] }], response: previewResponse,
      description: 'Body `{ "mapping": "<YAML text>" | {…}, "event": {…} }` or with `eventId`. The mapping is checked first (422 with `details.problems[]`); nothing is saved or written.',
    },
  }, async (request) => {
    const body = jsonBody(request) as Record<string, unknown> | null;
    if (!body || typeof body !== 'object' || body.mapping === undefined) throw errors.API_MAPPING_BODY_INVALID({ reason: 'give the mapping in "mapping" (YAML text or an object) with "event" or "eventId"' });
    const { mapping: given, ...rest } = body;
    const text = typeof given === 'string' ? given : JSON.stringify(given, null, 2);
    const id = textId(text) ?? 'preview';
    const checked = checkMapping(text, '(preview)', { id }, options.catalogs());
    if (!checked.mapping) throw errors.API_MAPPING_REFUSED({ id, problems: checked.problems });
    const event = await eventOf(rest);
    return previewMapping(checked.mapping, event, options.catalogs().get(checked.mapping.definition.target.destination));
  });
}

/** The `id` a mapping's text gives, if it can be read at all (its checks say the rest). */
function textId(text: string): string | undefined {
  try {
    const parsed = parseYaml(text) as { id?: unknown } | null;
    return typeof parsed?.id === 'string' ? parsed.id : undefined;
  } catch {
    return undefined;
  }
}
