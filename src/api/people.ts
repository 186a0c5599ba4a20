import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errors } from '../errors.ts';
import { ErrorBody } from '../http/error-body.ts';
import { IdentityKey } from '../model/common.ts';
import type { StoredEvent } from '../model/index.ts';
import type { PeopleStore, StoredIdentity, StoredPerson } from '../store/people-store.ts';
import type { Store } from '../store/store.ts';
import { principalOf, type ApiKeyChecker } from './api-keys.ts';
import { PageQuery, decodeCursor, encodeCursor, pageOf } from './pagination.ts';

/** An identity as `GET /v1/identities` lists it (ARCHITECTURE.md "Fixed interfaces": People). */
export const IdentityResource = z.object({
  key: z.string().describe('`network:userId`'),
  network: z.string(),
  userId: z.string(),
  handle: z.string().optional(),
  displayName: z.string().optional(),
  personId: z.string().describe('the person it belongs to (GET /v1/persons/:id); every identity has one'),
  firstSeen: z.string(), lastSeen: z.string(),
}).meta({ id: 'Identity' });

const Evidence = z.object({ kind: z.enum(['verified-email', 'email', 'name-and-location', 'cross-link', 'decision']), note: z.string().optional() });

/** A link between two identities: what it rests on, how sure, and who decided. */
export const IdentityLinkResource = z.object({
  id: z.string(),
  identityKey: z.string(), otherKey: z.string(),
  evidence: z.array(Evidence).describe('verified-email (0.95, links at once), email (0.6), name-and-location (0.5), cross-link (0.4: one profile names the other\'s handle), decision (a person\'s)'),
  confidence: z.number().describe('0–1: the evidence combined as 1 − Π(1 − c); a person\'s decision is 1'),
  state: z.enum(['linked', 'review', 'rejected']).describe('review: waits for a person (approve or reject); rejected: a rejection or an unmerge, never linked again by the rules'),
  decidedBy: z.string().optional().describe('`parley` for the rules, else the API key\'s name'),
  decidedAt: z.string().optional(),
  createdAt: z.string(),
}).meta({ id: 'IdentityLink' });

const PersonIdentity = IdentityResource.extend({
  email: z.string().optional(), emailVerified: z.boolean(), location: z.string().optional(), profileUrl: z.string().optional(),
  primary: z.boolean().describe('the identity whose CRM parent the others\' records follow'),
});

/** A person: the unified view across networks. */
export const PersonResource = z.object({
  id: z.string(),
  primaryIdentity: z.string(),
  identities: z.array(PersonIdentity).describe('every identity linked as this person, oldest first'),
  links: z.array(IdentityLinkResource).describe('every link naming one of its identities, rejected ones (unmerges) too'),
  interactions: z.array(z.object({
    eventId: z.string(), identityKey: z.string(), network: z.string(), networkId: z.string(), activity: z.string(), direction: z.string(),
    text: z.string().optional(), url: z.string().optional(), occurredAt: z.string(),
  })).describe('the newest interactions across its networks (up to 20)'),
  records: z.array(z.object({
    destination: z.string(), object: z.string(), recordKey: z.string(), crmId: z.string(),
    url: z.string().optional().describe('the record in the CRM, where the destination can say (Salesforce `<instance_url>/<Id>`; SAP C4C the OData entity URL), while the destination is connected'),
    identityKey: z.string(), syncedAt: z.string(),
  })).describe('each destination\'s records Parley wrote for its identities, newest first (up to 50)'),
  lastSyncAt: z.string().nullable().describe('when a record of this person was last written to a CRM'),
  createdAt: z.string(), updatedAt: z.string(),
}).meta({ id: 'Person' });

export interface PeopleRouteOptions {
  store: Store;
  auth: ApiKeyChecker;
  now: () => Date;
  /** Destinations whose records the person view shows (configured ones). */
  destinations: readonly string[];
  /** A record's address in its CRM, where the destination can build one; undefined leaves the id alone. */
  recordUrl?: (destination: string, object: string, crmId: string) => string | undefined;
  /** A person changed (the indexer queues the parent moves at once). */
  onChange?: () => void;
}

const identityView = (i: StoredIdentity) => ({
  key: i.key, network: i.network, userId: i.userId, ...(i.handle !== undefined ? { handle: i.handle } : {}),
  ...(i.displayName !== undefined ? { displayName: i.displayName } : {}), personId: i.personId, firstSeen: i.firstSeen, lastSeen: i.lastSeen,
});

const interactionView = (e: StoredEvent) => {
  if (e.data.kind !== 'interaction') return [];
  const d = e.data;
  return [{
    eventId: e.id, identityKey: d.author?.key ?? '', network: d.network, networkId: d.networkId, activity: d.activity, direction: d.direction,
    ...(d.text !== undefined ? { text: d.text } : {}), ...(d.url !== undefined ? { url: d.url } : {}), occurredAt: d.occurredAt,
  }];
};

async function personView(people: PeopleStore, person: StoredPerson, options: Pick<PeopleRouteOptions, 'destinations' | 'recordUrl'>) {
  const keys = person.identities.map((i) => i.key);
  const [events, records] = await Promise.all([people.recentInteractions(keys, 20), people.records(keys, { destinations: [...options.destinations], limit: 50 })]);
  return {
    id: person.id, primaryIdentity: person.primaryKey,
    identities: person.identities.map((i) => ({
      ...identityView(i), emailVerified: i.emailVerified, ...(i.email !== undefined ? { email: i.email } : {}),
      ...(i.location !== undefined ? { location: i.location } : {}), ...(i.profileUrl !== undefined ? { profileUrl: i.profileUrl } : {}), primary: i.key === person.primaryKey,
    })),
    links: person.links,
    interactions: events.flatMap(interactionView),
    records: records.map((r) => {
      const url = options.recordUrl?.(r.destination, r.object, r.crmId);
      return { ...r, ...(url !== undefined ? { url } : {}) };
    }),
    lastSyncAt: records.reduce<string | null>((last, r) => (last === null || r.syncedAt > last ? r.syncedAt : last), null),
    createdAt: person.createdAt, updatedAt: person.updatedAt,
  };
}

/**
 * One person across networks: `GET /v1/identities` (find by handle, name or e-mail), `GET
 * /v1/persons/:id` (the unified view), `POST /v1/persons/:id/links` and `DELETE
 * /v1/persons/:id/links/:identityKey` (link, unmerge), and the review queue of weak matches
 * (`/v1/identity-links`). Reads need `read`; changes `operate`.
 */
export async function peopleRoutes(app: FastifyInstance, options: PeopleRouteOptions): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const read = options.auth.require('read');
  const operate = options.auth.require('operate');
  const errorsByStatus = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
  const tags = ['people'];
  const people = options.store.people;
  const decidedBy = (request: Parameters<typeof principalOf>[0]) => principalOf(request)?.name ?? 'unknown';

  api.get('/v1/identities', {
    onRequest: read,
    schema: {
      summary: 'Find identities by handle, name or e-mail', tags, security: [{ bearer: [] }],
      description: 'Identities whose handle, display name or e-mail contains `q` (case-insensitive; a leading @ is ignored), or whose key is `q`; every identity without `q`. Oldest first.',
      querystring: z.object({ q: z.string().min(1).max(200).optional().describe('part of a handle, name or e-mail, or a key'), ...PageQuery }).strict(),
      response: { 200: pageOf(IdentityResource), ...errorsByStatus },
    },
  }, async (request) => {
    const page = await people.search({ ...(request.query.q !== undefined ? { q: request.query.q } : {}), limit: request.query.limit, after: decodeCursor('identities', request.query.cursor) });
    return { items: page.items.map(identityView), nextCursor: encodeCursor('identities', page.next) };
  });

  const KeyParams = z.object({ key: IdentityKey.max(300) });
  api.get('/v1/identities/:key', {
    onRequest: read,
    schema: { summary: 'One identity', tags, security: [{ bearer: [] }], params: KeyParams, response: { 200: IdentityResource, 404: ErrorBody, ...errorsByStatus } },
  }, async (request) => {
    const identity = await people.getIdentity(request.params.key);
    if (!identity) throw errors.API_IDENTITY_NOT_FOUND({ key: request.params.key });
    return identityView(identity);
  });

  const PersonParams = z.object({ id: z.string().min(1).max(100) });
  api.get('/v1/persons/:id', {
    onRequest: read,
    schema: {
      summary: 'One person across networks', tags, security: [{ bearer: [] }],
      description: 'Every linked identity, the links and their evidence, the newest interactions across networks, and each destination\'s CRM records for them with the last sync time.',
      params: PersonParams, response: { 200: PersonResource, 404: ErrorBody, ...errorsByStatus },
    },
  }, async (request) => {
    const person = await people.getPerson(request.params.id);
    if (!person) throw errors.API_PERSON_NOT_FOUND({ id: request.params.id });
    return personView(people, person, options);
  });

  api.post('/v1/persons/:id/links', {
    onRequest: operate,
    schema: {
      summary: 'Link an identity to a person', tags, security: [{ bearer: [] }],
      description: 'The identity — with the identities already linked to it — becomes this person, as your decision. Its CRM records\' parents move to this person\'s (a SocialPersona\'s ParentId). Linking a member again changes nothing.',
      params: PersonParams, body: z.object({ identity: IdentityKey.max(300).describe('the identity\'s key, `network:userId`') }).strict(),
      response: { 200: PersonResource, 404: ErrorBody, ...errorsByStatus },
    },
  }, async (request) => {
    const result = await people.link(request.params.id, request.body.identity, { decidedBy: decidedBy(request), now: options.now() });
    if ('refused' in result) {
      if (result.refused === 'no-person') throw errors.API_PERSON_NOT_FOUND({ id: request.params.id });
      throw errors.API_IDENTITY_NOT_FOUND({ key: request.body.identity });
    }
    request.log.info({ personId: result.id, identities: result.identities.length }, 'identity linked to a person');
    options.onChange?.();
    return personView(people, result, options);
  });

  api.delete('/v1/persons/:id/links/:identityKey', {
    onRequest: operate,
    schema: {
      summary: 'Unmerge an identity from a person', tags, security: [{ bearer: [] }],
      description: 'The identity leaves the person for a person of its own, and the rules will not link them again. Its CRM records\' parents move back to its own (its matched Contact or Lead, else its first post). Answers the person it left.',
      params: z.object({ id: z.string().min(1).max(100), identityKey: IdentityKey.max(300) }),
      response: { 200: PersonResource.extend({ unlinked: z.object({ identityKey: z.string(), personId: z.string().describe('its own person now') }) }), 404: ErrorBody, 409: ErrorBody, ...errorsByStatus },
    },
  }, async (request) => {
    const { id, identityKey } = request.params;
    const result = await people.unlink(id, identityKey, { decidedBy: decidedBy(request), now: options.now() });
    if ('refused' in result) {
      if (result.refused === 'no-person') throw errors.API_PERSON_NOT_FOUND({ id });
      if (result.refused === 'only-identity') throw errors.API_PERSON_LAST_IDENTITY({ id, identityKey });
      throw errors.API_PERSON_LINK_NOT_FOUND({ id, identityKey });
    }
    request.log.info({ personId: id, newPersonId: result.newPersonId }, 'identity unmerged from a person');
    options.onChange?.();
    return { ...(await personView(people, result.person, options)), unlinked: { identityKey, personId: result.newPersonId } };
  });

  api.get('/v1/identity-links', {
    onRequest: read,
    schema: {
      summary: 'The review queue: links between identities, by state', tags, security: [{ bearer: [] }],
      description: 'Weak matches wait here (`state=review`, the default) for a person to approve or reject; `linked` and `rejected` list the decided ones. Oldest first.',
      querystring: z.object({ state: z.enum(['review', 'linked', 'rejected']).optional(), ...PageQuery }).strict(),
      response: { 200: pageOf(IdentityLinkResource), ...errorsByStatus },
    },
  }, async (request) => {
    const page = await people.listLinks({ ...(request.query.state ? { state: request.query.state } : {}), limit: request.query.limit, after: decodeCursor('identity-links', request.query.cursor) });
    return { items: page.items, nextCursor: encodeCursor('identity-links', page.next) };
  });

  const LinkParams = z.object({ id: z.string().min(1).max(100) });
  api.get('/v1/identity-links/:id', {
    onRequest: read,
    schema: { summary: 'One link between identities', tags, security: [{ bearer: [] }], params: LinkParams, response: { 200: IdentityLinkResource, 404: ErrorBody, ...errorsByStatus } },
  }, async (request) => {
    const link = await people.getLink(request.params.id);
    if (!link) throw errors.API_IDENTITY_LINK_NOT_FOUND({ id: request.params.id });
    return link;
  });

  for (const decision of ['approve', 'reject'] as const) {
    api.post(`/v1/identity-links/:id/${decision}`, {
      onRequest: operate,
      schema: {
        summary: decision === 'approve' ? 'Approve a link waiting for review: the two identities become one person' : 'Reject a link waiting for review: the rules will not propose it again',
        tags, security: [{ bearer: [] }], params: LinkParams,
        description: 'A link no longer in review is answered as it is.',
        response: { 200: IdentityLinkResource, 404: ErrorBody, ...errorsByStatus },
      },
    }, async (request) => {
      const link = await people.decideLink(request.params.id, { approve: decision === 'approve', decidedBy: decidedBy(request), now: options.now() });
      if (!link) throw errors.API_IDENTITY_LINK_NOT_FOUND({ id: request.params.id });
      request.log.info({ linkId: link.id, state: link.state }, `identity link ${decision}d`);
      options.onChange?.();
      return link;
    });
  }
}
