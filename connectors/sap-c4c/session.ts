/**
 * The SAP C4C destination session: OData v2 calls only (destination-session.ts). Retries, halving,
 * results keyed by operation id and the limiter are the destination kit's.
 * Wire facts: ../shared/reference/sap-c4c.md (§1 auth and CSRF, §2 JSON, §4 `$batch`, §6 upsert).
 */
import { randomUUID } from 'node:crypto';
import {
  destinationConfigError, requestOAuthToken, SharedCredential, sendWithRenewal, type BearerToken,
  type DestinationContext, type DestinationSession, type ObjectCatalog, type OutboundClient, type OutboundResponse,
  type VendorRecordResult, type WriteBatch, type WriteOperation,
} from '../../src/connectors/index.ts';
import { C4cError, failureOf, UNREADABLE_ANSWER } from './classify.ts';
import { SERVICE_ROOT_PATH, type SapC4cConfig } from './config.ts';
import { CsrfToken, csrfRequired, type CsrfState } from './csrf.ts';
import { lookupQueries, stringLiteral } from './lookup.ts';
import { deriveCatalog } from './metadata/catalog.ts';
import { readEdmx, type EdmModel } from './metadata/edmx-reader.ts';
import { childPath, CHILD_NODES, TICKET_BY_ACTIVITY_MESSAGE } from './object-model.ts';
import { buildBatchRequest, type BatchRequestPart } from './odata/batch-request.ts';
import { answersPerOperation, parseBatchResponse, type BatchOperationResponse } from './odata/batch-response.ts';
import { readCollection } from './odata/json.ts';
import { changeSetResult, entityUrl, parseJson, planChangeSet, type ObjectSets, type PlannedChangeSet, type ResolvedWrite } from './write-requests.ts';

/** Headers of every call: JSON (else C4C answers Atom XML) and no `…CodeText` companions (reference §1, §2). */
const ODATA_HEADERS = { accept: 'application/json', 'odata-no-codedescs': 'true' };

/** The service root the config names, or the mounted sandbox's, with its trailing `/` (reference §1: required). */
export function serviceRoot(config: SapC4cConfig, context: Pick<DestinationContext, 'sandboxUrl'>): string | undefined {
  const url = config.url ?? (context.sandboxUrl ? `${context.sandboxUrl.replace(/\/+$/, '')}${SERVICE_ROOT_PATH}` : undefined);
  return url === undefined ? undefined : url.replace(/\/*$/, '/');
}

/**
 * Connects: the `Authorization` header (Basic, or a SAML bearer token), then the CSRF fetch, which
 * also proves the credentials (a GET of the service root).
 * @throws ParleyError PARLEY_DESTINATION_CONFIG when no URL is known or C4C refuses the credentials
 *   (401/403) or the token request; PARLEY_DESTINATION_UNREACHABLE / _UNTRUSTED_HOST from the outbound policy;
 *   C4cError for any other failed answer (5xx: retried by Parley)
 */
export async function connectSapC4c(config: SapC4cConfig, context: DestinationContext): Promise<DestinationSession> {
  const root = serviceRoot(config, context);
  if (!root) throw destinationConfigError({ destination: context.name, reason: 'url is not set and no SAP C4C sandbox is mounted' });
  const http = context.outbound(root);
  try {
    // A bearer token is fetched by the first call (the CSRF fetch in open) and renewed on 401.
    const authorization = config.auth === 'basic'
      ? `Basic ${Buffer.from(`${config.username!}:${config.password!}`).toString('base64')}`
      : new SharedCredential(() => samlBearerToken(config, http, context.name), { fresh: (token) => Date.now() < token.expiresAt });
    const session = new SapC4cSession(http, root, authorization, config, context.name);
    await session.open();
    return session;
  } catch (error) {
    await http.close().catch(() => undefined);
    throw error;
  }
}

/**
 * The OAuth 2.0 SAML bearer flow (reference §1): the SDK's token request (`requestOAuthToken`: a
 * form POST to the tenant's token endpoint, the client authenticated with Basic) with the signed
 * assertion. The assertion is the configured one: minting it (signing with the IdP's key) is the
 * identity provider's part.
 * @throws ParleyError PARLEY_DESTINATION_CONFIG when the endpoint refuses (4xx) or answers no token; C4cError for a 5xx
 */
export function samlBearerToken(config: SapC4cConfig, http: OutboundClient, destination: string): Promise<BearerToken> {
  const grant = { grant_type: 'urn:ietf:params:oauth:grant-type:saml2-bearer', client_id: config.clientId!, scope: config.scope!, assertion: config.assertion! };
  return requestOAuthToken(http, { destination, tokenUrl: config.tokenUrl!, clientId: config.clientId!, clientSecret: config.clientSecret!, grant },
    (answer) => new C4cError(failureOf(answer)));
}

class SapC4cSession implements DestinationSession {
  readonly #http: OutboundClient;
  readonly #root: string;
  readonly #csrf: CsrfToken;
  /** The Authorization header: fixed for Basic; a SAML bearer token renewed on 401. */
  readonly #authorization: string | SharedCredential<BearerToken>;
  readonly #objects: readonly string[];
  readonly #ticketTypeCode: string;
  readonly #destination: string;
  #service: Promise<ServiceModel> | undefined;
  /** The entity sets once `$metadata` was read (recordUrl is synchronous). */
  #setOfType: ReadonlyMap<string, string> | undefined;

  /** @param authorization the `Authorization` header (Basic), or the bearer token that renews itself on 401 */
  constructor(http: OutboundClient, root: string, authorization: string | SharedCredential<BearerToken>, config: Pick<SapC4cConfig, 'objects' | 'ticketReferenceTypeCode'>, destination: string) {
    this.#objects = config.objects;
    this.#ticketTypeCode = config.ticketReferenceTypeCode;
    this.#destination = destination;
    this.#http = http;
    this.#root = root;
    this.#authorization = authorization;
    this.#csrf = new CsrfToken((headers) => this.#request('GET', this.#root, { headers }), (answer) => this.#checkServiceRoot(answer));
  }

  /** The first CSRF fetch, which also proves the credentials and the URL (#checkServiceRoot). */
  async open(): Promise<void> {
    await this.#csrf.credential.current();
  }

  /**
   * A CSRF fetch's answer: a 401 or 403 there is a credentials problem, a 404 a wrong `url`. A 500
   * is what some users' token fetch gets (reference §1.4): writes go on without a token.
   * @throws ParleyError PARLEY_DESTINATION_CONFIG for 401, 403, 404
   */
  #checkServiceRoot(answer: OutboundResponse): void {
    if (answer.status !== 401 && answer.status !== 403 && answer.status !== 404) return;
    const failure = failureOf(answer);
    throw destinationConfigError({ destination: this.#destination, reason: `${answer.status === 404 ? 'no c4codataapi service answers' : 'SAP C4C refused the credentials'} at ${this.#root} (HTTP ${answer.status}: ${failure.message})`, httpStatus: answer.status, vendorCode: failure.code });
  }

  /**
   * The catalog from the tenant's own `$metadata`, read once: a tenant's metadata carries its
   * extension fields and its release's properties, which the copied 2021 file (metadata/) cannot.
   */
  async describe(): Promise<ObjectCatalog> {
    const { model, setOfType } = await this.#serviceModel();
    const missing = this.#objects.filter((name) => !setOfType.has(name));
    if (missing.length > 0) throw destinationConfigError({ destination: this.#destination, reason: `the tenant's $metadata has no entity set for ${missing.join(', ')} (listed in objects)` });
    return deriveCatalog(model, this.#objects.map((name) => setOfType.get(name)!));
  }

  /**
   * One `$batch` with each operation in its OWN change set. A change set is atomic: when one of its
   * requests fails, C4C rolls the whole set back and answers one error for it (reference §4), so
   * operations sharing a set would fail for a neighbour's bad record. Alone, a refused record fails
   * only itself and the others are written. An operation's set holds all its requests (a root and
   * its child node: write-requests.ts). Upserts (OData v2 has none, reference §6) look the match
   * values up first in one query, then POST the absent and PATCH the found; an update that writes a
   * child node reads the child rows' ObjectIDs first (one query per 100 records).
   * Rejects when the whole call failed (non-2xx outer status, an unreadable answer).
   */
  async send(batch: WriteBatch): Promise<VendorRecordResult[]> {
    const sets = await this.#objectSets(batch.object);
    const existing = batch.operation === 'upsert' ? await this.lookup(batch.object, batch.matchKey!, batch.operations.map((op) => matchValueOf(batch, op))) : new Map<string, string>();
    const resolved = batch.operations.map((op) => resolveWrite(batch, op, existing));
    const childIds = await this.#childRows(sets, resolved);
    const planned: PlannedChangeSet[] = resolved.map((write) => planChangeSet(sets, write.kind === 'update' ? { ...write, childIds: childIds.get(write.recordId) ?? new Map() } : write));
    const sent = planned.flatMap((p, index) => (p.requests.length > 0 ? [index] : []));
    const answers = sent.length === 0 ? [] : await this.#sendBatch(sent.map((index) => ({ kind: 'changeset', operations: planned[index]!.requests })));
    const byIndex = new Map(sent.map((index, i) => [index, answers[i]!]));
    return planned.map((p, index) => changeSetResult(p, byIndex.get(index) ?? []));
  }

  /**
   * Value → ObjectID of the `object` records whose `field` equals it, following `__next`; the first
   * record C4C lists answers for a value. `field` is a root property (`GET <Set>?$filter=…`), a
   * child-node path (`Nav/Property`: the child set is queried, its rows' `ParentObjectID` answers),
   * or the ticket's look-up path (object-model.ts): the activities by message id, then the tickets'
   * document references to them (reference §5.2).
   */
  async lookup(object: string, field: string, values: readonly string[]): Promise<Map<string, string>> {
    if (values.length === 0) return new Map();
    if (object === 'ServiceRequest' && field === TICKET_BY_ACTIVITY_MESSAGE) return this.#ticketsOf(values);
    const sets = await this.#objectSets(object);
    const path = childPath(field);
    if (!path) return this.#find(sets.set, field, values, 'ObjectID');
    const childSet = sets.children.get(path.navigation);
    if (!childSet) throw new C4cError({ code: 'UNKNOWN_ENTITY_TYPE', message: `${object} has no child node ${path.navigation} in the tenant's $metadata`, httpStatus: 404 });
    return this.#find(childSet, path.property, values, 'ParentObjectID');
  }

  /** The tickets C4C opened for the root activities with these message ids: message id → ticket ObjectID. */
  async #ticketsOf(messageIds: readonly string[]): Promise<Map<string, string>> {
    const activities = await this.#objectSets('SocialMediaActivity');
    const readableIds = await this.#find(activities.set, 'SocialMediaMessageID', messageIds, 'ID');
    const tickets = await this.#objectSets('ServiceRequest');
    const referenceSet = tickets.children.get('ServiceRequestBusinessTransactionDocumentReference');
    if (!referenceSet || readableIds.size === 0) return new Map();
    const ticketOfId = await this.#find(referenceSet, 'ID', [...new Set(readableIds.values())], 'ParentObjectID', `TypeCode eq ${stringLiteral(this.#ticketTypeCode)}`);
    const found = new Map<string, string>();
    for (const [messageId, id] of readableIds) { const ticket = ticketOfId.get(id); if (ticket) found.set(messageId, ticket); }
    return found;
  }

  /** `field` value → `answer` property of the first row of `set` with it, over every page (`__next`). */
  async #find(set: string, field: string, values: readonly string[], answer: string, and?: string): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const wanted = new Set(values);
    for (const query of lookupQueries(field, values, { select: [answer, field], ...(and !== undefined ? { and } : {}) })) {
      let url: string | undefined = `${this.#root}${set}?${query}`;
      while (url !== undefined) {
        const response = await this.#request('GET', url, {});
        if (response.status !== 200) throw new C4cError(failureOf(response));
        const page = readCollection(parseJson(response.body));
        if (!page) throw new C4cError({ code: UNREADABLE_ANSWER, message: `the query of ${set} answered 200 without an OData v2 collection`, httpStatus: 200 });
        for (const row of page.results) {
          const value = row[field], id = row[answer];
          if (typeof value === 'string' && typeof id === 'string' && wanted.has(value) && !found.has(value)) found.set(value, id);
        }
        // `__next` is absolute on C4C; a relative one is read against the service root.
        url = page.next === undefined ? undefined : new URL(page.next, this.#root).toString();
      }
    }
    return found;
  }

  /** Parent ObjectID → child navigation → the child row's ObjectID, for the updates that write child nodes. */
  async #childRows(sets: ObjectSets, writes: readonly ResolvedWrite[]): Promise<Map<string, Map<string, string>>> {
    const rows = new Map<string, Map<string, string>>();
    for (const navigation of CHILD_NODES[sets.object] ?? []) {
      const parents = writes.flatMap((w) => (w.kind === 'update' && Object.keys(w.fields).some((f) => childPath(f)?.navigation === navigation) ? [w.recordId] : []));
      const childSet = sets.children.get(navigation);
      if (parents.length === 0 || !childSet) continue;
      const childOf = await this.#find(childSet, 'ParentObjectID', parents, 'ObjectID');
      for (const [parent, child] of childOf) (rows.get(parent) ?? rows.set(parent, new Map()).get(parent)!).set(navigation, child);
    }
    return rows;
  }

  /** Sends change sets as one `$batch` (CSRF handled by #write); answers per request of each set, in order. */
  async #sendBatch(parts: BatchRequestPart[]): Promise<BatchOperationResponse[][]> {
    const { contentType, body } = buildBatchRequest(parts, { id: randomUUID() });
    const answer = await this.#write('POST', `${this.#root}$batch`, { 'content-type': contentType }, body);
    if (answer.status !== 200 && answer.status !== 202) throw new C4cError(failureOf(answer));
    try {
      return answersPerOperation(parts, parseBatchResponse(answer.headers['content-type'], answer.body));
    } catch (cause) {
      throw new C4cError({ code: UNREADABLE_ANSWER, message: `the $batch answer is not one C4C batch response per change set: ${(cause as Error).message}`, httpStatus: answer.status });
    }
  }

  /** The record's OData entity URL (`<service root>SocialMediaActivityCollection('<ObjectID>')`), once `$metadata` named its set. */
  recordUrl(object: string, recordId: string): string | undefined {
    const set = this.#setOfType?.get(object);
    return set === undefined ? undefined : `${this.#root}${entityUrl(set, recordId)}`;
  }

  async close(): Promise<void> {
    await this.#http.close();
  }

  /**
   * A write or `$batch` with the CSRF token and cookies. A 403 `x-csrf-token: Required` (the
   * session expired) fetches a new token and sends the same request once more; C4C refused it
   * before carrying anything out, so even a `$batch` is safe to send again. A second `Required` is
   * returned as it is (classify: retryable).
   */
  async #write(method: string, url: string, headers: Record<string, string>, body: string): Promise<OutboundResponse> {
    const send = (state: CsrfState) => this.#request(method, url, { headers: { ...headers, ...this.#csrf.headers(state) }, body });
    return (await sendWithRenewal(this.#csrf.credential, send, csrfRequired)).answer;
  }

  /**
   * One call with the session's `Authorization`. A bearer token that expired (401) is renewed once
   * through the SAML bearer flow (the SDK's sendWithRenewal: one renewal however many calls met the
   * 401) and the same request sent again: C4C refused it before carrying anything out. A second 401
   * is returned as it is.
   */
  async #request(method: string, url: string, request: { headers?: Record<string, string>; body?: string }): Promise<OutboundResponse> {
    const send = (authorization: string) => this.#http.request({
      method, url, headers: { ...ODATA_HEADERS, ...request.headers, authorization },
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    const answer = typeof this.#authorization === 'string'
      ? await send(this.#authorization)
      : (await sendWithRenewal(this.#authorization, (token) => send(token.header), (a) => a.status === 401)).answer;
    this.#csrf.absorb(answer);
    return answer;
  }

  /**
   * The tenant's `$metadata`, read once, with what every call needs from it worked out once: each
   * entity type's set, and each object's set with its child nodes' sets (1:n navigations).
   */
  #serviceModel(): Promise<ServiceModel> {
    this.#service ??= (async () => {
      const answer = await this.#request('GET', `${this.#root}$metadata`, { headers: { accept: 'application/xml' } });
      if (answer.status !== 200) throw new C4cError(failureOf(answer));
      const service = serviceModelOf(readEdmx(answer.body));
      this.#setOfType = service.setOfType;
      return service;
    })().catch((error: unknown) => { this.#service = undefined; throw error; });
    return this.#service;
  }

  /** The entity set of `object` and of its child nodes (object-model.ts CHILD_NODES, and the ticket's document references). */
  async #objectSets(object: string): Promise<ObjectSets> {
    const sets = (await this.#serviceModel()).objectSets.get(object);
    if (!sets) throw new C4cError({ code: 'UNKNOWN_ENTITY_TYPE', message: `the tenant's $metadata has no entity set of type ${object}`, httpStatus: 404 });
    return sets;
  }
}

/** A tenant's `$metadata` and the entity sets worked out from it. */
interface ServiceModel {
  model: EdmModel;
  /** Entity type → its entity set (`SocialMediaActivity` → `SocialMediaActivityCollection`); the first when several. */
  setOfType: ReadonlyMap<string, string>;
  /** Entity type → its set and its child nodes' sets. */
  objectSets: ReadonlyMap<string, ObjectSets>;
}

function serviceModelOf(model: EdmModel): ServiceModel {
  const setOfType = new Map<string, string>();
  for (const [name, set] of model.entitySets) if (!setOfType.has(set.entityType)) setOfType.set(set.entityType, name);
  const objectSets = new Map<string, ObjectSets>();
  for (const [object, set] of setOfType) {
    const children = new Map<string, string>();
    for (const [navigation, target] of model.entityTypes.get(object)?.navigationTargets ?? []) {
      const childSet = target.multiplicity === '*' ? setOfType.get(target.type) : undefined;
      if (childSet) children.set(navigation, childSet);
    }
    objectSets.set(object, { object, set, children });
  }
  return { model, setOfType, objectSets };
}

function matchValueOf(batch: WriteBatch, op: WriteOperation): string {
  return op.matchValue ?? String(op.fields[batch.matchKey!] ?? '');
}

/** An operation as a create, update or delete: an upsert is a create unless its match value was found. */
function resolveWrite(batch: WriteBatch, op: WriteOperation, existing: ReadonlyMap<string, string>): ResolvedWrite {
  const none = new Map<string, string>();
  switch (batch.operation) {
    case 'create': return { kind: 'create', fields: op.fields };
    case 'delete': return { kind: 'delete', recordId: op.recordId! };
    case 'update': return { kind: 'update', recordId: op.recordId!, fields: op.fields, childIds: none };
    case 'upsert': {
      const fields = { ...op.fields, [batch.matchKey!]: matchValueOf(batch, op) };
      const found = existing.get(matchValueOf(batch, op));
      return found === undefined ? { kind: 'create', fields } : { kind: 'update', recordId: found, fields, childIds: none };
    }
  }
}
