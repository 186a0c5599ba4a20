/**
 * The c4codataapi service as one function of a request: `execute({ method, path, query, headers, body })`
 * → `{ status, headers, body }`. The HTTP routes and every `$batch` operation go through it, so both
 * answer alike. Paths are relative to the service root: `SocialMediaActivityCollection`,
 * `SocialMediaActivityCollection('<ObjectID>')`, `…/$count`. Wire facts: reference §2.
 */
import type { EdmEntityType, EdmModel } from '../metadata/edmx-reader.ts';
import { collectionBody, entityBody, errorBody, fromODataDate, toGuid, toODataDate, type JsonObject } from '../odata/json.ts';
import { etagOf, ODataRequestError, readBody, writeEntity } from './entity-codec.ts';
import { newObjectId, type EntityStore, type StoredEntity } from './entity-store.ts';
import { FilterError, parseFilter } from './filter.ts';
import { FUNCTION_IMPORTS, runFunctionImport } from './function-imports.ts';

/** One operation, as an HTTP route or a `$batch` part gives it. Header names lower-case. */
export interface ODataOperation {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body?: string;
}

/** Its answer; `body` is JSON text, or '' for none. */
export interface ODataAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What the service needs: the model, the store, the clock, paging sizes, a per-record fault rule hook. */
export interface ODataServiceOptions {
  model: EdmModel;
  store: EntityStore;
  serviceRoot: () => string;
  now: () => number;
  pageSize: number;
  expandPageSize: number;
  ticketReferenceTypeCode: string;
  /** A `_faults` rule refusing this record, as a 400 message; undefined to let it through. */
  refuse?: (entityType: string, properties: Readonly<JsonObject>) => string | undefined;
}

const JSON_HEADERS = { 'content-type': 'application/json', dataserviceversion: '2.0' };

/** An OData error answer. */
export function errorAnswer(status: number, message: string): ODataAnswer {
  return { status, headers: { ...JSON_HEADERS }, body: JSON.stringify(errorBody(message)) };
}

/** The c4codataapi service over a store. */
export class ODataService {
  readonly #o: ODataServiceOptions;

  constructor(options: ODataServiceOptions) {
    this.#o = options;
  }

  /** Carries out one operation; an invalid request is an OData error answer, never a throw. */
  execute(operation: ODataOperation): ODataAnswer {
    try {
      return this.#route(operation);
    } catch (error) {
      if (error instanceof ODataRequestError) return errorAnswer(error.status, error.message);
      if (error instanceof FilterError) return errorAnswer(400, error.message);
      throw error;
    }
  }

  #route(op: ODataOperation): ODataAnswer {
    const fn = decodeURIComponent(op.path);
    if (Object.hasOwn(FUNCTION_IMPORTS, fn)) {
      if (op.method !== 'GET') throw new ODataRequestError(405, `${fn} is called with GET`);
      const set = FUNCTION_IMPORTS[fn as keyof typeof FUNCTION_IMPORTS];
      const rows = runFunctionImport(fn as keyof typeof FUNCTION_IMPORTS, op.query, this.#o.store);
      return this.#answer(200, collectionBody(rows.map(([id, entity]) => writeEntity(this.#context(), set, id, entity, this.#shape(op.query)))));
    }
    const match = /^([A-Za-z]\w*)(?:\('([^']*)'\))?(\/\$count)?$/.exec(decodeURIComponent(op.path));
    const set = match?.[1];
    const type = set ? this.#typeOf(set) : undefined;
    if (!match || !set || !type) throw new ODataRequestError(404, `Resource not found for the segment '${op.path}'`);
    const key = match[2];
    const method = op.method === 'MERGE' ? 'PATCH' : op.method;
    if (key === undefined) {
      if (method === 'GET') return this.#query(set, type, op, match[3] !== undefined);
      if (method === 'POST' && !match[3]) return this.#create(set, type, op);
      throw new ODataRequestError(405, `${op.method} is not allowed on an entity set`);
    }
    const entity = this.#o.store.get(set, key);
    if (!entity) throw new ODataRequestError(404, `Resource not found for the segment '${set}'`);
    if (method === 'GET') return this.#answer(200, entityBody(writeEntity(this.#context(), set, key, entity, this.#shape(op.query))), { etag: etagOf(entity) });
    const ifMatch = op.headers['if-match'];
    // 412 on a mismatch (reference §2); `*` matches any version.
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== etagOf(entity)) throw new ODataRequestError(412, 'Precondition failed: the entity was changed by another user');
    if (method === 'DELETE') {
      const deletable = this.#o.model.entitySets.get(set)!.attributes['sap:deletable'] !== 'false';
      if (!deletable) throw new ODataRequestError(405, `Entities of ${set} cannot be deleted`);
      this.#o.store.delete(set, key);
      return { status: 204, headers: { dataserviceversion: '2.0' }, body: '' };
    }
    if (method === 'PATCH' || method === 'PUT') return this.#update(set, type, key, entity, op, method === 'PUT');
    throw new ODataRequestError(405, `${op.method} is not allowed on an entity`);
  }

  #typeOf(set: string): EdmEntityType | undefined {
    const entitySet = this.#o.model.entitySets.get(set);
    return entitySet ? this.#o.model.entityTypes.get(entitySet.entityType) : undefined;
  }

  #context() {
    return { serviceRoot: this.#o.serviceRoot(), model: this.#o.model };
  }

  #shape(query: URLSearchParams): { select?: string[]; expand?: string[] } {
    const list = (name: string) => query.get(name)?.split(',').map((s) => s.trim()).filter(Boolean);
    const select = list('$select');
    const expand = list('$expand');
    return { ...(select ? { select } : {}), ...(expand ? { expand } : {}) };
  }

  #answer(status: number, body: unknown, headers: Record<string, string> = {}): ODataAnswer {
    return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
  }

  #body(op: ODataOperation): unknown {
    if (!op.body || op.body.trim() === '') return {};
    try { return JSON.parse(op.body); } catch { throw new ODataRequestError(400, 'The request body is not valid JSON'); }
  }

  #query(set: string, type: EdmEntityType, op: ODataOperation, countOnly: boolean): ODataAnswer {
    const q = op.query;
    const filterText = q.get('$filter');
    const filterable = (name: string) => type.properties.some((p) => p.name === name && p.attributes['sap:filterable'] !== 'false');
    const predicate = filterText ? parseFilter(filterText, filterable) : () => true;
    let rows = this.#o.store.list(set).filter(([, e]) => predicate(e.properties));
    const orderby = q.get('$orderby');
    if (orderby) rows = sortRows(rows, orderby, type);
    if (countOnly) return { status: 200, headers: { 'content-type': 'text/plain', dataserviceversion: '2.0' }, body: String(rows.length) };
    const int = (name: string) => {
      const text = q.get(name);
      if (text === null) return undefined;
      if (!/^\d+$/.test(text)) throw new ODataRequestError(400, `Invalid value for ${name}: ${text}`);
      return Number(text);
    };
    const total = rows.length;
    // `$skiptoken` is the row offset the server's own next link carries (Atom sample: `?$skiptoken=1001`).
    const skip = (int('$skip') ?? 0) + Math.max(0, (int('$skiptoken') ?? 1) - 1);
    const top = int('$top');
    const shape = this.#shape(q);
    const page = shape.expand ? this.#o.expandPageSize : this.#o.pageSize;
    const limit = top === undefined ? page : Math.min(top, page);
    const slice = rows.slice(skip, skip + limit);
    let next: string | undefined;
    // Server paging applies when the page is full and more rows remain within `$top` (reference §2).
    if (slice.length === limit && skip + limit < total && (top === undefined || top > limit)) {
      const nextQuery = new URLSearchParams(q);
      nextQuery.delete('$skip');
      nextQuery.set('$skiptoken', String(skip + limit + 1));
      if (top !== undefined) nextQuery.set('$top', String(top - limit));
      next = `${this.#o.serviceRoot()}${set}?${nextQuery.toString()}`;
    }
    const results = slice.map(([id, entity]) => writeEntity(this.#context(), set, id, entity, shape));
    const count = q.get('$inlinecount') === 'allpages' ? total : undefined;
    return this.#answer(200, collectionBody(results, { ...(count !== undefined ? { count } : {}), ...(next ? { next } : {}) }));
  }

  #create(set: string, type: EdmEntityType, op: ODataOperation): ODataAnswer {
    const { properties, children } = readBody(type, this.#body(op), 'create');
    const refused = this.#o.refuse?.(type.name, properties);
    if (refused) throw new ODataRequestError(400, refused);
    const id = this.#insert(set, type, properties, children);
    const entity = this.#o.store.get(set, id)!;
    if (type.name === 'SocialMediaActivity' && !properties.ParentSocialMediaActivityUUID) this.#openTicket(entity);
    const headers = { location: `${this.#o.serviceRoot()}${set}('${id}')`, etag: etagOf(entity) };
    if (op.headers['odata-no-response-payload'] === 'true') return { status: 201, headers: { dataserviceversion: '2.0', ...headers }, body: '' };
    return this.#answer(201, entityBody(writeEntity(this.#context(), set, id, entity)), headers);
  }

  /** Stores a new entity with server-set ObjectID, UUID, readable ID and change stamps; returns its ObjectID. */
  #insert(set: string, type: EdmEntityType, properties: JsonObject, children: Record<string, JsonObject[]> = {}): string {
    const id = newObjectId();
    const changedAt = this.#o.store.changeTime(this.#o.now());
    const has = (name: string) => type.properties.some((p) => p.name === name);
    const stamped: JsonObject = { ...properties, ObjectID: id };
    if (has('UUID')) stamped.UUID = toGuid(id);
    if (has('ID') && stamped.ID === undefined) stamped.ID = this.#o.store.nextReadableId();
    this.#stamp(type, stamped, changedAt, true);
    this.#o.store.put(set, id, { properties: stamped, children, changedAt });
    return id;
  }

  #stamp(type: EdmEntityType, properties: JsonObject, changedAt: number, created: boolean): void {
    for (const name of ['EntityLastChangedOn', 'ETag', 'LastChangeDateTime', 'ChangedOn', ...(created ? ['CreationDateTime', 'CreatedOn'] : [])]) {
      if (type.properties.some((p) => p.name === name)) properties[name] = toODataDate(changedAt);
    }
  }

  /**
   * A root social media activity makes C4C open an empty service ticket in the same transaction,
   * findable by a document reference `ID eq '<SMA ID>' and TypeCode eq '1607'` whose ParentObjectID is
   * the ticket (reference §5.2, from the WeChat sample; the type code [unconfirmed], configurable).
   */
  #openTicket(activity: StoredEntity): void {
    const ticketType = this.#typeOf('ServiceRequestCollection');
    const referenceType = this.#typeOf('ServiceRequestBusinessTransactionDocumentReferenceCollection');
    if (!ticketType || !referenceType) return;
    // Status/processing codes as reads show them (reference §5.3); origin code for social [unconfirmed].
    const ticket = this.#insert('ServiceRequestCollection', ticketType, { Name: '', ServiceRequestLifeCycleStatusCode: '1', ServiceRequestUserLifeCycleStatusCode: '1', ProcessingTypeCode: 'SRRQ', ServicePriorityCode: '3' });
    const reference: JsonObject = { ParentObjectID: ticket, ID: activity.properties.ID, TypeCode: this.#o.ticketReferenceTypeCode };
    this.#insert('ServiceRequestBusinessTransactionDocumentReferenceCollection', referenceType, reference);
  }

  #update(set: string, type: EdmEntityType, id: string, entity: StoredEntity, op: ODataOperation, replace: boolean): ODataAnswer {
    const { properties } = readBody(type, this.#body(op), 'update');
    const refused = this.#o.refuse?.(type.name, { ...entity.properties, ...properties });
    if (refused) throw new ODataRequestError(400, refused);
    const changedAt = this.#o.store.changeTime(this.#o.now());
    let next: JsonObject;
    if (replace) {
      // PUT replaces: updatable properties absent from the body are cleared; read-only ones stay.
      next = Object.fromEntries(Object.entries(entity.properties).filter(([name]) => type.properties.find((p) => p.name === name)?.attributes['sap:updatable'] === 'false'));
      Object.assign(next, properties);
    } else {
      next = { ...entity.properties, ...properties };
    }
    this.#stamp(type, next, changedAt, false);
    const updated = { properties: next, children: entity.children, changedAt };
    this.#o.store.put(set, id, updated);
    return { status: 204, headers: { dataserviceversion: '2.0', etag: etagOf(updated) }, body: '' };
  }
}

function sortRows(rows: Array<[string, StoredEntity]>, orderby: string, type: EdmEntityType): Array<[string, StoredEntity]> {
  const keys = orderby.split(',').map((part) => {
    const [name = '', direction = 'asc'] = part.trim().split(/\s+/);
    if (!type.properties.some((p) => p.name === name)) throw new ODataRequestError(400, `Property '${name}' in $orderby is invalid`);
    if (!/^(asc|desc)$/i.test(direction)) throw new ODataRequestError(400, `Invalid $orderby direction ${direction}`);
    return { name, sign: direction.toLowerCase() === 'desc' ? -1 : 1 };
  });
  const value = (e: StoredEntity, name: string) => { const v = e.properties[name]; return v === undefined ? null : v; };
  return [...rows].sort(([, a], [, b]) => {
    for (const { name, sign } of keys) {
      const x = value(a, name);
      const y = value(b, name);
      if (x === y) continue;
      if (x === null) return -sign;
      if (y === null) return sign;
      const [u, v] = [fromODataDate(x) ?? x, fromODataDate(y) ?? y];
      if (typeof u === 'number' && typeof v === 'number') return (u - v) * sign;
      return (String(u) < String(v) ? -1 : 1) * sign;
    }
    return 0;
  });
}
